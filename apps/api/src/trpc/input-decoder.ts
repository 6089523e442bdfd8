// The request decoder: superjson's wire format (`{ json, meta }`) read for exactly what the procedures'
// inputs can hold (plain JSON, Dates, undefined), in one bounded pass. superjson.deserialize accepts any
// annotation tree and recurses on it: a bare string annotation, an unknown type, a typed-array or a null
// envelope ends in a stack overflow (~17 ms of CPU for a 100-byte request) or in engine text ("Cannot
// destructure property 'json'…"). Here anything else is refused with a message in the API's own words
// (tRPC answers it as 400 BAD_REQUEST), and a valid client's input decodes to what superjson would give.
import { TRPCError } from '@trpc/server';

/** Deepest nesting of arrays and objects any input may have (product metadata has its own, lower limit). */
export const MAX_INPUT_DEPTH = 64;
/** Most type annotations in one input (a client sends one per Date or undefined value). */
const MAX_ANNOTATIONS = 1_000;
/** Keys that would reach an object's prototype: refused in an annotation path and as product metadata keys. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const malformed = (message: string) =>
  new TRPCError({ code: 'BAD_REQUEST', message: `malformed input: ${message}` });

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The refusal of an input nested deeper than MAX_INPUT_DEPTH (a parsed value, or a text before parsing). */
export const TOO_DEEP = `the input nests deeper than ${MAX_INPUT_DEPTH} levels`;

/**
 * What is wrong with a parsed input, or null: nesting deeper than MAX_INPUT_DEPTH, or a key that would reach a
 * prototype (`__proto__`, or `constructor` holding `prototype`); iterative, so no depth can overflow.
 */
export function inputProblem(value: unknown): string | null {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= MAX_INPUT_DEPTH) return TOO_DEEP;
    const isArray = Array.isArray(current);
    for (const [key, child] of isArray ? current.entries() : Object.entries(current)) {
      if (typeof child !== 'object' || child === null) continue;
      if (!isArray && key === 'constructor' && Object.hasOwn(child, 'prototype')) {
        return 'the key "constructor.prototype" is not accepted';
      }
      stack.push([child, depth + 1]);
    }
    if (!isArray && Object.hasOwn(current, '__proto__')) return 'the key "__proto__" is not accepted';
  }
  return null;
}

/**
 * Whether JSON `text` nests arrays and objects deeper than `max`, by one scan of its characters (strings
 * skipped), before anything parses it: JSON.parse spends ~30x more per byte on deep nesting than on a flat
 * text (a 300 kB body of brackets: ~90 ms), so such a text is refused unparsed.
 */
export function nestsDeeperThan(text: string, max = MAX_INPUT_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 92)
        i++; // backslash: skip the escaped character
      else if (code === 34) inString = false;
    } else if (code === 34) inString = true;
    else if (code === 123 || code === 91) {
      if (++depth > max) return true;
    } else if (code === 125 || code === 93) depth--;
  }
  return false;
}

/** superjson's path syntax: segments joined by '.', '\' and '.' escaped by '\' (version 1; version 0 has no escapes). */
function parsePath(path: string, escapes: boolean): string[] {
  const segments: string[] = [];
  let segment = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    if (escapes && char === '\\') {
      const next = path[i + 1];
      if (next !== '\\' && next !== '.') throw malformed(`bad escape in the annotation path "${path}"`);
      segment += next;
      i++;
    } else if (char === '.') {
      segments.push(segment);
      segment = '';
    } else segment += char;
  }
  segments.push(segment);
  return segments;
}

/** The container holding the last segment of `path`, reached through own properties and array indexes only. */
function parentAt(root: unknown, path: readonly string[], shown: string): Record<string, unknown> | unknown[] {
  let current = root;
  for (let i = 0; i < path.length; i++) {
    const key = path[i] as string;
    if (PROTOTYPE_KEYS.has(key)) throw malformed(`the key "${key}" is not accepted`);
    if (!(typeof current === 'object' && current !== null)) break;
    // An index within the array: a path cannot grow an array (a sparse one of 10^8 slots) for zod to walk.
    if (Array.isArray(current) && !(/^(0|[1-9]\d{0,8})$/.test(key) && Number(key) < current.length)) break;
    if (i === path.length - 1) return current as Record<string, unknown> | unknown[];
    if (!Object.hasOwn(current, key)) break;
    current = (current as Record<string, unknown>)[key];
  }
  throw malformed(`the annotation path "${shown}" names no value of the input`);
}

type Kind = 'Date' | 'undefined';

/** One annotation applied: a Date from its ISO string, or an undefined where JSON has null or nothing. */
function applyAt(root: unknown, path: readonly string[], kind: Kind, shown: string): unknown {
  if (path.length === 0) return kind === 'Date' ? toDate(root, shown) : undefined;
  const parent = parentAt(root, path, shown) as Record<string, unknown>;
  const key = path[path.length - 1] as string;
  if (kind === 'undefined') parent[key] = undefined;
  else parent[key] = toDate(Object.hasOwn(parent, key) ? parent[key] : undefined, shown);
  return root;
}

function toDate(value: unknown, shown: string): Date {
  if (typeof value !== 'string') throw malformed(`the value at "${shown}" is annotated as a Date but is not a string`);
  return new Date(value);
}

/** A leaf annotation (`["Date"]` or `["undefined"]`); nothing else can appear in a procedure's input. */
function kindOf(tree: unknown, shown: string): Kind {
  if (Array.isArray(tree) && tree.length === 1 && (tree[0] === 'Date' || tree[0] === 'undefined')) return tree[0];
  throw malformed(`the annotation at "${shown}" is not accepted (inputs hold only Dates and undefined)`);
}

/** tRPC's input transformer: the payload of one call, as superjson's client encoded it. */
export function decodeInput(payload: unknown): unknown {
  if (!isRecord(payload)) throw malformed('expected an object {"json": …, "meta"?: …} (superjson)');
  let value = payload.json;
  const problem = inputProblem(value);
  if (problem) throw malformed(problem);
  const meta = payload.meta;
  if (meta === undefined) return value;
  if (!isRecord(meta)) throw malformed('"meta" must be an object');
  if (meta.v !== undefined && meta.v !== 0 && meta.v !== 1) throw malformed('"meta.v" must be 0 or 1');
  // Shared references (superjson's referentialEqualities) need no linking: the JSON holds full copies.
  const { values, referentialEqualities } = meta;
  if (referentialEqualities !== undefined && typeof referentialEqualities !== 'object')
    throw malformed('"meta.referentialEqualities" must be an object or an array');
  if (values === undefined) return value;
  if (Array.isArray(values)) return applyAt(value, [], kindOf(values, ''), '');
  if (!isRecord(values)) throw malformed('"meta.values" must be an object or an array');
  const entries = Object.entries(values);
  if (entries.length > MAX_ANNOTATIONS) throw malformed(`more than ${MAX_ANNOTATIONS} annotations`);
  const escapes = meta.v === 1;
  for (const [path, tree] of entries) {
    value = applyAt(value, parsePath(path, escapes), kindOf(tree, path), path);
  }
  return value;
}
