// The markdown report of a bench run: per dialect, the main table (tRPC beside its REST twin, the raw baseline
// and the API's own floor), the batched workload, API_WORKERS side by side, scale/export/seeding, the
// harness checks, the comparison with the committed run and the targets; then the targets across dialects.
import type { BenchResults, DialectResults, Row } from './results.ts';
import {
  COMMITTED_RUN_FLOOR,
  type Comparison,
  compareWithCommitted,
  crossDialectMarkdown,
  type RunContext,
  targetsMarkdown,
} from './targets.ts';
import { LIVE } from './workloads.ts';

const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1);
const ratio = (a: number, b: number | undefined) => (b ? `${Math.round((100 * a) / b)} %` : '');

function mainTable(d: DialectResults): string[] {
  const floor = d.api.find((r) => r.key === LIVE)?.requestsPerSecond;
  return [
    '| workload | req/s | p50 ms | p99 ms | non-2xx | /api req/s | /api p50 ms | /api p99 ms | /trpc ÷ /api | ' +
      'raw baseline req/s | API / raw baseline | API / floor |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...d.api.map((r) => {
      const raw = d.baseline.find((b) => b.key === r.key)?.requestsPerSecond;
      const twin = d.rest?.find((t) => t.key === r.key);
      const overRest = twin
        ? [twin.requestsPerSecond, ms(twin.p50Ms), ms(twin.p99Ms), ratio(r.requestsPerSecond, twin.requestsPerSecond)]
        : ['', '', '', ''];
      return (
        `| ${r.label} | ${r.requestsPerSecond} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${r.non2xx} | ${overRest.join(' | ')} | ` +
        `${raw ?? ''} | ${ratio(r.requestsPerSecond, raw)} | ${ratio(r.requestsPerSecond, floor)} |`
      );
    }),
    '',
    'req/s, p50, p99, non-2xx: over /trpc. /api: the same procedure with the same input over its REST route ' +
      '(plain JSON, no superjson envelope), alternating with it on the same process (ABBA slices, 2.5 s in a full run; ' +
      'p50 the median slice, p99 the worst; its non-2xx are ' +
      'counted in the zero non-2xx target). ' +
      'Raw baseline: a bare node:http server on the same database answering the same JSON straight from the ' +
      'driver; its health.live is a trivial JSON endpoint (no database), the raw transport floor. ' +
      "API / floor: req/s over the API's own health.live req/s.",
  ];
}

function committedTable(d: DialectResults, run: RunContext): string[] {
  const committed = run.committed;
  const comparison = compareWithCommitted(d, run);
  if (!committed || !comparison?.rows.length) return [];
  const below = (r: Comparison) => !comparison.incomparable && r.ratio < COMMITTED_RUN_FLOOR;
  return [
    '',
    `| against the committed run (${committed.date}) | committed req/s | this run req/s | this ÷ committed |`,
    '|---|---:|---:|---:|',
    ...comparison.rows.map(
      (r) =>
        `| ${r.label} | ${r.committed} | ${r.now} | ` +
        `${below(r) ? '**' : ''}${Math.round(100 * r.ratio)} %${below(r) ? '**' : ''} |`,
    ),
    '',
    `Committed run: ${committed.source}; ` +
      (comparison.incomparable
        ? `${comparison.incomparable}: not comparable, listed for information only.`
        : `below ${Math.round(100 * COMMITTED_RUN_FLOOR)} % in bold (beyond the run-to-run spread this machine ` +
          'showed; see bench/README.md).'),
  ];
}

function batchTable(d: DialectResults): string[] {
  const b = d.batch;
  if (!b) return [];
  const single = d.api.find((r) => r.key === 'products.byId')?.requestsPerSecond;
  const calls = b.requestsPerSecond * b.calls;
  return [
    '',
    '| batched workload | HTTP req/s | calls/s | p50 ms per request | p99 ms per request | non-2xx | calls/s ÷ single byId req/s |',
    '|---|---:|---:|---:|---:|---:|---:|',
    `| ${b.label} | ${b.requestsPerSecond} | ${calls} | ${ms(b.p50Ms)} | ${ms(b.p99Ms)} | ${b.non2xx} | ${
      single ? `${(calls / single).toFixed(2)} ×` : ''
    } |`,
  ];
}

function workersTable(d: DialectResults): string[] {
  const runs = [...d.workers].sort((a, b) => a.workers - b.workers);
  if (runs.length < 2) return [];
  const base = runs[0];
  const processes = (n: number | null) => (n === null ? '' : ` (${n} process${n === 1 ? '' : 'es'})`);
  const cells = (r: Row | undefined) => (r ? [r.requestsPerSecond, ms(r.p50Ms), ms(r.p99Ms)] : ['', '', '']);
  const head = runs.flatMap((w) => [`API_WORKERS=${w.workers}${processes(w.processes)} req/s`, 'p50 ms', 'p99 ms']);
  const gains = runs.slice(1).map((w) => `${w.workers} ÷ ${base?.workers} workers`);
  return [
    '',
    `| workload | ${[...head, ...gains].join(' | ')} |`,
    `|---|${[...head, ...gains].map(() => '---:').join('|')}|`,
    ...(base?.rows ?? []).map((row) => {
      const found = runs.map((w) => w.rows.find((r) => r.key === row.key));
      const gain = found
        .slice(1)
        .map((r) => (r ? `${(r.requestsPerSecond / row.requestsPerSecond).toFixed(2)} ×` : ''));
      return `| ${row.label} | ${[...found.flatMap(cells), ...gain].join(' | ')} |`;
    }),
    '',
    `API_WORKERS=${base?.workers} is the main table's run; processes counts the API's process tree (a cluster primary and its workers).`,
  ];
}

function lines(d: DialectResults): string[] {
  const out: string[] = [];
  if (d.scale) {
    const { small, large, firstPageP50: f, cursorP50: c } = d.scale;
    out.push(
      `Scale ${small.toLocaleString('en')} → ${large.toLocaleString('en')} products: first page p50 ${ms(f[0])} → ${ms(f[1])} ms ` +
        `(×${(f[1] / Math.max(f[0], 1)).toFixed(2)}), deep cursor page p50 ${ms(c[0])} → ${ms(c[1])} ms (×${(c[1] / Math.max(c[0], 1)).toFixed(2)}).`,
    );
  }
  if (d.exportRun) {
    out.push(
      `Export of ${d.exportRun.rows.toLocaleString('en')} products: peak RSS ${d.exportRun.peakRssMiB} MiB, ${d.exportRun.seconds.toFixed(1)} s.`,
    );
  }
  if (d.seedThroughClient) {
    out.push(
      `Seeding ${d.seedThroughClient.products.toLocaleString('en')} products through the client: ${d.seedThroughClient.seconds.toFixed(1)} s.`,
    );
  }
  if (d.profile) {
    out.push(
      `CPU profile of ${d.profile.workload} (API_WORKERS=1, ${d.profile.requestsPerSecond} req/s under the profiler): ${d.profile.file}.`,
    );
  }
  return out.length ? ['', ...out] : [];
}

/**
 * The comparison in alternating slices (cross-dialect.ts), with each dialect's ratio to SQLite; beside it the
 * same ratio from the main tables, which measured the dialects minutes apart.
 */
function crossDialectTable({ crossDialect: run, dialects }: BenchResults): string[] {
  if (!run) return [];
  const others = [...new Set(run.rows.map((r) => r.dialect))].filter((d) => d !== 'sqlite');
  const row = (dialect: string, key: string) => run.rows.find((r) => r.dialect === dialect && r.key === key);
  const mainRow = (dialect: string, key: string) =>
    dialects.find((d) => d.dialect === dialect)?.api.find((r) => r.key === key);
  const ratio = (part?: Row, whole?: Row) =>
    part && whole?.requestsPerSecond ? `${Math.round((100 * part.requestsPerSecond) / whole.requestsPerSecond)} %` : '';
  const keys = [...new Set(run.rows.map((r) => r.key))];
  return [
    `| workload (${run.products.toLocaleString('en')} products) | sqlite req/s | p50 / p99 ms | ${others
      .map((d) => `${d} req/s | p50 / p99 ms | ÷ sqlite | ÷ sqlite, main tables`)
      .join(' | ')} |`,
    `|---|---:|---:|${others.map(() => '---:|---:|---:|---:|').join('')}`,
    ...keys.map((key) => {
      const base = row('sqlite', key);
      const cells = (r?: Row) => [r?.requestsPerSecond ?? '', r ? `${ms(r.p50Ms)} / ${ms(r.p99Ms)}` : ''];
      const rest = others.flatMap((d) => [
        ...cells(row(d, key)),
        ratio(row(d, key), base),
        ratio(mainRow(d, key), mainRow('sqlite', key)),
      ]);
      return `| ${base?.label ?? key} | ${[...cells(base), ...rest].join(' | ')} |`;
    }),
    '',
    'A fresh database and an API (API_WORKERS=1) per dialect, all running at once; each workload alternates between ' +
      "them in slices (ABCCBA, as the /api twins), so the machine's drift lands on every dialect alike. " +
      '"Main tables": the same ratio from the tables above, measured minutes apart.',
    '',
  ];
}

export function toMarkdown(results: BenchResults): string {
  const o = results.options;
  const out = [
    `Run ${results.date} on ${results.machine.cores} cores (${results.machine.cpu}), ${results.machine.memoryGiB} GiB, Node ${results.machine.node}; ` +
      `${o.connections} connections, ${o.seconds} s per workload after a ${o.warmupSeconds} s warm-up (mix: p50/p99 are the worst of its four parts).`,
    '',
  ];
  const run: RunContext = { committed: results.committed, connections: Number(o.connections) };
  for (const d of results.dialects) {
    out.push(`#### ${d.dialect} (${d.products.toLocaleString('en')} products)`, '');
    out.push(...mainTable(d), ...batchTable(d), ...workersTable(d), ...lines(d), ...committedTable(d, run));
    out.push('');
    if (d.checks.length) out.push('Checks:', '', ...d.checks.map((c) => `- ${c}`), '');
    out.push(...targetsMarkdown(d, run), '');
  }
  out.push(
    '#### Across dialects',
    '',
    ...crossDialectTable(results),
    ...crossDialectMarkdown(results.crossDialect),
    '',
  );
  return out.join('\n');
}
