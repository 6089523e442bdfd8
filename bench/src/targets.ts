// The issue's targets, computed from one run's numbers: each met, missed or not measured, with the numbers.
import type { DialectResults, Row } from './results.ts';
import { BY_ID, FIRST_PAGE, LIVE, MIX, WRITE_KEYS } from './workloads.ts';

export interface Target {
  target: string;
  status: 'met' | 'missed' | 'not measured';
  detail: string;
}

const pct = (ratio: number) => `${(100 * ratio).toFixed(1)} %`;
const times = (ratio: number) => `${ratio.toFixed(2)} ×`;
/** autocannon's latencies have 1 ms resolution: a p50 of 0 ms is read as 1 ms so ratios stay finite. */
const p50Of = (ms: number) => Math.max(ms, 1);
const verdict = (ok: boolean) => (ok ? 'met' : 'missed');

function share(target: string, part: Row | undefined, whole: Row | undefined, atLeast: number, note = ''): Target {
  if (!part || !whole || whole.requestsPerSecond === 0) return { target, status: 'not measured', detail: '' };
  const ratio = part.requestsPerSecond / whole.requestsPerSecond;
  return {
    target,
    status: verdict(ratio >= atLeast),
    detail: `${part.requestsPerSecond} / ${whole.requestsPerSecond} req/s = ${pct(ratio)}${note}`,
  };
}

/** Responses that were not 200, by status ("500 × 3"), and socket errors. */
const failures = (r: Row) =>
  [
    ...Object.entries(r.statuses)
      .filter(([status]) => status !== '200')
      .map(([status, n]) => `${status} × ${n}`),
    ...(r.errors ? [`errors/timeouts × ${r.errors}`] : []),
  ].join(', ');

export function targets(d: DialectResults): Target[] {
  const api = (key: string) => d.api.find((r) => r.key === key);
  const live = api(LIVE);
  const list: Target[] = [
    share(
      'health.live ≥ 20 % of the raw trivial endpoint',
      live,
      d.baseline.find((r) => r.key === LIVE),
      0.2,
    ),
    share('products.byId ≥ 70 % of health.live', api(BY_ID), live, 0.7),
    share('products.list page 1 ≥ 40 % of health.live', api(FIRST_PAGE), live, 0.4),
    share('users.search ≥ 40 % of health.live', api('users.search'), live, 0.4),
    share(
      'accounts.transfer ≥ 25 % of health.live',
      api('accounts.transfer'),
      live,
      0.25,
      d.dialect === 'postgresql' ? '' : ' (the target is set for PostgreSQL; reported here for comparison)',
    ),
  ];

  const single = api(BY_ID);
  if (d.batch && single && single.requestsPerSecond > 0) {
    const calls = d.batch.requestsPerSecond * d.batch.calls;
    const ratio = calls / single.requestsPerSecond;
    list.push({
      target: 'batched byId calls/s ≥ 3 × single byId req/s',
      status: verdict(ratio >= 3),
      detail: `${calls} calls/s / ${single.requestsPerSecond} req/s = ${times(ratio)}`,
    });
  } else list.push({ target: 'batched byId calls/s ≥ 3 × single byId req/s', status: 'not measured', detail: '' });

  const reads = [...d.api.filter((r) => r.key !== MIX && !WRITE_KEYS.includes(r.key)), ...(d.batch ? [d.batch] : [])];
  const tails = reads.filter((r) => r.p99Ms > 5 * p50Of(r.p50Ms));
  list.push({
    target: `p99 ≤ 5 × p50 on every read workload (${reads.length})`,
    status: reads.length === 0 ? 'not measured' : verdict(tails.length === 0),
    detail: tails.length
      ? `over on ${tails.map((r) => `${r.key} (${r.p99Ms} / ${r.p50Ms} ms = ${times(r.p99Ms / p50Of(r.p50Ms))})`).join(', ')}`
      : `worst ${Math.max(...reads.map((r) => r.p99Ms / p50Of(r.p50Ms))).toFixed(2)} ×`,
  });

  const everyApiRun = [
    ...d.api,
    ...(d.batch ? [d.batch] : []),
    ...d.workers
      .filter((w) => w.workers !== 1)
      .flatMap((w) => w.rows.map((r) => ({ ...r, key: `${r.key} (API_WORKERS=${w.workers})` }))),
    ...d.scaleRows,
  ];
  const failing = everyApiRun.filter((r) => r.non2xx > 0);
  const total = everyApiRun.reduce((sum, r) => sum + r.requests, 0);
  list.push({
    target: 'zero non-2xx',
    status: verdict(failing.length === 0),
    detail: failing.length
      ? failing.map((r) => `${r.key}: ${failures(r)}`).join('; ')
      : `${total.toLocaleString('en')} API requests, all 200`,
  });

  if (d.scale) {
    const { small, large, firstPageP50: f, cursorP50: c } = d.scale;
    const sizes = `${small.toLocaleString('en')} → ${large.toLocaleString('en')} products`;
    const first = f[1] / p50Of(f[0]);
    const cursor = c[1] / p50Of(c[0]);
    list.push(
      {
        target: 'page-1 p50 at the large scale ≤ 2 × at the small',
        status: verdict(first <= 2),
        detail: `${f[0]} → ${f[1]} ms (${sizes}) = ${times(first)}`,
      },
      {
        target: 'deep cursor page p50 at the large scale ≤ 1.5 × at the small',
        status: verdict(cursor <= 1.5),
        detail: `${c[0]} → ${c[1]} ms (${sizes}) = ${times(cursor)}`,
      },
    );
  } else {
    list.push({ target: 'page-1 and deep cursor page p50 at scale', status: 'not measured', detail: '--scale-to' });
  }
  if (d.exportRun) {
    const mb = (d.exportRun.peakRssMiB * 2 ** 20) / 1e6;
    list.push({
      target: 'export of the large table < 150 MB RSS',
      status: verdict(mb < 150),
      detail: `${d.exportRun.rows.toLocaleString('en')} products: peak RSS ${d.exportRun.peakRssMiB} MiB = ${mb.toFixed(0)} MB`,
    });
  } else list.push({ target: 'export of the large table < 150 MB RSS', status: 'not measured', detail: '' });
  if (d.seedThroughClient?.products === 100_000) {
    list.push({
      target: 'seeding 100k products through the client < 30 s',
      status: verdict(d.seedThroughClient.seconds < 30),
      detail: `${d.seedThroughClient.seconds.toFixed(1)} s`,
    });
  }
  return list;
}

export function targetsMarkdown(d: DialectResults): string[] {
  return [
    `**Targets (${d.dialect})**`,
    '',
    ...targets(d).map((t) => `- **${t.status}**: ${t.target}${t.detail ? ` — ${t.detail}` : ''}`),
  ];
}
