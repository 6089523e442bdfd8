// Idempotency keys, one rule for every procedure that takes one (transfers, checkout): in the input, or in
// the `Idempotency-Key` header (REST clients), held to the same limits.
import { textLimits } from '@shop/db';
import { z } from 'zod';
import { TRPCError } from './init.ts';
import { IDEMPOTENCY_KEY_MIN, idempotencyKey } from './schemas.ts';

/** The header as the OpenAPI document declares it. */
export const idempotencyHeader = z.object({ 'idempotency-key': idempotencyKey.optional() });

const badRequest = (message: string) => new TRPCError({ code: 'BAD_REQUEST', message });

/**
 * The one key of a call: the input's or the Idempotency-Key header's, held to the same rules. Two headers,
 * or a header and an input key that differ, are refused: which one the client meant cannot be known.
 */
export function keyOf(fromInput: string | undefined, fromHeaders: readonly string[]): string | undefined {
  if (fromHeaders.length > 1) {
    throw badRequest(`send one Idempotency-Key header, not ${fromHeaders.length}`);
  }
  const header = fromHeaders[0];
  if (header === undefined) return fromInput;
  const parsed = idempotencyKey.safeParse(header);
  if (!parsed.success) {
    throw badRequest(
      `the Idempotency-Key header must be ${IDEMPOTENCY_KEY_MIN} to ${textLimits.idempotencyKey} characters`,
    );
  }
  if (fromInput !== undefined && fromInput !== parsed.data) {
    throw badRequest('the Idempotency-Key header and the idempotencyKey of the body differ: send one of them');
  }
  return parsed.data;
}

/** As `keyOf`, for procedures that cannot run without one (a checkout must never buy twice). */
export function requiredKeyOf(fromInput: string | undefined, fromHeaders: readonly string[]): string {
  const key = keyOf(fromInput, fromHeaders);
  if (key === undefined) {
    throw badRequest('an idempotency key is required: `idempotencyKey` in the input or the Idempotency-Key header');
  }
  return key;
}
