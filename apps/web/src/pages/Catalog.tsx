// The catalog: filters, ordering and view live in the URL (a reload or a shared link shows the same page);
// numbered pages use products.list, "load more" walks products.cursorList.
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { AddToCart } from '../components/add-to-cart.tsx';
import { Notice, PageTitle, ProblemNotice } from '../components/feedback.tsx';
import { CategoryOptions, Field, TextField } from '../components/fields.tsx';
import { Pager } from '../components/pager.tsx';
import { ProductImage, Stock } from '../components/product.tsx';
import { formatMoney } from '../money.ts';
import { describeProblem } from '../problems.ts';
import { type Product, useTRPC, useTRPCClient } from '../trpc.ts';

const PER_PAGE = 12;
type OrderBy = 'name' | 'price' | 'createdAt';

function useFilters() {
  const [params, setParams] = useSearchParams();
  const text = (key: string) => params.get(key) || undefined;
  const categoryId = Number(params.get('category')) || undefined;
  const filters = {
    categoryId,
    minPrice: text('min'),
    maxPrice: text('max'),
    inStock: params.get('stock') === 'in' ? true : undefined,
    nameContains: text('q'),
    orderBy: (['name', 'price', 'createdAt'].includes(params.get('order') ?? '')
      ? params.get('order')
      : 'name') as OrderBy,
    direction: params.get('dir') === 'desc' ? ('desc' as const) : ('asc' as const),
  };
  const page = Math.max(1, Number(params.get('page')) || 1);
  const view = params.get('view') === 'more' ? 'more' : 'pages';
  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next);
  };
  return { params, filters, page, view, update };
}

export function Catalog() {
  const { params, filters, page, view, update } = useFilters();
  // The list's zod field errors (a malformed price in the URL), shown beside the filter inputs they name.
  const [filterErrors, setFilterErrors] = useState<Record<string, string>>({});
  const [draft, setDraft] = useState(() => ({
    q: params.get('q') ?? '',
    min: params.get('min') ?? '',
    max: params.get('max') ?? '',
  }));
  const apply = (event: FormEvent) => {
    event.preventDefault();
    update({
      q: draft.q.trim() || undefined,
      min: draft.min || undefined,
      max: draft.max || undefined,
      page: undefined,
    });
  };
  return (
    <section aria-labelledby="catalog-heading">
      <PageTitle>Catalog</PageTitle>
      <h1 id="catalog-heading">Catalog</h1>
      <form className="filters" onSubmit={apply} aria-label="Filter products">
        <TextField
          id="q"
          label="Name contains"
          type="search"
          value={draft.q}
          onChange={(q) => setDraft({ ...draft, q })}
          error={filterErrors.nameContains}
        />
        <Field id="category" label="Category">
          <select
            id="category"
            value={filters.categoryId ?? ''}
            onChange={(e) => update({ category: e.target.value || undefined, page: undefined })}
          >
            <CategoryOptions empty="All categories" />
          </select>
        </Field>
        <TextField
          id="min"
          label="Min price"
          inputMode="decimal"
          placeholder="0.00"
          value={draft.min}
          onChange={(min) => setDraft({ ...draft, min })}
          error={filterErrors.minPrice}
        />
        <TextField
          id="max"
          label="Max price"
          inputMode="decimal"
          placeholder="100.00"
          value={draft.max}
          onChange={(max) => setDraft({ ...draft, max })}
          error={filterErrors.maxPrice}
        />
        <div className="field checkbox">
          <input
            id="stock"
            type="checkbox"
            checked={filters.inStock === true}
            onChange={(e) => update({ stock: e.target.checked ? 'in' : undefined, page: undefined })}
          />
          <label htmlFor="stock">In stock only</label>
        </div>
        <Field id="order" label="Order by">
          <select
            id="order"
            value={`${filters.orderBy}:${filters.direction}`}
            onChange={(e) => {
              const [order, dir] = e.target.value.split(':');
              update({ order, dir, page: undefined });
            }}
          >
            <option value="name:asc">Name A–Z</option>
            <option value="name:desc">Name Z–A</option>
            <option value="price:asc">Price: low to high</option>
            <option value="price:desc">Price: high to low</option>
            <option value="createdAt:desc">Newest first</option>
          </select>
        </Field>
        <button type="submit">Apply filters</button>
      </form>
      <p className="view-switch">
        View:{' '}
        <button
          type="button"
          className="link"
          aria-pressed={view === 'pages'}
          onClick={() => update({ view: undefined })}
        >
          numbered pages
        </button>{' '}
        ·{' '}
        <button
          type="button"
          className="link"
          aria-pressed={view === 'more'}
          onClick={() => update({ view: 'more', page: undefined })}
        >
          load more
        </button>
      </p>
      {view === 'pages' ? (
        <NumberedPages
          filters={filters}
          page={page}
          onPage={(p) => update({ page: p > 1 ? String(p) : undefined })}
          onFieldErrors={setFilterErrors}
        />
      ) : (
        <LoadMore filters={filters} onFieldErrors={setFilterErrors} />
      )}
    </section>
  );
}

type Filters = ReturnType<typeof useFilters>['filters'];
type FieldErrorsReport = (fields: Record<string, string>) => void;

/** Tells the form which of its inputs the current result's error names (none once it answers). */
function useFieldErrors(error: unknown, report: FieldErrorsReport) {
  useEffect(() => report(error ? describeProblem(error).fields : {}), [error, report]);
}

function NumberedPages({
  filters,
  page,
  onPage,
  onFieldErrors,
}: {
  filters: Filters;
  page: number;
  onPage: (page: number) => void;
  onFieldErrors: FieldErrorsReport;
}) {
  const trpc = useTRPC();
  const list = useQuery({
    ...trpc.products.list.queryOptions({ ...filters, page, perPage: PER_PAGE }),
    placeholderData: keepPreviousData,
  });
  useFieldErrors(list.error, onFieldErrors);
  if (list.isPending) return <p aria-busy="true">Loading products…</p>;
  if (list.error) return <FilterProblem error={list.error} />;
  const result = list.data;
  return (
    <>
      <p className="count" role="status">
        {result.total}
        {result.totalIsExact ? '' : '+'} product{result.total === 1 ? '' : 's'}
      </p>
      <ProductGrid products={result.items} />
      {result.total > 0 && <Pager label="Catalog pages" of={result} onPage={onPage} />}
    </>
  );
}

function LoadMore({ filters, onFieldErrors }: { filters: Filters; onFieldErrors: FieldErrorsReport }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const input = { ...filters, first: PER_PAGE };
  const pages = useInfiniteQuery({
    queryKey: trpc.products.cursorList.queryKey(input),
    queryFn: ({ pageParam }) => client.products.cursorList.query({ ...input, after: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  useFieldErrors(pages.error, onFieldErrors);
  if (pages.isPending) return <p aria-busy="true">Loading products…</p>;
  if (pages.error) return <FilterProblem error={pages.error} />;
  const products = pages.data.pages.flatMap((p) => p.items);
  return (
    <>
      <p className="count" role="status">
        Showing {products.length} product{products.length === 1 ? '' : 's'}
      </p>
      <ProductGrid products={products} />
      {pages.hasNextPage && (
        <button
          type="button"
          className="more"
          disabled={pages.isFetchingNextPage}
          onClick={() => void pages.fetchNextPage()}
        >
          {pages.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </>
  );
}

/** The list's error: field errors are beside their inputs, so here only a sentence saying so. */
function FilterProblem({ error }: { error: unknown }) {
  const { fields } = describeProblem(error);
  return Object.keys(fields).length ? (
    <Notice tone="error">Please correct the highlighted filters.</Notice>
  ) : (
    <ProblemNotice error={error} />
  );
}

function ProductGrid({ products }: { products: Product[] }) {
  if (products.length === 0) return <Notice tone="info">No products match these filters.</Notice>;
  return (
    <ul className="grid">
      {products.map((p) => (
        <li key={p.id} className="card">
          <Link to={`/products/${p.id}`} tabIndex={-1} aria-hidden="true" className="card-image">
            <ProductImage category={p.category.name} />
          </Link>
          <h2>
            <Link to={`/products/${p.id}`}>{p.name}</Link>
          </h2>
          <p className="price">{formatMoney(p.price)}</p>
          <p className="muted">
            {p.category.name} · <Stock stock={p.stock} />
          </p>
          <AddToCart product={p} compact />
        </li>
      ))}
    </ul>
  );
}
