// Categories: create, rename, delete; each one unit of work, answering through getCategory.
import { ConflictError } from '../../domain/errors.ts';
import type { EntityManager } from '../../driver/orm.ts';
import { Category, Product } from '../../entities/index.ts';
import { foundOrFail } from '../not-found.ts';
import { unitOfWork } from '../unit-of-work.ts';
import { type CategoryView, getCategory } from './reads.ts';

export function createCategory(em: EntityManager, name: string): Promise<CategoryView> {
  return unitOfWork(em, async (tx) => {
    const category = tx.create(Category, { name: name.trim() });
    await tx.flush();
    return getCategory(tx, category.id);
  });
}

export function renameCategory(em: EntityManager, id: number, name: string): Promise<CategoryView> {
  return unitOfWork(em, async (tx) => {
    const category = await tx.findOneOrFail(Category, { id });
    category.name = name.trim();
    await tx.flush();
    return getCategory(tx, id);
  });
}

/** Refuses (409) while products still belong to the category; the FK's RESTRICT backs this up. */
export function deleteCategory(em: EntityManager, id: number): Promise<void> {
  return unitOfWork(em, async (tx) => {
    const products = await tx.count(Product, { category: id });
    if (products > 0) throw new ConflictError(`category ${id} still has ${products} product(s)`, 'products');
    foundOrFail(await tx.nativeDelete(Category, { id }), 'category', id);
  });
}
