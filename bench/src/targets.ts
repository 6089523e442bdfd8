// The targets, computed from one run's numbers: each met, missed or not measured, with the numbers. Issue 21's
// come first (per dialect, across dialects, and against the committed run); the earlier ones follow.
import { type CommittedRun, type CrossDialectRun, type DialectResults, type Row, workloadRates } from './results.ts';
import { BY_ID, FIRST_PAGE, LIVE, MIX, PAGE_3, TWIN_KEYS, WRITE_KEYS } from './workloads.ts';

export interface Target {
  target: string;
  status: 'met' | 'missed' | 'not measured';
  detail: string;
}

export interface DialectTargets {
  /** Issue 21's targets (one process, ratios within one run, and the committed run). */
  issue: Target[];
  /** The targets set before it that still apply. */
  earlier: Target[];
}

/**
 * A workload below this share of the committed run's req/s counts as slower than it. Not 100 %: the same
 * workload measured twice in the committed run itself (page 1 in the main table and again at the start of
 * the scale comparison, minutes and the write workloads apart) came out 8–15 % apart (SQLite 1309 / 1205,
 * PostgreSQL 1900 / 1614, MariaDB 1599 / 1406 req/s). Below 85 % is beyond what this machine showed for
 * unchanged code.
 */
export const COMMITTED_RUN_FLOOR = 0.85;

const pct = (ratio: number) => `${(100 * ratio).toFixed(1)} %`;
const times = (ratio: number) => `${ratio.toFixed(2)} ×`;
/** autocannon's latencies have 1 ms resolution: a p50 of 0 ms is read as 1 ms so ratios stay finite. */
const p50Of = (ms: number) => Math.max(ms, 1);
const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
const notMeasured = (target: string, detail = ''): Target => ({ target, status: 'not measured', detail });

/** How the targets name the twinned workloads. */
const SHORT: Record<string, string> = {
  [BY_ID]: 'products.byId',
  [FIRST_PAGE]: 'products.list page 1',
  [PAGE_3]: 'products.list page 3',
};

function share(target: string, part: Row | undefined, whole: Row | undefined, atLeast: number, note = ''): Target {
  if (!part || !whole || whole.requestsPerSecond === 0) return notMeasured(target);
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

/** The REST twins as rows of their own (`<key> over /api`), for the targets that hold every run. */
const restRows = (d: DialectResults) => (d.rest ?? []).map((r) => ({ ...r, key: `${r.key} over /api` }));

/** What the committed-run target needs besides the dialect's numbers. */
export interface RunContext {
  committed?: CommittedRun;
  /** This run's connections (BenchResults.options). */
  connections: number;
}

export interface Comparison {
  id: string;
  label: string;
  committed: number;
  now: number;
  ratio: number;
}

export interface CommittedComparison {
  rows: Comparison[];
  /** Workloads the committed run did not measure. */
  added: string[];
  /** Why the two runs' numbers cannot be compared (other table size or connections, e.g. --quick); else undefined. */
  incomparable?: string;
}

/** This run's req/s over the committed run's, per workload both measured. */
export function compareWithCommitted(d: DialectResults, run: RunContext | undefined): CommittedComparison | undefined {
  const committed = run?.committed;
  const before = committed?.dialects[d.dialect];
  if (!committed || !before) return undefined;
  const incomparable =
    committed.products !== d.products || committed.connections !== run.connections
      ? `the committed run had ${committed.products.toLocaleString('en')} products and ${committed.connections} ` +
        `connections, this one ${d.products.toLocaleString('en')} and ${run.connections}`
      : undefined;
  const rates = workloadRates(d);
  const rows = rates
    .filter((r) => before[r.id] !== undefined)
    .map((r) => {
      const then = before[r.id] as number;
      return { id: r.id, label: r.label, committed: then, now: r.requestsPerSecond, ratio: r.requestsPerSecond / then };
    });
  return {
    rows,
    added: rates.filter((r) => before[r.id] === undefined).map((r) => r.id),
    ...(incomparable ? { incomparable } : {}),
  };
}

function committedTarget(d: DialectResults, run: RunContext | undefined): Target {
  const committed = run?.committed;
  const target = `no workload below ${Math.round(100 * COMMITTED_RUN_FLOOR)} % of the committed run's req/s`;
  if (!committed) return notMeasured(target, 'no committed bench/results/latest.json');
  const comparison = compareWithCommitted(d, run);
  if (!comparison?.rows.length) return notMeasured(target, `the committed run has no ${d.dialect} numbers`);
  const { rows, added, incomparable } = comparison;
  const newOnes = added.length ? `; new, not compared: ${added.join(', ')}` : '';
  if (incomparable) {
    return notMeasured(target, `${incomparable}: not comparable (the ratios are listed for information)${newOnes}`);
  }
  const slower = rows.filter((r) => r.ratio < COMMITTED_RUN_FLOOR);
  const worst = rows.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  return {
    target,
    status: verdict(slower.length === 0),
    detail:
      (slower.length
        ? `below on ${slower.map((r) => `${r.id} (${r.now} / ${r.committed} req/s = ${pct(r.ratio)})`).join(', ')}`
        : `${rows.length} workloads compared, the slowest ${worst.id} at ${pct(worst.ratio)}`) + newOnes,
  };
}

export function targets(d: DialectResults, run?: RunContext): DialectTargets {
  const api = (key: string) => d.api.find((r) => r.key === key);
  const rest = (key: string) => d.rest?.find((r) => r.key === key);
  const raw = (key: string) => d.baseline.find((r) => r.key === key);
  const live = api(LIVE);
  const sqliteOnly = d.dialect === 'sqlite' ? '' : ' (the issue sets it for SQLite; reported here for comparison)';

  const issue: Target[] = [
    ...TWIN_KEYS.map((key) => share(`/trpc ≥ 90 % of /api: ${SHORT[key]}`, api(key), rest(key), 0.9)),
    share('products.byId ≥ 25 % of the raw baseline', api(BY_ID), raw(BY_ID), 0.25, sqliteOnly),
    share('products.list page 1 ≥ 40 % of the raw baseline', api(FIRST_PAGE), raw(FIRST_PAGE), 0.4, sqliteOnly),
    share('products.list page 3 ≥ 40 % of the raw baseline', api(PAGE_3), raw(PAGE_3), 0.4, sqliteOnly),
  ];

  const reads = [
    ...d.api.filter((r) => r.key !== MIX && !WRITE_KEYS.includes(r.key)),
    ...restRows(d),
    ...(d.batch ? [d.batch] : []),
  ];
  const tails = reads.filter((r) => r.p99Ms > 5 * p50Of(r.p50Ms));
  issue.push({
    target: `p99 ≤ 5 × p50 on every read workload (${reads.length}, REST twins included)`,
    status: reads.length === 0 ? 'not measured' : verdict(tails.length === 0),
    detail: tails.length
      ? `over on ${tails.map((r) => `${r.key} (${r.p99Ms} / ${r.p50Ms} ms = ${times(r.p99Ms / p50Of(r.p50Ms))})`).join(', ')}`
      : reads.length
        ? `worst ${Math.max(...reads.map((r) => r.p99Ms / p50Of(r.p50Ms))).toFixed(2)} ×`
        : '',
  });

  const everyApiRun = [
    ...d.api,
    ...restRows(d),
    ...(d.batch ? [d.batch] : []),
    ...d.workers
      .filter((w) => w.workers !== 1)
      .flatMap((w) => w.rows.map((r) => ({ ...r, key: `${r.key} (API_WORKERS=${w.workers})` }))),
    ...d.scaleRows,
  ];
  const failing = everyApiRun.filter((r) => r.non2xx > 0);
  const total = everyApiRun.reduce((sum, r) => sum + r.requests, 0);
  issue.push({
    target: 'zero non-2xx',
    status: verdict(failing.length === 0),
    detail: failing.length
      ? failing.map((r) => `${r.key}: ${failures(r)}`).join('; ')
      : `${total.toLocaleString('en')} API requests, all 200`,
  });

  const single = api(BY_ID);
  const batched = 'batched byId calls/s ≥ 3 × single byId req/s';
  if (d.batch && single && single.requestsPerSecond > 0) {
    const calls = d.batch.requestsPerSecond * d.batch.calls;
    const ratio = calls / single.requestsPerSecond;
    issue.push({
      target: batched,
      status: verdict(ratio >= 3),
      detail: `${calls} calls/s / ${single.requestsPerSecond} req/s = ${times(ratio)}`,
    });
  } else issue.push(notMeasured(batched));

  issue.push(committedTarget(d, run));

  const earlier: Target[] = [
    share('health.live ≥ 20 % of the raw trivial endpoint', live, raw(LIVE), 0.2),
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
  if (d.scale) {
    const { small, large, firstPageP50: f, cursorP50: c } = d.scale;
    const sizes = `${small.toLocaleString('en')} → ${large.toLocaleString('en')} products`;
    const first = f[1] / p50Of(f[0]);
    const cursor = c[1] / p50Of(c[0]);
    earlier.push(
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
  } else earlier.push(notMeasured('page-1 and deep cursor page p50 at scale', '--scale-to'));
  if (d.exportRun) {
    const mb = (d.exportRun.peakRssMiB * 2 ** 20) / 1e6;
    earlier.push({
      target: 'export of the large table < 150 MB RSS',
      status: verdict(mb < 150),
      detail: `${d.exportRun.rows.toLocaleString('en')} products: peak RSS ${d.exportRun.peakRssMiB} MiB = ${mb.toFixed(0)} MB`,
    });
  } else earlier.push(notMeasured('export of the large table < 150 MB RSS'));
  if (d.seedThroughClient?.products === 100_000) {
    earlier.push({
      target: 'seeding 100k products through the client < 30 s',
      status: verdict(d.seedThroughClient.seconds < 30),
      detail: `${d.seedThroughClient.seconds.toFixed(1)} s`,
    });
  }
  return { issue, earlier };
}

/**
 * PostgreSQL against SQLite: by id, page 1 and page 3 ≥ 70 %, read from the comparison in alternating slices
 * (cross-dialect.ts), where the machine's drift lands on both; its reads are held to the tail and non-2xx
 * targets too.
 */
export function crossDialectTargets(run: CrossDialectRun | undefined): Target[] {
  const row = (dialect: string, key: string) => run?.rows.find((r) => r.dialect === dialect && r.key === key);
  const ratios = TWIN_KEYS.map((key) => {
    const target = `PostgreSQL ${SHORT[key]} ≥ 70 % of SQLite's (alternating slices)`;
    if (!run) return notMeasured(target, 'needs sqlite and postgresql in the same run');
    return share(target, row('postgresql', key), row('sqlite', key), 0.7);
  });
  if (!run) return ratios;
  const tails = run.rows.filter((r) => r.p99Ms > 5 * p50Of(r.p50Ms));
  const failing = run.rows.filter((r) => r.non2xx > 0);
  const worst = Math.max(...run.rows.map((r) => r.p99Ms / p50Of(r.p50Ms)));
  return [
    ...ratios,
    {
      target: 'p99 ≤ 5 × p50 and zero non-2xx in the comparison',
      status: verdict(tails.length === 0 && failing.length === 0),
      detail:
        [
          ...tails.map((r) => `${r.dialect} ${r.key}: ${r.p99Ms} / ${r.p50Ms} ms`),
          ...failing.map((r) => `${r.dialect} ${r.key}: ${failures(r)}`),
        ].join('; ') ||
        `worst p99 ÷ p50 ${worst.toFixed(2)} ×, ${run.rows.reduce((n, r) => n + r.requests, 0).toLocaleString('en')} requests all 200`,
    },
  ];
}

const bullets = (list: Target[]) =>
  list.map((t) => `- **${t.status}**: ${t.target}${t.detail ? ` — ${t.detail}` : ''}`);

export function targetsMarkdown(d: DialectResults, run?: RunContext): string[] {
  const { issue, earlier } = targets(d, run);
  return [
    `**Targets (${d.dialect})**`,
    '',
    'Issue 21 (one process; ratios within this run):',
    '',
    ...bullets(issue),
    '',
    'Earlier targets:',
    '',
    ...bullets(earlier),
  ];
}

export function crossDialectMarkdown(run: CrossDialectRun | undefined): string[] {
  return ['**Targets (across dialects, issue 21)**', '', ...bullets(crossDialectTargets(run))];
}
