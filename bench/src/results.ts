// The shape of bench/results/*.json: what one run measured, per dialect.
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
  /** The batched byId workload (10 calls per request), on the same API process. */
  batch?: Row;
  /** The raw node:http baseline on the same database: health.live (trivial JSON), byId, page 1. */
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
}
