// `pnpm bench [-- --quick]`: the API against its own floor, its REST twins and a raw driver baseline, batched,
// with more workers, at scale, on SQLite, PostgreSQL and MariaDB (see --help). Writes bench/results/latest.json
// and latest.md, compared with the latest.json committed at HEAD.
// Numbers are reported against the targets, never asserted.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { benchCrossDialect } from './cross-dialect.ts';
import { benchDialect } from './dialect.ts';
import { parseOptions } from './options.ts';
import { benchReplicas, replicaMarkdown } from './replicas.ts';
import { toMarkdown } from './report.ts';
import { type BenchResults, readCommittedRun } from './results.ts';

const { quick, dialects, replicas, ...options } = parseOptions(process.argv.slice(2));
const say = (line: string) => console.error(`[bench] ${line}`);

if (replicas) {
  const results = await benchReplicas(options, say);
  const name = quick ? 'quick.replicas' : 'replicas';
  const markdown = replicaMarkdown(results);
  writeFileSync(new URL(`../results/${name}.json`, import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(new URL(`../results/${name}.md`, import.meta.url), `${markdown}\n`);
  console.log(markdown);
  say(`wrote bench/results/${name}.json and ${name}.md`);
  process.exit(0);
}
// Read before this run overwrites latest.json: the "no workload slower than the committed run" target.
const committed = readCommittedRun();
say(committed ? `comparing with ${committed.source}, run ${committed.date}` : 'no committed run to compare with');

const results: BenchResults = {
  date: new Date().toISOString(),
  machine: {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  },
  options: { ...options, dialects, quick },
  dialects: [],
  ...(committed ? { committed } : {}),
};
const profilePrefix = quick ? 'quick-profile' : 'profile';
for (const dialect of dialects) results.dialects.push(await benchDialect(dialect, { ...options, profilePrefix }, say));
const crossDialect = await benchCrossDialect(dialects, options, say);
if (crossDialect) results.crossDialect = crossDialect;
const markdown = toMarkdown(results);
const name = quick ? 'quick' : 'latest';
writeFileSync(new URL(`../results/${name}.json`, import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(new URL(`../results/${name}.md`, import.meta.url), `${markdown}\n`);
console.log(markdown);
say(`wrote bench/results/${name}.json and ${name}.md`);
