export { type AppRouter, appRouter, createCaller } from './router.ts';
export type { Context } from './trpc.ts';
