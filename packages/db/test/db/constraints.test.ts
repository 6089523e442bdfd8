// Driver exceptions become the same domain errors on every dialect (translated once, in src/errors.ts),
// and a failed statement leaves the database as it was.
import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidError } from '../../src/domain/errors.ts';
import { formatMoney } from '../../src/domain/money.ts';
import { translateErrors } from '../../src/driver/driver-errors.ts';
import { Account, Category, Product, Transfer, User } from '../../src/entities/index.ts';
import { getAccount } from '../../src/services/accounts/reads.ts';
import { openAccount } from '../../src/services/accounts/writes.ts';
import { createCategory } from '../../src/services/categories/writes.ts';
import { getUser, listUsers } from '../../src/services/users/reads.ts';
import { createUser, updateUser } from '../../src/services/users/writes.ts';

const { em } = useTestDatabase();
const now = new Date();

/** Every row of the tables these tests touch, to prove a failure changed nothing. */
async function snapshot() {
  const fork = em();
  const byId = { orderBy: { id: 'asc' } } as const;
  return {
    users: (await fork.find(User, {}, byId)).map((u) => [u.id, u.username, u.email, u.isActive]),
    categories: (await fork.find(Category, {}, byId)).map((c) => [c.id, c.name]),
    products: (await fork.find(Product, {}, byId)).map((p) => [p.id, p.name, formatMoney(p.price)]),
    accounts: (await fork.find(Account, {}, byId)).map((a) => [a.id, a.owner?.id ?? null, formatMoney(a.balance)]),
    transfers: (await fork.find(Transfer, {}, byId)).map((t) => t.id),
  };
}

async function fixture() {
  const user = await createUser(em(), { username: 'ann', email: 'ann@example.com' });
  const account = await openAccount(em(), user.id, '5.00', 'any');
  const category = await createCategory(em(), 'C');
  return { user, account, category };
}

describe('constraint violations', () => {
  it('unique → ConflictError naming the field (service and raw insert)', async () => {
    const { user } = await fixture();
    const other = await createUser(em(), { username: 'bob', email: 'bob@example.com' });
    const before = await snapshot();

    const viaService = await createUser(em(), { username: 'ann2', email: 'ANN@example.com' }).catch((e: unknown) => e);
    expect(viaService).toBeInstanceOf(ConflictError);
    expect(viaService).toMatchObject({ kind: 'CONFLICT', field: 'email' });
    await expect(createUser(em(), { username: 'ann', email: 'x@example.com' })).rejects.toMatchObject({
      kind: 'CONFLICT',
      field: 'username',
    });
    await expect(updateUser(em(), other.id, { email: 'ann@example.com' }, 'operator')).rejects.toMatchObject({
      kind: 'CONFLICT',
      field: 'email',
    });
    const raw = translateErrors(() =>
      em().insert(User, { username: 'ann3', email: 'ann@example.com', isActive: true, createdAt: now, updatedAt: now }),
    );
    await expect(raw).rejects.toMatchObject({ kind: 'CONFLICT', field: 'email' });
    await expect(createCategory(em(), 'C')).rejects.toMatchObject({ kind: 'CONFLICT', field: 'name' });

    expect(await snapshot()).toEqual(before);
    expect((await getUser(em(), other.id, 'any')).email).toBe('bob@example.com');
    expect((await getUser(em(), user.id, 'any')).username).toBe('ann');
  });

  it('foreign key → ConflictError (missing parent)', async () => {
    const { account } = await fixture();
    const before = await snapshot();
    const product = await translateErrors(() =>
      em().insert(Product, {
        name: 'x',
        price: '1.00',
        stock: 1,
        inStock: true,
        category: 4242,
        createdAt: now,
        updatedAt: now,
      }),
    ).catch((e: unknown) => e);
    expect(product).toBeInstanceOf(ConflictError);
    expect(product).toMatchObject({ kind: 'CONFLICT' });
    const ledger = translateErrors(() =>
      em().insert(Transfer, { fromAccount: account.id, toAccount: 4242, amount: '1.00', createdAt: now }),
    );
    await expect(ledger).rejects.toBeInstanceOf(ConflictError);
    const bothMissing = translateErrors(() =>
      em().insert(Transfer, { fromAccount: 4241, toAccount: 4242, amount: '1.00', createdAt: now }),
    );
    await expect(bothMissing).rejects.toBeInstanceOf(ConflictError);
    const moved = translateErrors(() => em().nativeUpdate(Account, { id: account.id }, { owner: 4242 }));
    await expect(moved).rejects.toBeInstanceOf(ConflictError);
    expect(await snapshot()).toEqual(before);
  });

  it('foreign key → ConflictError (RESTRICT: a parent with children cannot be deleted)', async () => {
    const { category } = await fixture();
    await em().insert(Product, {
      name: 'kept',
      price: '1.00',
      stock: 1,
      inStock: true,
      category: category.id,
      createdAt: now,
      updatedAt: now,
    });
    const before = await snapshot();
    await expect(translateErrors(() => em().nativeDelete(Category, { id: category.id }))).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await snapshot()).toEqual(before);
  });

  it('not null → InvalidError naming the field', async () => {
    await fixture();
    const before = await snapshot();
    const insert = await translateErrors(() =>
      em().insert(User, { username: 'nomail', isActive: true, createdAt: now, updatedAt: now } as never),
    ).catch((e: unknown) => e);
    expect(insert).toBeInstanceOf(InvalidError);
    expect(insert).toMatchObject({ kind: 'INVALID', field: 'email' });
    const update = translateErrors(() => em().nativeUpdate(User, { username: 'ann' }, { username: null } as never));
    await expect(update).rejects.toMatchObject({ kind: 'INVALID', field: 'username' });
    expect(await snapshot()).toEqual(before);
    expect((await listUsers(em())).items.map((u) => u.username)).toEqual(['ann']);
  });

  it('check → InvalidError naming the constraint, and the row keeps its value', async () => {
    const { user, account, category } = await fixture();
    const second = await openAccount(em(), user.id, '1.00', 'any');
    const before = await snapshot();

    const update = await translateErrors(() =>
      em().nativeUpdate(Account, { id: account.id }, { balance: '-1.00' }),
    ).catch((e: unknown) => e);
    expect(update).toBeInstanceOf(InvalidError);
    expect(update).toMatchObject({ kind: 'INVALID', field: 'accounts_balance_check' });
    expect((await getAccount(em(), account.id, 'any')).balance).toBe('5.00');

    const negative = translateErrors(() =>
      em().insert(Product, {
        name: 'x',
        price: '-0.01',
        stock: 1,
        inStock: true,
        category: category.id,
        createdAt: now,
        updatedAt: now,
      }),
    );
    await expect(negative).rejects.toMatchObject({ kind: 'INVALID', field: 'products_price_check' });
    const self = translateErrors(() =>
      em().insert(Transfer, { fromAccount: account.id, toAccount: account.id, amount: '1.00', createdAt: now }),
    );
    await expect(self).rejects.toMatchObject({ kind: 'INVALID', field: 'transfers_distinct_accounts_check' });
    const zero = translateErrors(() =>
      em().insert(Transfer, { fromAccount: account.id, toAccount: second.id, amount: '0.00', createdAt: now }),
    );
    await expect(zero).rejects.toMatchObject({ kind: 'INVALID', field: 'transfers_amount_check' });
    expect(await snapshot()).toEqual(before);
  });

  it('a violation inside a transaction rolls back the statements before it', async () => {
    const { account } = await fixture();
    const before = await snapshot();
    const error = await translateErrors(() =>
      em().transactional(async (tx) => {
        await tx.nativeUpdate(Account, { id: account.id }, { balance: '4.00' });
        await tx.insert(Category, { name: 'New', createdAt: now, updatedAt: now });
        await tx.insert(Category, { name: 'New', createdAt: now, updatedAt: now }); // unique violation
      }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'CONFLICT', field: 'name' });
    expect(await snapshot()).toEqual(before);
    expect((await getAccount(em(), account.id, 'any')).balance).toBe('5.00');
  });
});
