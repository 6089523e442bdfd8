// The markdown table of a bench run.
import type { LoadResult } from './load.ts';

export interface DialectResults {
  dialect: string;
  products: number;
  workloads: Record<string, LoadResult>;
  baseline: Record<string, LoadResult>;
  scale?: { small: number; large: number; firstPageP50: [number, number]; cursorP50: [number, number] };
  exportRun?: { rows: number; peakRssMiB: number; seconds: number };
  seedThroughClient?: { products: number; seconds: number };
}

export interface BenchResults {
  date: string;
  machine: { cores: number; node: string; cpu: string; memoryGiB: number };
  options: Record<string, unknown>;
  dialects: DialectResults[];
}

const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1);

export function toMarkdown(results: BenchResults): string {
  const lines = [
    `Run ${results.date} on ${results.machine.cores} cores (${results.machine.cpu}), ${results.machine.memoryGiB} GiB, Node ${results.machine.node}; ` +
      `${results.options.connections} connections, ${results.options.seconds} s per workload (mix: p50/p99 are the worst of its four parts).`,
    '',
  ];
  for (const d of results.dialects) {
    lines.push(`#### ${d.dialect} (${d.products.toLocaleString('en')} products)`, '');
    lines.push(
      '| workload | req/s | p50 ms | p99 ms | non-2xx | baseline req/s | API / baseline |',
      '|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const [name, r] of Object.entries(d.workloads)) {
      const b = d.baseline[name];
      lines.push(
        `| ${name} | ${r.requestsPerSecond} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${r.non2xx + r.errors} | ${b ? b.requestsPerSecond : ''} | ${
          b ? `${Math.round((100 * r.requestsPerSecond) / b.requestsPerSecond)} %` : ''
        } |`,
      );
    }
    lines.push('');
    if (d.scale) {
      const { small, large, firstPageP50: f, cursorP50: c } = d.scale;
      lines.push(
        `Scale ${small.toLocaleString('en')} → ${large.toLocaleString('en')} products: first page p50 ${ms(f[0])} → ${ms(f[1])} ms ` +
          `(×${(f[1] / f[0]).toFixed(2)}), deep cursor page p50 ${ms(c[0])} → ${ms(c[1])} ms (×${(c[1] / c[0]).toFixed(2)}).`,
      );
    }
    if (d.exportRun) {
      lines.push(
        `Export of ${d.exportRun.rows.toLocaleString('en')} products: peak RSS ${d.exportRun.peakRssMiB} MiB, ${d.exportRun.seconds.toFixed(1)} s.`,
      );
    }
    if (d.seedThroughClient) {
      lines.push(
        `Seeding ${d.seedThroughClient.products.toLocaleString('en')} products through the client: ${d.seedThroughClient.seconds.toFixed(1)} s.`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
