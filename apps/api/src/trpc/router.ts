// The one root router; `AppRouter` is the type clients import (type-only).

import { createCallerFactory, router } from './init.ts';
import { accountsRouter } from './routers/accounts.ts';
import { authRouter } from './routers/auth.ts';
import { categoriesRouter } from './routers/categories.ts';
import { healthRouter } from './routers/health.ts';
import { ordersRouter } from './routers/orders.ts';
import { productsRouter } from './routers/products.ts';
import { profilesRouter } from './routers/profiles.ts';
import { rolesRouter } from './routers/roles.ts';
import { statsRouter } from './routers/stats.ts';
import { usersRouter } from './routers/users.ts';

export const appRouter = router({
  health: healthRouter,
  auth: authRouter,
  users: usersRouter,
  profiles: profilesRouter,
  roles: rolesRouter,
  categories: categoriesRouter,
  products: productsRouter,
  stats: statsRouter,
  accounts: accountsRouter,
  orders: ordersRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
