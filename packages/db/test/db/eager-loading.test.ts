import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { createCategory } from '../../src/services/categories/writes.ts';
import { listProductsByCursor } from '../../src/services/products/cursor.ts';
import { listProducts, productSummaries } from '../../src/services/products/reads.ts';
import { createProducts } from '../../src/services/products/writes.ts';
import { upsertProfile } from '../../src/services/profiles/writes.ts';
import { assignRole, createRole } from '../../src/services/roles/writes.ts';
import { listUsers } from '../../src/services/users/reads.ts';
import { createUsers } from '../../src/services/users/writes.ts';

const { em, db } = useTestDatabase();

describe('eager loading (no N+1)', () => {
  async function queriesFor(run: () => Promise<unknown>): Promise<number> {
    const before = db().queries.length;
    await run();
    return db().queries.length - before;
  }

  it('lists products with their category in a constant number of queries (5 vs 50 products, 5 categories)', async () => {
    const categories = await Promise.all(['A', 'B', 'C', 'D', 'E'].map((n) => createCategory(em(), n)));
    const add = (from: number, count: number) =>
      createProducts(
        em(),
        Array.from({ length: count }, (_, i) => ({
          name: `P${from + i}`,
          price: '1.00',
          categoryId: categories[(from + i) % 5]!.id,
        })),
      );
    await add(0, 5);
    let page = await listProducts(em(), { perPage: 100 });
    const few = await queriesFor(() => listProducts(em(), { perPage: 100 }));
    expect(page.items).toHaveLength(5);
    await add(5, 45);
    const many = await queriesFor(async () => {
      page = await listProducts(em(), { perPage: 100 });
    });
    expect(page.items).toHaveLength(50);
    // Every product carries its category's name: it was loaded, not left as an empty reference.
    const names = new Map(categories.map((c) => [c.id, c.name]));
    expect(page.items.every((p) => p.category.name === names.get(p.category.id))).toBe(true);
    expect(many).toBe(few);
    expect(few).toBeLessThanOrEqual(2); // one select (category joined) + one count

    const cursorFew = await queriesFor(() => listProductsByCursor(em(), { first: 5 }));
    const cursorMany = await queriesFor(() => listProductsByCursor(em(), { first: 50 }));
    expect(cursorMany).toBe(cursorFew);
    const exported = await queriesFor(() => productSummaries(em(), {}, 50));
    expect(exported).toBe(1);
  });

  it('lists users with profile and roles in a constant number of queries (5 vs 50 users)', async () => {
    await createRole(em(), 'customer');
    await createRole(em(), 'staff');
    const add = async (from: number, count: number) => {
      const users = await createUsers(
        em(),
        Array.from({ length: count }, (_, i) => ({ username: `u${from + i}`, email: `u${from + i}@example.com` })),
      );
      for (const [i, u] of users.entries()) {
        await upsertProfile(em(), u.id, { firstName: `F${from + i}` }, 'any');
        await assignRole(em(), u.id, 'customer');
        if (i % 2 === 0) await assignRole(em(), u.id, 'staff');
      }
    };
    await add(0, 5);
    const few = await queriesFor(() => listUsers(em(), { perPage: 100 }));
    await add(5, 45);
    let page = await listUsers(em(), { perPage: 100 });
    const many = await queriesFor(async () => {
      page = await listUsers(em(), { perPage: 100 });
    });
    expect(many).toBe(few);
    expect(page.items).toHaveLength(50);
    for (const u of page.items) {
      const n = Number(u.username.slice(1));
      const indexInBatch = n < 5 ? n : n - 5;
      expect(u.profile?.firstName).toBe(`F${n}`);
      expect(u.roles).toEqual(indexInBatch % 2 === 0 ? ['customer', 'staff'] : ['customer']);
    }
  });
});
