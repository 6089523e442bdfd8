// Products per category as a bar chart (HTML bars, so the labels keep their size on a phone; one label for
// screen readers), with each category's average price under it.
import { useQuery } from '@tanstack/react-query';
import { PageTitle, ProblemNotice } from '../components/feedback.tsx';
import { formatMoney } from '../money.ts';
import { useTRPC } from '../trpc.ts';

export function AdminStats() {
  const trpc = useTRPC();
  const stats = useQuery(trpc.stats.categoryStats.queryOptions({ minProducts: 0 }));
  if (stats.isPending) return <p aria-busy="true">Loading statistics…</p>;
  if (stats.error) return <ProblemNotice error={stats.error} />;
  const rows = stats.data;
  const most = Math.max(1, ...rows.map((r) => r.productCount));
  const summary = rows.map((r) => `${r.name}: ${r.productCount}`).join(', ');
  const averages = rows.flatMap((r) => (r.averagePrice ? [`${r.name} ${formatMoney(r.averagePrice)}`] : []));
  return (
    <section aria-labelledby="stats-heading">
      <PageTitle>Statistics · Admin</PageTitle>
      <h1 id="stats-heading">Products per category</h1>
      <figure className="chart">
        <div role="img" aria-label={`Products per category. ${summary}`} className="bars">
          {rows.map((r) => (
            <div key={r.categoryId} className="bar-row" aria-hidden="true">
              <span className="bar-label">{r.name}</span>
              <span className="bar-track">
                <span className="bar" style={{ width: `${(100 * r.productCount) / most}%` }} />
              </span>
              <span className="bar-value">{r.productCount}</span>
            </div>
          ))}
        </div>
        <figcaption>Average price per category: {averages.join(' · ') || 'no products yet'}</figcaption>
      </figure>
    </section>
  );
}
