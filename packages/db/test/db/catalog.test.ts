import { useTestDatabase } from '@shop/db/testing';
import { describe, expect, it } from 'vitest';
import { InvalidError, NotFoundError } from '../../src/domain/errors.ts';
import { Category, Product } from '../../src/entities/index.ts';
import { getCategory, listCategories } from '../../src/services/categories/reads.ts';
import { createCategory, deleteCategory, renameCategory } from '../../src/services/categories/writes.ts';
import { getProduct, getProducts, listProducts, productSummaries } from '../../src/services/products/reads.ts';
import { createProduct, createProducts, deleteProduct, updateProduct } from '../../src/services/products/writes.ts';

const { db, em } = useTestDatabase();

describe('categories', () => {
  it('creates, gets, lists sorted and renames', async () => {
    const books = await createCategory(em(), '  Books ');
    const art = await createCategory(em(), 'Art');
    expect(books).toMatchObject({ id: expect.any(Number), name: 'Books' });
    expect(books.createdAt).toBeInstanceOf(Date);
    expect(await listCategories(em())).toEqual([
      expect.objectContaining({ id: art.id, name: 'Art' }),
      expect.objectContaining({ id: books.id, name: 'Books' }),
    ]);
    expect((await renameCategory(em(), books.id, 'Novels')).name).toBe('Novels');
    expect((await getCategory(em(), books.id)).name).toBe('Novels');
    await expect(getCategory(em(), 99_999)).rejects.toBeInstanceOf(NotFoundError);
    await expect(renameCategory(em(), 99_999, 'x')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a duplicate name is a CONFLICT on name, on create and on rename', async () => {
    const books = await createCategory(em(), 'Books');
    const art = await createCategory(em(), 'Art');
    await expect(createCategory(em(), 'Books')).rejects.toMatchObject({ kind: 'CONFLICT', field: 'name' });
    await expect(renameCategory(em(), art.id, 'Books')).rejects.toMatchObject({ kind: 'CONFLICT', field: 'name' });
    expect((await listCategories(em())).map((c) => [c.id, c.name])).toEqual([
      [art.id, 'Art'],
      [books.id, 'Books'],
    ]);
  });

  it('refuses to delete a category with products (CONFLICT on products), deletes an empty one, 404 when missing', async () => {
    const books = await createCategory(em(), 'Books');
    const empty = await createCategory(em(), 'Empty');
    await createProduct(em(), { name: 'Dune', price: '9.99', categoryId: books.id });
    await expect(deleteCategory(em(), books.id)).rejects.toMatchObject({ kind: 'CONFLICT', field: 'products' });
    expect((await getCategory(em(), books.id)).name).toBe('Books');
    expect((await listProducts(em())).total).toBe(1);
    await deleteCategory(em(), empty.id);
    await expect(getCategory(em(), empty.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteCategory(em(), empty.id)).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    await expect(deleteCategory(em(), 99_999)).rejects.toBeInstanceOf(NotFoundError);
    expect(await em().count(Category)).toBe(1);
  });
});

describe('products', () => {
  it('reads several by id in one statement, in the order asked, each as getProduct answers it', async () => {
    const a = await createCategory(em(), 'A');
    const [lamp, desk] = await Promise.all(
      ['Lamp', 'Desk'].map((name) =>
        createProduct(em(), { name, price: '1.50', categoryId: a.id, metadata: { n: 1 } }),
      ),
    );
    const before = db().queries.length;
    const found = await getProducts(em(), [desk!.id, 99_999, lamp!.id, desk!.id]);
    expect(db().queries.length - before).toBe(1);
    expect(found[0]).toEqual(await getProduct(em(), desk!.id));
    expect(found[1]).toBeInstanceOf(NotFoundError);
    expect(found[1]).toMatchObject({ message: 'product 99999 not found' });
    expect(found[2]).toEqual(await getProduct(em(), lamp!.id));
    expect(found[3]).toEqual(found[0]);
  });

  it('creates, gets, updates partially (moving category) and deletes', async () => {
    const a = await createCategory(em(), 'A');
    const b = await createCategory(em(), 'B');
    const created = await createProduct(em(), {
      name: ' Lamp ',
      description: 'bright',
      price: '10.00',
      stock: 3,
      categoryId: a.id,
      metadata: { tags: ['a'], n: 1 },
    });
    expect(created).toMatchObject({
      name: 'Lamp',
      description: 'bright',
      price: '10.00',
      stock: 3,
      inStock: true,
      category: { id: a.id, name: 'A' },
      metadata: { tags: ['a'], n: 1 },
    });
    expect(await getProduct(em(), created.id)).toMatchObject({ name: 'Lamp', metadata: { tags: ['a'], n: 1 } });

    const updated = await updateProduct(em(), created.id, { price: '12.5', categoryId: b.id, stock: 0 });
    expect(updated).toMatchObject({ name: 'Lamp', description: 'bright', price: '12.50', stock: 0, inStock: false });
    expect(await getProduct(em(), created.id)).toMatchObject({
      name: 'Lamp',
      description: 'bright',
      price: '12.50',
      inStock: false,
      category: { id: b.id, name: 'B' },
    });
    await updateProduct(em(), created.id, { description: null, name: 'Desk lamp' });
    expect(await getProduct(em(), created.id)).toMatchObject({ name: 'Desk lamp', description: null, price: '12.50' });

    await expect(updateProduct(em(), created.id, { categoryId: 99_999 })).rejects.toBeInstanceOf(NotFoundError);
    expect((await getProduct(em(), created.id)).category.id).toBe(b.id);
    await expect(updateProduct(em(), 99_999, { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);

    await deleteProduct(em(), created.id);
    await expect(getProduct(em(), created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteProduct(em(), created.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps prices exact two-place decimal strings', async () => {
    const c = await createCategory(em(), 'C');
    for (const [input, stored] of [
      ['19.99', '19.99'],
      ['0.10', '0.10'],
      ['12345678.90', '12345678.90'],
      ['99999999.99', '99999999.99'],
      ['0.01', '0.01'],
      ['0', '0.00'],
      ['7', '7.00'],
      ['0.3', '0.30'],
    ] as const) {
      const p = await createProduct(em(), { name: `p${input}`, price: input, categoryId: c.id });
      expect(p.price).toBe(stored);
      expect((await getProduct(em(), p.id)).price).toBe(stored);
      const summary = await productSummaries(em(), { nameContains: `p${input}` });
      expect(summary.find((s) => s.id === p.id)?.price).toBe(stored);
    }
    const p = await createProduct(em(), { name: 'u', price: '1.00', categoryId: c.id });
    expect((await updateProduct(em(), p.id, { price: '0.10' })).price).toBe('0.10');
    expect((await getProduct(em(), p.id)).price).toBe('0.10');
    await createProducts(em(), [{ name: 'bulk', price: '12345678.90', categoryId: c.id }]);
    expect((await listProducts(em(), { nameContains: 'bulk' })).items[0]?.price).toBe('12345678.90');
  });

  it('rejects a negative price through the CHECK constraint, and stores nothing', async () => {
    const c = await createCategory(em(), 'C');
    const error = await createProduct(em(), { name: 'bad', price: '-1.00', categoryId: c.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidError);
    // The database's CHECK rejected it (the service does not pre-validate the sign): same name on both dialects.
    expect(error).toMatchObject({ kind: 'INVALID', field: 'products_price_check' });
    await expect(
      createProducts(em(), [
        { name: 'ok', price: '1.00', categoryId: c.id },
        { name: 'bad', price: '-0.01', categoryId: c.id },
      ]),
    ).rejects.toMatchObject({ kind: 'INVALID', field: 'products_price_check' });
    const p = await createProduct(em(), { name: 'fine', price: '3.00', categoryId: c.id });
    await expect(updateProduct(em(), p.id, { price: '-3.00' })).rejects.toBeInstanceOf(InvalidError);
    expect((await getProduct(em(), p.id)).price).toBe('3.00');
    expect((await listProducts(em())).items.map((x) => x.name)).toEqual(['fine']);
  });

  it('rejects an unknown category with NOT_FOUND', async () => {
    const c = await createCategory(em(), 'C');
    await expect(createProduct(em(), { name: 'lost', price: '1.00', categoryId: 99_999 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      createProducts(em(), [
        { name: 'ok', price: '1.00', categoryId: c.id },
        { name: 'lost', price: '1.00', categoryId: 99_999 },
      ]),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await em().count(Product)).toBe(0);
  });
});

describe('price precision', () => {
  it('refuses prices the column would round or truncate, on create, bulk create and update', async () => {
    const c = await createCategory(em(), 'Precise');
    for (const price of ['1.999', '123456789.00', '1,50', '']) {
      await expect(createProduct(em(), { name: 'x', price, categoryId: c.id })).rejects.toMatchObject({
        kind: 'INVALID',
        field: 'price',
      });
    }
    await expect(createProducts(em(), [{ name: 'x', price: '0.001', categoryId: c.id }])).rejects.toMatchObject({
      field: 'price',
    });
    const p = await createProduct(em(), { name: 'ok', price: '99999999.99', categoryId: c.id });
    expect(p.price).toBe('99999999.99');
    await expect(updateProduct(em(), p.id, { price: '2.345' })).rejects.toMatchObject({ field: 'price' });
    expect((await getProduct(em(), p.id)).price).toBe('99999999.99');
  });
});
