// Products per category as a bar chart (SVG, labelled for screen readers), with prices beside each bar.
import { useQuery } from '@tanstack/react-query';
import { PageTitle, ProblemNotice } from '../components/feedback.tsx';
import { formatMoney } from '../money.ts';
import { useTRPC } from '../trpc.ts';

const BAR_HEIGHT = 28;
const LABEL_WIDTH = 120;

export function AdminStats() {
  const trpc = useTRPC();
  const stats = useQuery(trpc.stats.categoryStats.queryOptions({ minProducts: 0 }));
  if (stats.isPending) return <p aria-busy="true">Loading statistics…</p>;
  if (stats.error) return <ProblemNotice error={stats.error} />;
  const rows = stats.data;
  const most = Math.max(1, ...rows.map((r) => r.productCount));
  const height = rows.length * BAR_HEIGHT + 10;
  const summary = rows.map((r) => `${r.name}: ${r.productCount}`).join(', ');
  return (
    <section aria-labelledby="stats-heading">
      <PageTitle>Statistics · Admin</PageTitle>
      <h1 id="stats-heading">Products per category</h1>
      <figure className="chart">
        <svg viewBox={`0 0 600 ${height}`} role="img" aria-label={`Products per category. ${summary}`} width="100%">
          {rows.map((r, i) => {
            const width = ((600 - LABEL_WIDTH - 60) * r.productCount) / most;
            const y = i * BAR_HEIGHT + 5;
            return (
              <g key={r.categoryId}>
                <text x={LABEL_WIDTH - 8} y={y + 18} textAnchor="end" className="bar-label">
                  {r.name}
                </text>
                <rect x={LABEL_WIDTH} y={y} width={Math.max(width, 1)} height={BAR_HEIGHT - 8} rx={3} className="bar" />
                <text x={LABEL_WIDTH + width + 6} y={y + 15} className="bar-value">
                  {r.productCount}
                </text>
              </g>
            );
          })}
        </svg>
        <figcaption>
          Average price per category:{' '}
          {rows
            .filter((r) => r.averagePrice)
            .map((r) => `${r.name} ${formatMoney(r.averagePrice as string)}`)
            .join(' · ') || 'no products yet'}
        </figcaption>
      </figure>
    </section>
  );
}
