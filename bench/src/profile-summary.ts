// Summarizes a V8 .cpuprofile (node --cpu-prof): self time by category (V8's idle/GC/program buckets, Node
// internals, npm packages, workspace packages) and the top self-time functions, within a time window.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds on the monotonic clock (the same clock as process.hrtime in any process of this machine). */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  windowMs: number;
  samples: number;
  totalMs: number;
  busyMs: number;
  categories: { name: string; ms: number }[];
  functions: { name: string; location: string; category: string; ms: number }[];
}

export const IDLE = '(idle)';
const SPECIAL = new Set([IDLE, '(garbage collector)', '(program)']);
/** npm packages reported together. */
const GROUPS: [RegExp, string][] = [
  [/^@mikro-orm\//, '@mikro-orm/*'],
  [/^@trpc\//, '@trpc/*'],
  [/^(fastify|@fastify\/.+)$/, 'fastify + @fastify/*'],
  [/^pg(-.+)?$/, 'pg + pg-protocol (node-postgres)'],
];

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const workspaceNames = new Map<string, string>();

/** The `name` of the nearest package.json above `file` (workspace code: @shop/db, @shop/api). */
function workspacePackage(file: string): string {
  const dir = path.dirname(file);
  const cached = workspaceNames.get(dir);
  if (cached) return cached;
  let name = `(file) ${path.relative(ROOT, file)}`;
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
    const manifest = path.join(d, 'package.json');
    if (existsSync(manifest)) {
      name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name ?? path.relative(ROOT, d);
      break;
    }
  }
  workspaceNames.set(dir, name);
  return name;
}

function packageOf(file: string): string {
  const rest = file.slice(file.lastIndexOf('/node_modules/') + '/node_modules/'.length).split('/');
  const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? '?');
  return GROUPS.find(([pattern]) => pattern.test(name))?.[1] ?? name;
}

/** The category of a frame from its url and function name; undefined for frames without a url. */
function categoryOf({ functionName, url }: CallFrame): string | undefined {
  if (SPECIAL.has(functionName)) return functionName;
  if (functionName === '(root)') return '(program)';
  if (!url) return undefined;
  if (url.startsWith('node:')) return 'node internals (node:*)';
  if (!url.startsWith('file://')) return `(other) ${url.split(':')[0]}`;
  const file = fileURLToPath(url);
  return file.includes('/node_modules/') ? packageOf(file) : workspacePackage(file);
}

function locationOf({ url, lineNumber }: CallFrame): string {
  if (!url) return '(native)';
  let shown = url;
  if (url.startsWith('file://')) {
    const file = fileURLToPath(url);
    const at = file.lastIndexOf('/node_modules/');
    shown = at >= 0 ? file.slice(at + '/node_modules/'.length) : path.relative(ROOT, file);
  }
  return `${shown}:${lineNumber + 1}`;
}

/** Self time per node within [fromUs, toUs] (all samples when omitted), grouped by category and function. */
export function summarizeProfile(profile: CpuProfile, window: { fromUs?: number; toUs?: number } = {}): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Frames without a url (V8 builtins such as JSON.stringify, native bindings such as better-sqlite3's
  // statements) count towards their nearest caller that has one.
  const categories = new Map<number, string>();
  const category = (id: number): string => {
    const known = categories.get(id);
    if (known) return known;
    const node = byId.get(id);
    const own = node ? categoryOf(node.callFrame) : '(program)';
    const up = parent.get(id);
    const found = own ?? (up === undefined ? '(native, no caller)' : category(up));
    categories.set(id, found);
    return found;
  };

  const fromUs = window.fromUs ?? -Infinity;
  const toUs = window.toUs ?? Infinity;
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  let samples = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const next = i + 1 < profile.samples.length ? at + (profile.timeDeltas[i + 1] ?? 0) : profile.endTime;
    if (at < fromUs || at > toUs) continue;
    const id = profile.samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, next - at));
    samples += 1;
  }

  const perCategory = new Map<string, number>();
  const perFunction = new Map<string, { name: string; location: string; category: string; ms: number }>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const name = category(id);
    totalUs += us;
    perCategory.set(name, (perCategory.get(name) ?? 0) + us);
    if (SPECIAL.has(name)) continue;
    const location = locationOf(frame);
    const key = `${frame.functionName}@${location}@${name}`;
    const entry = perFunction.get(key) ?? {
      name: frame.functionName || '(anonymous)',
      location,
      category: name,
      ms: 0,
    };
    entry.ms += us / 1000;
    perFunction.set(key, entry);
  }
  const idleUs = perCategory.get(IDLE) ?? 0;
  return {
    windowMs: (Math.min(toUs, profile.endTime) - Math.max(fromUs, profile.startTime)) / 1000,
    samples,
    totalMs: totalUs / 1000,
    busyMs: (totalUs - idleUs) / 1000,
    categories: [...perCategory].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms),
    functions: [...perFunction.values()].sort((a, b) => b.ms - a.ms),
  };
}

const cell = (text: string) => text.replaceAll('|', '\\|');
const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '');

export function profileMarkdown(title: string, s: ProfileSummary, notes: string[] = []): string {
  const lines = [
    `### ${title}`,
    '',
    `${s.samples.toLocaleString('en')} samples over ${(s.windowMs / 1000).toFixed(1)} s under load: busy (not idle) ` +
      `${(s.busyMs / 1000).toFixed(2)} s = ${pct(s.busyMs, s.totalMs)} of the sampled time. Self time only; frames ` +
      'without a url (V8 builtins such as JSON.stringify, native bindings such as better-sqlite3 statements) count ' +
      'towards their nearest caller that has one.',
    ...notes,
    '',
    '| category | self ms | % of busy | % of total |',
    '|---|---:|---:|---:|',
    ...s.categories
      .slice(0, 15)
      .map(
        (c) =>
          `| ${cell(c.name)} | ${c.ms.toFixed(0)} | ${c.name === IDLE ? '' : pct(c.ms, s.busyMs)} | ${pct(c.ms, s.totalMs)} |`,
      ),
    '',
    '| function (top 10 by self time) | where | category | self ms | % of busy |',
    '|---|---|---|---:|---:|',
    ...s.functions
      .slice(0, 10)
      .map(
        (f) =>
          `| ${cell(f.name)} | ${cell(f.location)} | ${cell(f.category)} | ${f.ms.toFixed(0)} | ${pct(f.ms, s.busyMs)} |`,
      ),
    '',
  ];
  return lines.join('\n');
}
