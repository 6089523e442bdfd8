import { describe, expect, it } from 'vitest';
import { normalizeApiUrl } from '../../src/api-url.ts';

describe('normalizeApiUrl', () => {
  it('strips trailing slashes', () => {
    expect(normalizeApiUrl('http://127.0.0.1:3000/trpc/')).toBe('http://127.0.0.1:3000/trpc');
  });
  it.each(['localhost:3000', 'ftp://x/trpc', ''])('rejects %j', (url) => {
    expect(() => normalizeApiUrl(url)).toThrow(TypeError);
  });
});
