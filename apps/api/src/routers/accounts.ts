import {
  deposit,
  getAccount,
  listAccountsForUser,
  listTransfers,
  openAccount,
  transferFunds,
  withdraw,
} from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { amount, id, idInput, openingBalance, pageInput } from '../schemas.ts';
import { dbProcedure } from '../trpc.ts';

const movement = z.object({ accountId: id, amount });

export const accountsRouter = {
  open: dbProcedure
    .input(z.object({ ownerId: id, initialDeposit: openingBalance.default('0') }))
    .mutation(({ ctx, input }) => openAccount(ctx.em, input.ownerId, input.initialDeposit)),
  byId: dbProcedure.input(idInput).query(({ ctx, input }) => getAccount(ctx.em, input.id)),
  listForUser: dbProcedure
    .input(z.object({ userId: id }))
    .query(({ ctx, input }) => listAccountsForUser(ctx.em, input.userId)),
  deposit: dbProcedure.input(movement).mutation(({ ctx, input }) => deposit(ctx.em, input.accountId, input.amount)),
  withdraw: dbProcedure.input(movement).mutation(({ ctx, input }) => withdraw(ctx.em, input.accountId, input.amount)),
  transfer: dbProcedure
    .input(
      z.object({
        fromAccountId: id,
        toAccountId: id,
        amount,
        idempotencyKey: z.string().trim().min(8).max(64).optional(),
      }),
    )
    .mutation(({ ctx, input }) => transferFunds(ctx.em, input)),
  ledger: dbProcedure
    .input(pageInput.extend({ accountId: id }))
    .query(({ ctx, input }) => listTransfers(ctx.em, input.accountId, input)),
} satisfies TRPCRouterRecord;
