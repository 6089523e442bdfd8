// Products: create, edit and delete, with zod's field errors beside each input.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { describedBy, Field, Notice, Pager, ProblemNotice } from '../components.tsx';
import { describeProblem, type Product, useTRPC } from '../trpc.ts';

const EMPTY = { name: '', price: '', categoryId: '', description: '', inStock: true };
type Draft = typeof EMPTY;

export function AdminProducts() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Product | null>(null);
  const products = useQuery({
    ...trpc.products.list.queryOptions({ page, perPage: 20, orderBy: 'createdAt', direction: 'desc' }),
    placeholderData: keepPreviousData,
  });
  const remove = useMutation(
    trpc.products.delete.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.products.list.queryKey() }),
    }),
  );
  return (
    <section aria-labelledby="products-heading">
      <h1 id="products-heading">Products</h1>
      <ProductForm key={editing?.id ?? 'new'} product={editing} onDone={() => setEditing(null)} />
      <ProblemNotice error={products.error ?? remove.error} />
      {products.data && (
        <>
          <ul className="rows">
            {products.data.items.map((p) => (
              <li key={p.id}>
                <span>
                  {p.name} · ${p.price} · {p.category.name}
                </span>
                <button type="button" onClick={() => setEditing(p)}>
                  Edit<span className="sr-only"> {p.name}</span>
                </button>
                <button type="button" className="danger" onClick={() => remove.mutate({ id: p.id })}>
                  Delete<span className="sr-only"> {p.name}</span>
                </button>
              </li>
            ))}
          </ul>
          <Pager label="Product pages" of={products.data} onPage={setPage} />
        </>
      )}
    </section>
  );
}

function ProductForm({ product, onDone }: { product: Product | null; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const categories = useQuery(trpc.categories.list.queryOptions());
  const [draft, setDraft] = useState<Draft>(
    product
      ? {
          name: product.name,
          price: product.price,
          categoryId: String(product.category.id),
          description: product.description ?? '',
          inStock: product.inStock,
        }
      : EMPTY,
  );
  const done = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.products.list.queryKey() });
    setDraft(EMPTY);
    onDone();
  };
  const create = useMutation(trpc.products.create.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.products.update.mutationOptions({ onSuccess: done }));
  const active = product ? update : create;
  const problem = active.error ? describeProblem(active.error) : null;
  const fields = problem?.fields ?? {};
  const fieldError = (name: string) => fields[name] ?? fields[`patch.${name}`];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const values = {
      name: draft.name,
      price: draft.price,
      categoryId: Number(draft.categoryId),
      description: draft.description || null,
      inStock: draft.inStock,
    };
    if (product) update.mutate({ id: product.id, patch: values });
    else create.mutate(values);
  };
  const set = (changes: Partial<Draft>) => setDraft({ ...draft, ...changes });
  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="product-form-heading">
      <h2 id="product-form-heading">{product ? `Edit ${product.name}` : 'New product'}</h2>
      <Field id="product-name" label="Name" error={fieldError('name')}>
        <input
          id="product-name"
          value={draft.name}
          onChange={(e) => set({ name: e.target.value })}
          {...describedBy('product-name', fieldError('name'))}
        />
      </Field>
      <Field id="product-price" label="Price" error={fieldError('price')}>
        <input
          id="product-price"
          inputMode="decimal"
          placeholder="12.50"
          value={draft.price}
          onChange={(e) => set({ price: e.target.value })}
          {...describedBy('product-price', fieldError('price'))}
        />
      </Field>
      <Field id="product-category" label="Category" error={fieldError('categoryId')}>
        <select
          id="product-category"
          value={draft.categoryId}
          onChange={(e) => set({ categoryId: e.target.value })}
          {...describedBy('product-category', fieldError('categoryId'))}
        >
          <option value="">Choose…</option>
          {categories.data?.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </Field>
      <Field id="product-description" label="Description" error={fieldError('description')}>
        <textarea
          id="product-description"
          rows={2}
          value={draft.description}
          onChange={(e) => set({ description: e.target.value })}
        />
      </Field>
      <div className="field checkbox">
        <input
          id="product-stock"
          type="checkbox"
          checked={draft.inStock}
          onChange={(e) => set({ inStock: e.target.checked })}
        />
        <label htmlFor="product-stock">In stock</label>
      </div>
      {problem && Object.keys(fields).length === 0 && <Notice tone="error">{problem.message}</Notice>}
      <button type="submit" disabled={active.isPending}>
        {product ? 'Save product' : 'Create product'}
      </button>
      {product && (
        <button type="button" className="link" onClick={onDone}>
          Cancel
        </button>
      )}
    </form>
  );
}
