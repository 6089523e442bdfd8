// The sentence a page shows for a failed call is chosen by the answer's code, never by the server's message.
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { describeProblem } from '../../src/problems.ts';

/** A failed call as the typed client hands it to a page: the server's error envelope, as the API writes it. */
const answered = (code: string, httpStatus: number, path: string) =>
  TRPCClientError.from({
    error: {
      message: 'for developers, not for shoppers',
      code: -32603,
      data: { code, httpStatus, path, zodError: null, domain: null },
    },
  });

describe('describeProblem', () => {
  it('says the shop is briefly unavailable for a 503 (its database is down), not that something broke', () => {
    expect(describeProblem(answered('SERVICE_UNAVAILABLE', 503, 'products.list'))).toEqual({
      status: 503,
      kind: null,
      message: 'The shop is briefly unavailable. Please try again in a moment.',
      fields: {},
    });
    expect(describeProblem(answered('INTERNAL_SERVER_ERROR', 500, 'products.list')).message).toBe(
      'Something went wrong on our side. Please try again.',
    );
  });
});
