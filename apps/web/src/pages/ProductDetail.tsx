import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { Notice, ProblemNotice } from '../components.tsx';
import { useTRPC } from '../trpc.ts';

export function ProductDetail() {
  const trpc = useTRPC();
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const product = useQuery({ ...trpc.products.byId.queryOptions({ id }), enabled: valid });
  if (!valid) return <Notice tone="error">This is not a product address.</Notice>;
  if (product.isPending) return <p aria-busy="true">Loading…</p>;
  if (product.error)
    return (
      <>
        <ProblemNotice error={product.error} />
        <Link to="/">Back to the catalog</Link>
      </>
    );
  const p = product.data;
  return (
    <article aria-labelledby="product-heading" className="detail">
      <p>
        <Link to="/">← Catalog</Link>
      </p>
      <h1 id="product-heading">{p.name}</h1>
      <p className="price">${p.price}</p>
      <dl>
        <dt>Category</dt>
        <dd>
          <Link to={`/?category=${p.category.id}`}>{p.category.name}</Link>
        </dd>
        <dt>Availability</dt>
        <dd>{p.inStock ? 'In stock' : 'Out of stock'}</dd>
        {p.description && (
          <>
            <dt>Description</dt>
            <dd>{p.description}</dd>
          </>
        )}
        {p.metadata &&
          Object.entries(p.metadata).map(([key, value]) => (
            <div key={key} className="meta-row">
              <dt>{key}</dt>
              <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </div>
          ))}
      </dl>
    </article>
  );
}
