import {
  deposit,
  getAccount,
  listAccountsForUser,
  listTransfers,
  openAccount,
  textLimits,
  transferFunds,
  withdraw,
} from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { ownerProcedure, TRPCError } from '../init.ts';
import { rest } from '../rest-meta.ts';
import { amount, IDEMPOTENCY_KEY_MIN, id, idempotencyKey, idInput, openingBalance, pageInput } from '../schemas.ts';
import { accountView, pageOf, transferResult, transferView } from '../views.ts';

const movement = z.object({ accountId: id, amount });
/** REST clients send the key as a header (documented in the OpenAPI document); tRPC clients may too. */
const idempotencyHeader = z.object({ 'idempotency-key': idempotencyKey.optional() });

/** The body's key, else the Idempotency-Key header's, held to the same rules. */
function keyOf(fromInput: string | undefined, fromHeader: string | null): string | undefined {
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

const INSUFFICIENT = { 422: 'insufficient funds: the source account holds less than the amount' };

/** Every procedure here is `owner`: the services apply `ctx.scope` in the statements themselves. */
export const accountsRouter = {
  /** Customers open their own accounts, empty (the service refuses them a balance); an admin opens any. */
  open: ownerProcedure
    .meta(
      rest('POST', '/accounts', 'Open an account', {
        status: 201,
        location: '/accounts/{id}',
        errors: { 403: 'only an admin opens an account with a balance' },
      }),
    )
    .output(accountView)
    .input(z.object({ ownerId: id, initialDeposit: openingBalance.default('0') }))
    .mutation(({ ctx, input }) => openAccount(ctx.em, input.ownerId, input.initialDeposit, ctx.scope)),
  byId: ownerProcedure
    .meta(rest('GET', '/accounts/{id}', 'An account'))
    .output(accountView)
    .input(idInput)
    .query(({ ctx, input }) => getAccount(ctx.em, input.id, ctx.scope)),
  listForUser: ownerProcedure
    .meta(rest('GET', '/users/{userId}/accounts', 'A user’s accounts'))
    .output(z.array(accountView))
    .input(z.object({ userId: id }))
    .query(({ ctx, input }) => listAccountsForUser(ctx.em, input.userId, ctx.scope)),
  deposit: ownerProcedure
    .meta(rest('POST', '/accounts/{accountId}/deposit', 'Deposit into an account'))
    .output(accountView)
    .input(movement)
    .mutation(({ ctx, input }) => deposit(ctx.em, input.accountId, input.amount, ctx.scope)),
  withdraw: ownerProcedure
    .meta(rest('POST', '/accounts/{accountId}/withdraw', 'Withdraw from an account', { errors: INSUFFICIENT }))
    .output(accountView)
    .input(movement)
    .mutation(({ ctx, input }) => withdraw(ctx.em, input.accountId, input.amount, ctx.scope)),
  /** From the caller's own account only (any account for an admin), to any existing account. */
  transfer: ownerProcedure
    .meta(
      rest('POST', '/transfers', 'Move money between accounts (Idempotency-Key header: applied once)', {
        status: 201,
        requestHeaders: idempotencyHeader,
        errors: INSUFFICIENT,
      }),
    )
    .output(transferResult)
    .input(
      z.object({
        fromAccountId: id,
        toAccountId: id,
        amount,
        idempotencyKey: idempotencyKey.optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      transferFunds(ctx.em, { ...input, idempotencyKey: keyOf(input.idempotencyKey, ctx.idempotencyKey) }, ctx.scope),
    ),
  ledger: ownerProcedure
    .meta(rest('GET', '/accounts/{accountId}/ledger', 'An account’s transfers, newest first'))
    .output(pageOf(transferView))
    .input(pageInput.extend({ accountId: id }))
    .query(({ ctx, input }) => listTransfers(ctx.em, input.accountId, input, ctx.scope)),
} satisfies TRPCRouterRecord;
