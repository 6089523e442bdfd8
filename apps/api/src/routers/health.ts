import type { TRPCRouterRecord } from '@trpc/server';
import { publicProcedure, TRPCError } from '../trpc.ts';

export const healthRouter = {
  /** The process is up (no database touched). */
  live: publicProcedure.query(() => ({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) })),
  /** The database answers a trivial query. */
  ready: publicProcedure.query(async ({ ctx }) => {
    const started = performance.now();
    try {
      await ctx.orm.em.fork().getConnection().execute('select 1');
    } catch (cause) {
      throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'database unreachable', cause });
    }
    return { status: 'ready' as const, databaseLatencyMs: Math.round((performance.now() - started) * 100) / 100 };
  }),
} satisfies TRPCRouterRecord;
