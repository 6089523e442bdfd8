// PostgreSQL: the read paths' parameterized queries run as named statements, parsed once per connection.
import { testDialect, useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { statementNamer } from '../../src/driver/postgres-statement-names.ts';
import { Product } from '../../src/entities/index.ts';
import { createCategory } from '../../src/services/categories/writes.ts';
import { getProduct, listProducts } from '../../src/services/products/reads.ts';
import { createProducts } from '../../src/services/products/writes.ts';

const { em } = useTestDatabase();

describe.runIf(testDialect === 'postgresql')('named statements on PostgreSQL', () => {
  it('prepares a read once per connection and reuses it for other values', async () => {
    const category = await createCategory(em(), 'Books');
    await createProducts(
      em(),
      Array.from({ length: 5 }, (_, i) => ({ name: `P${i}`, price: `${i}.50`, categoryId: category.id })),
    );
    const ids = (await listProducts(em())).items.map((p) => p.id);
    // One transaction pins one pooled connection: the session's prepared statements are visible in it.
    const prepared = await em().transactional(async (tx) => {
      for (const id of ids) expect((await getProduct(tx, id)).id).toBe(id);
      await tx.find(Product, { id: { $in: ids } }); // MikroORM's own query: values inlined, never named
      return tx.execute<{ name: string; statement: string }[]>(
        `select name, statement from pg_prepared_statements where name like 'shop\\_%'`,
      );
    });
    const byId = prepared.filter((s) => /where "p"."id" in \(\$1\)/.test(s.statement));
    expect(byId).toHaveLength(1); // five ids, one statement
    expect(prepared.some((s) => /^select "products"|from "products" as "p0"/.test(s.statement))).toBe(false);
  });
});

describe('statement names', () => {
  it('derive from the text, and stop at the limit (later texts stay unnamed)', () => {
    const nameOf = statementNamer(2);
    const a = nameOf('select 1 where $1');
    expect(a).toMatch(/^shop_[\w-]+$/);
    expect(nameOf('select 1 where $1')).toBe(a);
    expect(nameOf('select 2 where $1')).not.toBe(a);
    expect(nameOf('select 3 where $1')).toBeUndefined();
    expect(statementNamer(2)('select 1 where $1')).toBe(a); // same text, same name in every pool
  });
});
