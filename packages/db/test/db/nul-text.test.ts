// A NUL character in any text a service writes is an InvalidError naming the field, on every dialect, and
// nothing is stored. Without the check PostgreSQL refused it with a driver error and SQLite cut the
// statement short where MikroORM writes the value into the SQL text; MariaDB stored it.
import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { InvalidError } from '../../src/domain/errors.ts';
import { MAX_JSON_DEPTH } from '../../src/domain/limits.ts';
import { Category, Product, User, UserProfile } from '../../src/entities/index.ts';
import { createCategory } from '../../src/services/categories/writes.ts';
import { createProduct, createProducts, updateProduct } from '../../src/services/products/writes.ts';
import { upsertProfile } from '../../src/services/profiles/writes.ts';
import { createUser, updateUser } from '../../src/services/users/writes.ts';

const { em } = useTestDatabase();
const NUL = '\u0000';

async function refused(write: Promise<unknown>, field: string) {
  const error = await write.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidError);
  expect(error).toMatchObject({ field, message: `${field} must not contain NUL characters` });
}

describe('NUL characters in text', () => {
  it('are refused in every text column, naming the field, and nothing is stored', async () => {
    await refused(createUser(em(), { username: `a${NUL}b`, email: 'a@example.com' }), 'username');
    await refused(createCategory(em(), `Bo${NUL}oks`), 'name');
    const category = await createCategory(em(), 'Books');
    await refused(
      createProduct(em(), { name: 'Atlas', description: NUL, price: '1.00', categoryId: category.id }),
      'description',
    );
    await refused(
      createProducts(em(), [
        { name: 'Fine', price: '1.00', categoryId: category.id },
        { name: `Bad${NUL}`, price: '1.00', categoryId: category.id },
      ]),
      'name',
    );
    const user = await createUser(em(), { username: 'ann', email: 'ann@example.com' });
    await refused(upsertProfile(em(), user.id, { bio: `hi${NUL}` }, 'any'), 'bio');
    await refused(updateUser(em(), user.id, { email: `ann${NUL}@example.com` }, 'operator'), 'email');

    const fork = em();
    expect(await fork.count(User)).toBe(1);
    expect((await fork.findOneOrFail(User, user.id)).email).toBe('ann@example.com');
    expect(await fork.count(Category)).toBe(1);
    expect(await fork.count(Product)).toBe(0);
    expect(await fork.count(UserProfile)).toBe(0);
  });

  it('are refused anywhere in JSON metadata, keys and nested values, and the row keeps its value', async () => {
    const category = await createCategory(em(), 'Books');
    const product = await createProduct(em(), {
      name: 'Atlas',
      price: '1.00',
      categoryId: category.id,
      metadata: { tags: ['maps'] },
    });
    await refused(updateProduct(em(), product.id, { metadata: { tags: ['maps', `x${NUL}`] } }), 'metadata');
    await refused(updateProduct(em(), product.id, { metadata: { [`k${NUL}`]: 1 } }), 'metadata');
    await refused(updateProduct(em(), product.id, { name: `Atlas${NUL}2` }), 'name');
    const stored = await em().findOneOrFail(Product, product.id);
    expect(stored.name).toBe('Atlas');
    expect(stored.metadata).toEqual({ tags: ['maps'] });
  });
});

describe('JSON metadata depth', () => {
  /** `{ "a": { "a": … 1 } }`, `levels` objects deep. */
  const nested = (levels: number): Record<string, unknown> => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i++) value = { a: value };
    return value as Record<string, unknown>;
  };

  it(`is held to ${MAX_JSON_DEPTH} levels on every dialect, before the database, naming metadata`, async () => {
    const category = await createCategory(em(), 'Books');
    const product = await createProduct(em(), {
      name: 'Deep',
      price: '1.00',
      categoryId: category.id,
      metadata: nested(MAX_JSON_DEPTH),
    });
    for (const levels of [MAX_JSON_DEPTH + 1, 32, 2_000]) {
      // Before: MariaDB "the change violates check" without a field; PostgreSQL and SQLite stored it.
      const error = await updateProduct(em(), product.id, { metadata: nested(levels) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidError);
      expect(error).toMatchObject({
        field: 'metadata',
        message: `metadata must not nest deeper than ${MAX_JSON_DEPTH} levels`,
      });
      const bulk = await createProducts(em(), [
        { name: 'Bulk', price: '1.00', categoryId: category.id, metadata: nested(levels) },
      ]).catch((e: unknown) => e);
      expect(bulk).toMatchObject({ field: 'metadata' });
    }
    const stored = await em().findOneOrFail(Product, product.id);
    expect(stored.metadata).toEqual(nested(MAX_JSON_DEPTH));
  });
});
