// A product's page: its picture, price, stock, category, description and details in words.
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { AddToCart } from '../components/add-to-cart.tsx';
import { Notice, PageTitle, ProblemNotice } from '../components/feedback.tsx';
import { ProductImage, Stock } from '../components/product.tsx';
import { formatMoney } from '../money.ts';
import { productDetails } from '../product-details.ts';
import { useTRPC } from '../trpc.ts';

export function ProductDetail() {
  const trpc = useTRPC();
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const product = useQuery({ ...trpc.products.byId.queryOptions({ id }), enabled: valid });
  if (!valid) return <Missing text="This is not a product address." />;
  if (product.isPending) return <p aria-busy="true">Loading…</p>;
  if (product.error)
    return (
      <>
        <PageTitle>Product not found</PageTitle>
        <ProblemNotice error={product.error} />
        <Link to="/">Back to the catalog</Link>
      </>
    );
  const p = product.data;
  const details = productDetails(p.metadata);
  return (
    <article aria-labelledby="product-heading" className="detail">
      <PageTitle>{p.name}</PageTitle>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/">Catalog</Link> <span aria-hidden="true">›</span>{' '}
        <Link to={`/?category=${p.category.id}`}>{p.category.name}</Link>
      </nav>
      <div className="detail-body">
        <ProductImage category={p.category.name} label={`${p.category.name}: picture to come`} />
        <div className="detail-info">
          <h1 id="product-heading">{p.name}</h1>
          <p className="price">{formatMoney(p.price)}</p>
          <p>
            <Stock stock={p.stock} />
            {' · '}
            <Link to={`/?category=${p.category.id}`}>More in {p.category.name}</Link>
          </p>
          <AddToCart product={p} />
          {p.description ? <p className="description">{p.description}</p> : null}
          {details.length > 0 && (
            <section aria-labelledby="details-heading">
              <h2 id="details-heading">Details</h2>
              <dl className="facts">
                {details.map(({ label, value }) => (
                  <div key={`${label}:${value}`}>
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                  </div>
                ))}
              </dl>
            </section>
          )}
        </div>
      </div>
    </article>
  );
}

function Missing({ text }: { text: string }) {
  return (
    <>
      <PageTitle>Product not found</PageTitle>
      <Notice tone="error">{text}</Notice>
    </>
  );
}
