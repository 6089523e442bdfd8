export type { Context } from './trpc/init.ts';
export { type AppRouter, appRouter, createCaller } from './trpc/router.ts';
