// The shape of bench/results/*.json: what one run measured, per dialect; and the committed run's req/s, read
// before a run overwrites it, for the "no workload slower than the committed run" target.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LoadResult } from './load.ts';
import type { ProfileRun } from './profile.ts';

export interface Row extends LoadResult {
  /** Workload name (see workloads.ts). */
  key: string;
  label: string;
  /** tRPC calls per HTTP request (batched workloads; 1 otherwise). */
  calls: number;
}

export interface WorkerRun {
  /** API_WORKERS */
  workers: number;
  /** Processes in the API's tree while it ran (primary + workers), from /proc; null where unknown. */
  processes: number | null;
  rows: Row[];
}

export interface DialectResults {
  dialect: string;
  products: number;
  /** The main table, on the API with API_WORKERS=1 (health.live first: the floor). */
  api: Row[];
  /**
   * The REST twins (/api) of the workloads REST serves, each keyed by its tRPC workload's key and run right
   * before or after it on the same API process. Absent in runs made before the twins existed.
   */
  rest?: Row[];
  /** The batched byId workload (10 calls per request), on the same API process. */
  batch?: Row;
  /** The raw node:http baseline on the same database: health.live (trivial JSON), byId, page 1, page 3. */
  baseline: Row[];
  workers: WorkerRun[];
  /** Everything else measured on the API for the scale comparison (counted for the non-2xx target). */
  scaleRows: Row[];
  scale?: { small: number; large: number; firstPageP50: [number, number]; cursorP50: [number, number] };
  exportRun?: { rows: number; peakRssMiB: number; seconds: number };
  seedThroughClient?: { products: number; seconds: number };
  profile?: Omit<ProfileRun, 'markdown'>;
  /** One-off checks of the harness (batch answers, baseline answers the same JSON as the API). */
  checks: string[];
}

export interface BenchResults {
  date: string;
  machine: { cores: number; node: string; cpu: string; memoryGiB: number };
  options: Record<string, unknown>;
  dialects: DialectResults[];
  /** The committed run this one is compared with (read before this run overwrote latest.json). */
  committed?: CommittedRun;
  /** The twinned workloads on an API per dialect, alternated in slices in one sitting (cross-dialect.ts). */
  crossDialect?: CrossDialectRun;
}

export interface CrossDialectRun {
  products: number;
  /** One row per workload and dialect, in the order measured. */
  rows: (Row & { dialect: string })[];
}

/** One workload's req/s, under the id the committed-run comparison matches it by. */
export interface Rate {
  /** The tRPC workload's key; a REST twin's is `<key> over /api`. */
  id: string;
  label: string;
  requestsPerSecond: number;
}

/** The main table's workloads, their REST twins and the batched workload: what a later run is compared on. */
export function workloadRates(d: DialectResults): Rate[] {
  const rate = (id: string, r: Row) => ({ id, label: r.label, requestsPerSecond: r.requestsPerSecond });
  return [
    ...d.api.map((r) => rate(r.key, r)),
    ...(d.rest ?? []).map((r) => rate(`${r.key} over /api`, r)),
    ...(d.batch ? [rate(d.batch.key, d.batch)] : []),
  ];
}

export interface CommittedRun {
  /** Where it was read from, e.g. "bench/results/latest.json at HEAD (last changed in ea5b8bf)". */
  source: string;
  date: string;
  /** What makes its numbers comparable with this run's: the workloads' table size and connections. */
  products: number;
  connections: number;
  /** req/s per dialect, per workload id (see workloadRates). */
  dialects: Record<string, Record<string, number>>;
}

const LATEST = 'bench/results/latest.json';
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/**
 * The full run committed at HEAD (git show HEAD:bench/results/latest.json, so an uncommitted run on disk is
 * not what is compared with); the file on disk when git cannot answer; undefined when there is neither.
 */
export function readCommittedRun(): CommittedRun | undefined {
  let text: string;
  let source: string;
  try {
    text = git('show', `HEAD:${LATEST}`);
    source = `${LATEST} at HEAD (last changed in ${git('log', '-1', '--format=%h', 'HEAD', '--', LATEST).trim()})`;
  } catch {
    try {
      text = readFileSync(new URL('../results/latest.json', import.meta.url), 'utf8');
      source = `${LATEST} on disk (git could not show it at HEAD)`;
    } catch {
      return undefined;
    }
  }
  const run = JSON.parse(text) as BenchResults;
  return {
    source,
    date: run.date,
    products: Number(run.options.products),
    connections: Number(run.options.connections),
    dialects: Object.fromEntries(
      run.dialects.map((d) => [
        d.dialect,
        Object.fromEntries(workloadRates(d).map((r) => [r.id, r.requestsPerSecond])),
      ]),
    ),
  };
}
