// What procedures return, as zod schemas: the REST side's OpenAPI document is generated from them, and
// tRPC checks every response against them (anything not declared here is stripped, never sent).
import type {
  AccountView,
  CategoryStat,
  CategoryView,
  CheckoutResult,
  OrderView,
  Page,
  ProductCursorPage,
  ProductView,
  ProfileView,
  RoleView,
  SignedIn,
  TransferResult,
  TransferView,
  UserView,
} from '@shop/db';
import { ledgerKinds, orderStatuses } from '@shop/db';
import { z } from 'zod';

const money = z.string().meta({ description: 'a decimal string with two places', example: '12.50' });

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.int().meta({ description: 'matching rows; a lower bound when totalIsExact is false' }),
    totalIsExact: z.boolean(),
    page: z.int(),
    perPage: z.int(),
    pages: z.int(),
    hasNext: z.boolean(),
    hasPrev: z.boolean(),
  });

export const profileFields = z.object({
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  bio: z.string().nullable(),
});

export const userView = z
  .object({
    id: z.int(),
    username: z.string(),
    email: z.string(),
    isActive: z.boolean(),
    lastLoginAt: z.date().nullable(),
    createdAt: z.date(),
    updatedAt: z.date(),
    roles: z.array(z.string()),
    profile: profileFields.nullable(),
  })
  .meta({ id: 'User' }) satisfies z.ZodType<UserView>;

export const profileView = profileFields
  .extend({ userId: z.int(), updatedAt: z.date() })
  .meta({ id: 'Profile' }) satisfies z.ZodType<ProfileView>;

export const roleView = z.object({ id: z.int(), name: z.string() }).meta({ id: 'Role' }) satisfies z.ZodType<RoleView>;

export const categoryView = z
  .object({ id: z.int(), name: z.string(), createdAt: z.date(), updatedAt: z.date() })
  .meta({ id: 'Category' }) satisfies z.ZodType<CategoryView>;

export const categoryStat = z
  .object({
    categoryId: z.int(),
    name: z.string(),
    productCount: z.int(),
    minPrice: money.nullable(),
    maxPrice: money.nullable(),
    averagePrice: money.nullable(),
  })
  .meta({ id: 'CategoryStat' }) satisfies z.ZodType<CategoryStat>;

export const productView = z
  .object({
    id: z.int(),
    name: z.string(),
    description: z.string().nullable(),
    price: money,
    stock: z.int().meta({ description: 'units left to sell' }),
    inStock: z.boolean().meta({ description: 'stock > 0' }),
    category: z.object({ id: z.int(), name: z.string() }),
    metadata: z.record(z.string(), z.unknown()).nullable().meta({ description: 'free-form JSON attributes' }),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'Product' }) satisfies z.ZodType<ProductView>;

export const productCursorPage = z.object({
  items: z.array(productView),
  nextCursor: z.string().nullable().meta({ description: 'pass as `after` for the next page' }),
  hasNext: z.boolean(),
}) satisfies z.ZodType<ProductCursorPage>;

export const accountView = z
  .object({
    id: z.int(),
    ownerId: z.int().nullable().meta({ description: 'null for the shop’s revenue account' }),
    kind: z.enum(['customer', 'revenue']),
    balance: money,
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'Account' }) satisfies z.ZodType<AccountView>;

export const transferView = z
  .object({
    id: z.int(),
    kind: z.enum(ledgerKinds).meta({
      description: 'transfer; top_up and withdrawal (an admin, with a reason); payment and refund (an order)',
    }),
    fromAccountId: z.int().nullable().meta({ description: 'null for a top-up' }),
    toAccountId: z.int().nullable().meta({ description: 'null for a withdrawal' }),
    amount: money,
    reason: z.string().nullable(),
    orderId: z.int().nullable(),
    idempotencyKey: z.string().nullable(),
    createdAt: z.date(),
  })
  .meta({ id: 'LedgerEntry' }) satisfies z.ZodType<TransferView>;

export const orderView = z
  .object({
    id: z.int(),
    buyerId: z.int(),
    buyerUsername: z.string(),
    accountId: z.int().meta({ description: 'the account that paid (and that a cancellation refunds)' }),
    status: z.enum(orderStatuses),
    total: money,
    lines: z.array(
      z.object({
        productId: z.int().nullable().meta({ description: 'null once the product was deleted' }),
        productName: z.string(),
        unitPrice: money.meta({ description: 'the price at checkout' }),
        quantity: z.int(),
        lineTotal: money,
      }),
    ),
    createdAt: z.date(),
    updatedAt: z.date(),
    shippedAt: z.date().nullable(),
    deliveredAt: z.date().nullable(),
    cancelledAt: z.date().nullable(),
  })
  .meta({ id: 'Order' }) satisfies z.ZodType<OrderView>;

export const checkoutResult = z.object({
  order: orderView,
  replayed: z.boolean().meta({ description: 'true when the idempotency key was used before: nothing was bought' }),
}) satisfies z.ZodType<CheckoutResult>;

export const transferResult = z.object({
  transfer: transferView,
  replayed: z.boolean().meta({ description: 'true when the idempotency key was used before: nothing moved this time' }),
}) satisfies z.ZodType<TransferResult>;

export const signedIn = z.object({
  token: z.string().meta({ description: 'send as Authorization: Bearer <token>' }),
  expiresAt: z.date(),
  user: userView,
}) satisfies z.ZodType<SignedIn>;

export const deleted = <K extends string>(key: K) =>
  z.object({ [key]: z.int(), deleted: z.literal(true) } as { [P in K]: z.ZodInt } & { deleted: z.ZodLiteral<true> });

export type { Page };
