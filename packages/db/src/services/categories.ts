// Categories: CRUD and the tutorial's aggregation (products per category, GROUP BY ... HAVING).
import { raw } from '@mikro-orm/core';
import { Category, Product } from '../entities/index.ts';
import { ConflictError, NotFoundError, translateErrors } from '../errors.ts';
import type { EntityManager } from '../orm.ts';

export interface CategoryView {
  id: number;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

const toCategoryView = (c: CategoryView): CategoryView => ({
  id: c.id,
  name: c.name,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

export function createCategory(em: EntityManager, name: string): Promise<CategoryView> {
  return translateErrors(() =>
    em.transactional(async (tx) => {
      const category = tx.create(Category, { name: name.trim() });
      await tx.flush();
      return toCategoryView(category);
    }),
  );
}

export async function listCategories(em: EntityManager): Promise<CategoryView[]> {
  return (await em.find(Category, {}, { orderBy: { name: 'asc' } })).map(toCategoryView);
}

export async function getCategory(em: EntityManager, id: number): Promise<CategoryView> {
  const category = await em.findOne(Category, { id });
  if (!category) throw new NotFoundError('category', id);
  return toCategoryView(category);
}

export function renameCategory(em: EntityManager, id: number, name: string): Promise<CategoryView> {
  return translateErrors(() =>
    em.transactional(async (tx) => {
      const category = await tx.findOne(Category, { id });
      if (!category) throw new NotFoundError('category', id);
      category.name = name.trim();
      await tx.flush();
      return toCategoryView(category);
    }),
  );
}

/** Refuses (409) while products still belong to the category; the FK's RESTRICT backs this up. */
export function deleteCategory(em: EntityManager, id: number): Promise<void> {
  return translateErrors(() =>
    em.transactional(async (tx) => {
      const products = await tx.count(Product, { category: id });
      if (products > 0) throw new ConflictError(`category ${id} still has ${products} product(s)`, 'products');
      if ((await tx.nativeDelete(Category, { id })) === 0) throw new NotFoundError('category', id);
    }),
  );
}

export interface CategoryStat {
  categoryId: number;
  name: string;
  productCount: number;
}

/**
 * Product count per category in one GROUP BY query; `minProducts` is the HAVING filter. Categories
 * without products count 0 (LEFT JOIN), so the default lists every category.
 */
export async function categoryStats(em: EntityManager, { minProducts = 0 } = {}): Promise<CategoryStat[]> {
  const rows = await em
    .createQueryBuilder(Category, 'c')
    .select(['c.id', 'c.name', raw('count(p.id) as product_count')])
    .leftJoin('c.products', 'p')
    .groupBy(['c.id', 'c.name'])
    .having('count(p.id) >= ?', [minProducts])
    .orderBy({ name: 'asc' })
    .execute<{ id: number; name: string; product_count: number | string }[]>('all', false);
  return rows.map((row) => ({ categoryId: row.id, name: row.name, productCount: Number(row.product_count) }));
}
