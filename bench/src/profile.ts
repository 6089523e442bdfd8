// `--profile WORKLOAD`: the API (API_WORKERS=1: with cluster workers the profile would go to the workers)
// under `node --cpu-prof`, loaded with one workload; stopped gracefully so Node writes the profile, which is
// summarized over the measured load window only (startup and warm-up excluded).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startApiChild } from './api-child.ts';
import type { LoadOptions, LoadResult } from './load.ts';
import { type CpuProfile, type ProfileSummary, profileMarkdown, summarizeProfile } from './profile-summary.ts';

export interface ProfileRun {
  workload: string;
  file: string;
  requestsPerSecond: number;
  profiles: number;
  summary: ProfileSummary;
  markdown: string;
}

export interface ProfileRequest {
  dialect: string;
  databaseUrl: string;
  products: number;
  workload: string;
  /** The summary goes to bench/results/<filePrefix>-<dialect>-<workload>.md. */
  filePrefix: string;
  label: string;
  options: LoadOptions;
  /** Loads the API at `origin` (the same driver as the workload's table row). */
  drive: (origin: string, options: LoadOptions) => Promise<LoadResult>;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

export async function profileWorkload(request: ProfileRequest): Promise<ProfileRun> {
  const { dialect, workload, options } = request;
  const dir = mkdtempSync(path.join(tmpdir(), 'shop-bench-prof-'));
  try {
    const api = await startApiChild({
      databaseUrl: request.databaseUrl,
      workers: 1,
      nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    });
    let result: LoadResult;
    let window: { fromUs: number; toUs: number };
    try {
      if (options.warmupSeconds > 0) {
        await request.drive(api.origin, { ...options, seconds: options.warmupSeconds, warmupSeconds: 0 });
      }
      const fromUs = nowUs();
      result = await request.drive(api.origin, { ...options, warmupSeconds: 0 });
      window = { fromUs, toUs: nowUs() };
    } finally {
      await api.stop();
    }
    const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    if (files.length === 0) throw new Error(`the API wrote no .cpuprofile into ${dir} (did it exit gracefully?)`);
    // The profiles share the machine's monotonic clock with this process: keep the samples of the load window.
    // Several files (a cluster primary and its worker): the busiest one served the requests.
    const summaries = files.map((f) =>
      summarizeProfile(JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CpuProfile, window),
    );
    const summary = summaries.reduce((a, b) => (b.busyMs > a.busyMs ? b : a));
    if (summary.samples === 0) throw new Error('the profile has no sample inside the load window');
    const notes = [
      '',
      `Load: ${options.connections} connections, ${options.seconds} s after a ${options.warmupSeconds} s warm-up; ` +
        `${result.requestsPerSecond} req/s while profiling (p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
        `non-2xx ${result.non2xx}). The load generator shares the machine's cores, so part of the idle time is ` +
        'the API waiting for requests.',
      ...(files.length > 1 ? [`${files.length} profiles were written; this is the busiest.`] : []),
    ];
    const title = `CPU profile: ${dialect}, ${request.label} (${request.products.toLocaleString('en')} products, API_WORKERS=1)`;
    const markdown = profileMarkdown(title, summary, notes);
    const file = `${request.filePrefix}-${dialect}-${workload}.md`;
    writeFileSync(new URL(`../results/${file}`, import.meta.url), `${markdown}\n`);
    return {
      workload,
      file: `bench/results/${file}`,
      requestsPerSecond: result.requestsPerSecond,
      profiles: files.length,
      summary: { ...summary, functions: summary.functions.slice(0, 30) },
      markdown,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
