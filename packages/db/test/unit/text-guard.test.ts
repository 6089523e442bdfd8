// The one walk for NUL characters (the flush guard's and the API's metadata check's): the first NUL in a
// string or a key anywhere in nested arrays and objects, and the keys a caller refuses, each with its path.
import { describe, expect, it } from 'vitest';
import { findNul } from '../../src/driver/text-guard.ts';

const NUL = '\u0000';
const refuseKey = (key: string) => (key === 'constructor' ? `the key "${key}" is not allowed` : undefined);

describe('findNul', () => {
  it('finds nothing in text without NUL, numbers, booleans, null and dates', () => {
    expect(findNul('plain')).toBeNull();
    expect(findNul({ a: [1, true, null, { b: 'x', c: new Date(0) }], d: '' })).toBeNull();
    expect(findNul(42)).toBeNull();
  });

  it('finds a NUL in a value, with the path to it', () => {
    expect(findNul(`a${NUL}`)).toEqual({ path: [], message: 'must not contain NUL characters' });
    expect(findNul({ tags: ['ok', { deep: [`x${NUL}`] }] })).toEqual({
      path: ['tags', 1, 'deep', 0],
      message: 'must not contain NUL characters',
    });
  });

  it('finds a NUL in a nested key, with the path to the object that holds it', () => {
    expect(findNul({ a: [{ [`k${NUL}`]: 1 }] })).toEqual({
      path: ['a', 0],
      message: 'keys must not contain NUL characters',
    });
  });

  it('refuses the keys the caller refuses, with the path to the key, and only when asked to', () => {
    const value = { a: [{ b: { constructor: { x: 1 } } }] };
    expect(findNul(value)).toBeNull();
    expect(findNul(value, { refuseKey })).toEqual({
      path: ['a', 0, 'b', 'constructor'],
      message: 'the key "constructor" is not allowed',
    });
  });

  it('reports the first problem depth-first in key order', () => {
    const value = { a: { b: `1${NUL}` }, constructor: 1, c: `2${NUL}` };
    expect(findNul(value, { refuseKey })?.path).toEqual(['a', 'b']);
    expect(findNul({ a: 'ok', constructor: { x: `${NUL}` } }, { refuseKey })?.path).toEqual(['constructor']);
    expect(findNul([[`${NUL}`], `${NUL}`])?.path).toEqual([0, 0]);
  });

  it('walks a value that refers to itself once', () => {
    const looped: Record<string, unknown> = { name: 'loop' };
    looped.self = looped;
    expect(findNul(looped)).toBeNull();
    looped.bad = `x${NUL}`;
    expect(findNul(looped)?.path).toEqual(['bad']);
  });
});
