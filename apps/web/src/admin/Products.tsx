// Products: create and edit (a "Saved" status after each), delete after a confirmation; field errors in the
// shopkeeper's words beside each input.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useConfirm } from '../components/confirm.tsx';
import { Notice, PageTitle, ProblemNotice } from '../components/feedback.tsx';
import { CategoryOptions, describedBy, Field, TextField } from '../components/fields.tsx';
import { Pager } from '../components/pager.tsx';
import { formatMoney } from '../money.ts';
import { describeProblem, shownBeside } from '../problems.ts';
import { type Product, useTRPC } from '../trpc.ts';

const EMPTY = { name: '', price: '', categoryId: '', description: '', stock: '0' };
type Draft = typeof EMPTY;

export function AdminProducts() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Product | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { confirm, dialog } = useConfirm();
  const products = useQuery({
    ...trpc.products.list.queryOptions({ page, perPage: 20, orderBy: 'createdAt', direction: 'desc' }),
    placeholderData: keepPreviousData,
  });
  const remove = useMutation(
    trpc.products.delete.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.products.list.queryKey() }),
    }),
  );
  const askToDelete = async (p: Product) => {
    setDone(null);
    const yes = await confirm({
      title: `Delete “${p.name}”?`,
      body: 'The product leaves the catalog for good. This cannot be undone.',
      action: 'Delete product',
    });
    if (yes) remove.mutate({ id: p.id }, { onSuccess: () => setDone(`Deleted “${p.name}”.`) });
  };
  return (
    <section aria-labelledby="products-heading">
      <PageTitle>Products · Admin</PageTitle>
      <h1 id="products-heading">Products</h1>
      <ProductForm
        key={editing?.id ?? 'new'}
        product={editing}
        onSaved={(saved) => {
          setEditing(null);
          setDone(`Saved “${saved.name}”.`);
        }}
        onCancel={() => setEditing(null)}
        onEdit={() => setDone(null)}
      />
      {done && <Notice tone="success">{done}</Notice>}
      <ProblemNotice error={products.error ?? remove.error} />
      {products.data && (
        <>
          <ul className="rows">
            {products.data.items.map((p) => (
              <li key={p.id}>
                <span>
                  {p.name} · {formatMoney(p.price)} · {p.category.name}
                </span>
                <div className="row-actions">
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => {
                      setDone(null);
                      setEditing(p);
                    }}
                  >
                    Edit<span className="sr-only"> {p.name}</span>
                  </button>
                  <button type="button" className="danger" onClick={() => void askToDelete(p)}>
                    Delete<span className="sr-only"> {p.name}</span>
                  </button>
                </div>
              </li>
            ))}
          </ul>
          <Pager label="Product pages" of={products.data} onPage={setPage} />
        </>
      )}
      {dialog}
    </section>
  );
}

function ProductForm({
  product,
  onSaved,
  onCancel,
  onEdit,
}: {
  product: Product | null;
  onSaved: (product: Product) => void;
  onCancel: () => void;
  onEdit: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(
    product
      ? {
          name: product.name,
          price: product.price,
          categoryId: String(product.category.id),
          description: product.description ?? '',
          stock: String(product.stock),
        }
      : EMPTY,
  );
  const saved = async (result: Product) => {
    await queryClient.invalidateQueries({ queryKey: trpc.products.list.queryKey() });
    setDraft(EMPTY);
    onSaved(result);
  };
  const create = useMutation(trpc.products.create.mutationOptions({ onSuccess: saved }));
  const update = useMutation(trpc.products.update.mutationOptions({ onSuccess: saved }));
  const active = product ? update : create;
  const problem = active.error ? describeProblem(active.error) : null;
  const fields = problem?.fields ?? {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const values = {
      name: draft.name,
      price: draft.price.trim(),
      categoryId: Number(draft.categoryId),
      description: draft.description || null,
      stock: Number(draft.stock),
    };
    if (product) update.mutate({ id: product.id, patch: values });
    else create.mutate(values);
  };
  const set = (changes: Partial<Draft>) => {
    setDraft({ ...draft, ...changes });
    onEdit();
  };
  const inputs = ['name', 'price', 'categoryId', 'description', 'stock'];
  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="product-form-heading">
      <h2 id="product-form-heading">{product ? `Edit ${product.name}` : 'New product'}</h2>
      <TextField
        id="product-name"
        label="Name"
        value={draft.name}
        onChange={(name) => set({ name })}
        error={fields.name}
      />
      <TextField
        id="product-price"
        label="Price"
        inputMode="decimal"
        placeholder="12.50"
        value={draft.price}
        onChange={(price) => set({ price })}
        error={fields.price}
      />
      <Field id="product-category" label="Category" error={fields.categoryId}>
        <select
          id="product-category"
          value={draft.categoryId}
          onChange={(e) => set({ categoryId: e.target.value })}
          {...describedBy('product-category', fields.categoryId)}
        >
          <CategoryOptions empty="Choose…" />
        </select>
      </Field>
      <TextField
        id="product-description"
        label="Description"
        rows={2}
        value={draft.description}
        onChange={(description) => set({ description })}
        error={fields.description}
      />
      <TextField
        id="product-stock"
        label="Units in stock"
        inputMode="numeric"
        value={draft.stock}
        onChange={(stock) => set({ stock })}
        error={fields.stock}
        hint="0 shows the product as out of stock."
      />
      {problem && !shownBeside(problem, inputs) && (
        // An edit's errors arrive as one `patch` field: said for the form, not beside one input.
        <Notice tone="error">{fields.patch ? `${fields.patch}.` : problem.message}</Notice>
      )}
      <div className="actions">
        <button type="submit" disabled={active.isPending}>
          {product ? 'Save product' : 'Create product'}
        </button>
        {product && (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
