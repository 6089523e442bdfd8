import {
  deposit,
  type EntityManager,
  getAccount,
  listAccountsForUser,
  listTransfers,
  openAccount,
  type Principal,
  transferFunds,
  withdraw,
} from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { amount, id, idInput, openingBalance, pageInput } from '../schemas.ts';
import { authedProcedure, isAdmin, requireSelfOrAdmin, TRPCError } from '../trpc.ts';

/** Object-level check: another customer's account is answered exactly like a missing one (404). */
async function requireOwnAccount(em: EntityManager, principal: Principal, accountId: number) {
  const account = await getAccount(em, accountId);
  if (account.ownerId !== principal.userId && !isAdmin(principal)) {
    throw new TRPCError({ code: 'NOT_FOUND', message: `account ${accountId} not found` });
  }
  return account;
}

const movement = z.object({ accountId: id, amount });

export const accountsRouter = {
  /** Customers open their own accounts, empty; only an admin sets an opening balance or another owner. */
  open: authedProcedure
    .input(z.object({ ownerId: id, initialDeposit: openingBalance.default('0') }))
    .mutation(({ ctx, input }) => {
      requireSelfOrAdmin(ctx.principal, input.ownerId);
      if (!isAdmin(ctx.principal) && Number(input.initialDeposit) !== 0) {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'only an admin can open an account with a balance' });
      }
      return openAccount(ctx.em, input.ownerId, input.initialDeposit);
    }),
  byId: authedProcedure.input(idInput).query(({ ctx, input }) => requireOwnAccount(ctx.em, ctx.principal, input.id)),
  listForUser: authedProcedure.input(z.object({ userId: id })).query(({ ctx, input }) => {
    requireSelfOrAdmin(ctx.principal, input.userId);
    return listAccountsForUser(ctx.em, input.userId);
  }),
  deposit: authedProcedure.input(movement).mutation(async ({ ctx, input }) => {
    await requireOwnAccount(ctx.em, ctx.principal, input.accountId);
    return deposit(ctx.em, input.accountId, input.amount);
  }),
  withdraw: authedProcedure.input(movement).mutation(async ({ ctx, input }) => {
    await requireOwnAccount(ctx.em, ctx.principal, input.accountId);
    return withdraw(ctx.em, input.accountId, input.amount);
  }),
  /** From the caller's own account only (any account for an admin), to any existing account. */
  transfer: authedProcedure
    .input(
      z.object({
        fromAccountId: id,
        toAccountId: id,
        amount,
        idempotencyKey: z.string().trim().min(8).max(64).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await requireOwnAccount(ctx.em, ctx.principal, input.fromAccountId);
      return transferFunds(ctx.em, input);
    }),
  ledger: authedProcedure.input(pageInput.extend({ accountId: id })).query(async ({ ctx, input }) => {
    await requireOwnAccount(ctx.em, ctx.principal, input.accountId);
    return listTransfers(ctx.em, input.accountId, input);
  }),
} satisfies TRPCRouterRecord;
