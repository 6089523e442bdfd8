import {
  deposit,
  getAccount,
  listAccountsForUser,
  listTransfers,
  openAccount,
  recipientAccounts,
  textLimits,
  transferFunds,
  withdraw,
} from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { idempotencyHeader, keyOf } from '../idempotency.ts';
import { adminProcedure, authedProcedure, ownerProcedure } from '../init.ts';
import { rest } from '../rest-meta.ts';
import { amount, id, idempotencyKey, idInput, name, openingBalance, pageInput, username } from '../schemas.ts';
import { accountView, pageOf, transferResult, transferView } from '../views.ts';

/** An admin's top-up or withdrawal: how much, and why (shown in the account's ledger). */
const adminMovement = z.object({
  accountId: id,
  amount,
  reason: name(textLimits.ledgerReason).meta({ example: 'refund of a returned parcel' }),
});

const INSUFFICIENT = { 422: 'insufficient funds: the source account holds less than the amount' };

/**
 * The `owner` procedures' services apply `ctx.scope` in the statements themselves; money enters or leaves
 * the shop only through the admin procedures (docs/money.md), and the services refuse it to anyone else too.
 */
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
  /** Admins only: money from outside the shop (a payment received, a gift card), with a reason. */
  deposit: adminProcedure
    .meta(rest('POST', '/accounts/{accountId}/deposit', 'Top up an account (admins, with a reason)'))
    .output(accountView)
    .input(adminMovement)
    .mutation(({ ctx, input }) =>
      deposit(ctx.em, input.accountId, { amount: input.amount, reason: input.reason }, 'any'),
    ),
  /** Admins only: money out of the shop, or a correction, with a reason. */
  withdraw: adminProcedure
    .meta(
      rest('POST', '/accounts/{accountId}/withdraw', 'Withdraw from an account (admins, with a reason)', {
        errors: INSUFFICIENT,
      }),
    )
    .output(accountView)
    .input(adminMovement)
    .mutation(({ ctx, input }) =>
      withdraw(ctx.em, input.accountId, { amount: input.amount, reason: input.reason }, 'any'),
    ),
  /** Whom to pay by name: an active user's account ids (signed-in users; nothing else about them). */
  recipient: authedProcedure
    .meta(rest('GET', '/recipients/{username}', 'An active user’s account ids, to pay them by username'))
    .output(z.object({ username: z.string(), accountIds: z.array(z.int()) }))
    .input(z.object({ username }))
    .query(({ ctx, input }) => recipientAccounts(ctx.em, input.username)),
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
      transferFunds(ctx.em, { ...input, idempotencyKey: keyOf(input.idempotencyKey, ctx.idempotencyKeys) }, ctx.scope),
    ),
  ledger: ownerProcedure
    .meta(rest('GET', '/accounts/{accountId}/ledger', 'An account’s ledger (every balance change), newest first'))
    .output(pageOf(transferView))
    .input(pageInput.extend({ accountId: id }))
    .query(({ ctx, input }) => listTransfers(ctx.em, input.accountId, input, ctx.scope)),
} satisfies TRPCRouterRecord;
