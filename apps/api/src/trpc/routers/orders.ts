import {
  cancelOrder,
  checkout,
  checkoutLimits,
  deliverOrder,
  getOrder,
  listOrders,
  orderStatuses,
  shipOrder,
} from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { idempotencyHeader, requiredKeyOf } from '../idempotency.ts';
import { adminProcedure, authedProcedure, ownerProcedure } from '../init.ts';
import { rest } from '../rest-meta.ts';
import { id, idempotencyKey, idInput, pageInput } from '../schemas.ts';
import { checkoutResult, orderView, pageOf } from '../views.ts';

const line = z.object({
  productId: id,
  quantity: z.int().min(1).max(checkoutLimits.quantity).meta({ example: 2 }),
});

const CHECKOUT_REFUSALS = {
  404: 'a product, or the paying account (yours only), not found: `message` says which',
  409: 'the idempotency key was used for a different order',
  422: 'OUT_OF_STOCK (`data.domain.productId`, `data.domain.available`) or INSUFFICIENT_FUNDS',
};

/** Customers buy, see and cancel their own orders (`owner`: someone else's answers 404); admins run the shop. */
export const ordersRouter = {
  /** Prices come from the database; stock, money and the order move together or not at all. */
  checkout: authedProcedure
    .meta(
      rest('POST', '/orders', 'Check out a cart: one order, paid from one of your accounts (Idempotency-Key)', {
        status: 201,
        location: '/orders/{order.id}',
        requestHeaders: idempotencyHeader,
        errors: CHECKOUT_REFUSALS,
      }),
    )
    .output(checkoutResult)
    .input(
      z.object({
        accountId: id.meta({ description: 'your account that pays' }),
        lines: z.array(line).min(1).max(checkoutLimits.lines),
        idempotencyKey: idempotencyKey.optional().meta({ description: 'or the Idempotency-Key header; required' }),
      }),
    )
    .mutation(({ ctx, input }) =>
      checkout(ctx.em, ctx.principal.userId, {
        accountId: input.accountId,
        lines: input.lines,
        idempotencyKey: requiredKeyOf(input.idempotencyKey, ctx.idempotencyKeys),
      }),
    ),
  byId: ownerProcedure
    .meta(rest('GET', '/orders/{id}', 'An order'))
    .output(orderView)
    .input(idInput)
    .query(({ ctx, input }) => getOrder(ctx.em, input.id, ctx.scope)),
  /** Newest first: a customer's own; an admin's all (or one buyer's, `buyerId`), by status if asked. */
  list: ownerProcedure
    .meta(rest('GET', '/orders', 'Orders, newest first: yours (admins: everyone’s)'))
    .output(pageOf(orderView))
    .input(pageInput.extend({ status: z.enum(orderStatuses).optional(), buyerId: id.optional() }))
    .query(({ ctx, input }) => listOrders(ctx.em, input, ctx.scope)),
  /** Refunds the paying account and puts the units back: the buyer while placed, an admin until delivered. */
  cancel: ownerProcedure
    .meta(
      rest('POST', '/orders/{id}/cancel', 'Cancel an order (refund and restock)', {
        errors: { 409: 'the order’s status no longer allows it (`message` says which it is)' },
      }),
    )
    .output(orderView)
    .input(idInput)
    .mutation(({ ctx, input }) => cancelOrder(ctx.em, input.id, ctx.scope)),
  ship: adminProcedure
    .meta(rest('POST', '/orders/{id}/ship', 'Mark a placed order shipped (admins)'))
    .output(orderView)
    .input(idInput)
    .mutation(({ ctx, input }) => shipOrder(ctx.em, input.id, 'any')),
  deliver: adminProcedure
    .meta(rest('POST', '/orders/{id}/deliver', 'Mark a shipped order delivered (admins)'))
    .output(orderView)
    .input(idInput)
    .mutation(({ ctx, input }) => deliverOrder(ctx.em, input.id, 'any')),
} satisfies TRPCRouterRecord;
