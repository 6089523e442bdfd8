// Idempotency keys, one rule for every procedure that takes one (transfers, checkout): in the input, or in
// the `Idempotency-Key` header (REST clients), held to the same limits.
import { textLimits } from '@shop/db';
import { z } from 'zod';
import { TRPCError } from './init.ts';
import { IDEMPOTENCY_KEY_MIN, idempotencyKey } from './schemas.ts';

/** The header as the OpenAPI document declares it. */
export const idempotencyHeader = z.object({ 'idempotency-key': idempotencyKey.optional() });

/** The body's key, else the Idempotency-Key header's, held to the same rules. */
export function keyOf(fromInput: string | undefined, fromHeader: string | null): string | undefined {
  if (fromInput !== undefined || fromHeader === null) return fromInput;
  const parsed = idempotencyKey.safeParse(fromHeader);
  if (!parsed.success) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `the Idempotency-Key header must be ${IDEMPOTENCY_KEY_MIN} to ${textLimits.idempotencyKey} characters`,
    });
  }
  return parsed.data;
}

/** As `keyOf`, for procedures that cannot run without one (a checkout must never buy twice). */
export function requiredKeyOf(fromInput: string | undefined, fromHeader: string | null): string {
  const key = keyOf(fromInput, fromHeader);
  if (key === undefined) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: 'an idempotency key is required: `idempotencyKey` in the input or the Idempotency-Key header',
    });
  }
  return key;
}
