import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure, TRPCError } from '../init.ts';
import { rest } from '../rest-meta.ts';

export const healthRouter = {
  /** The process is up (no database touched). */
  live: publicProcedure
    .meta(rest('GET', '/healthz', 'Liveness: the process is up', { protect: false }))
    .output(z.object({ status: z.literal('ok'), uptimeSeconds: z.int() }))
    .query(() => ({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) })),
  /** The database answers a trivial query. */
  ready: publicProcedure
    .meta(
      rest('GET', '/readyz', 'Readiness: the database answers', {
        protect: false,
        errors: { 503: 'database unreachable' },
      }),
    )
    .output(z.object({ status: z.literal('ready'), databaseLatencyMs: z.number() }))
    .query(async ({ ctx }) => {
      const started = performance.now();
      try {
        await ctx.orm.em.fork().getConnection().execute('select 1');
      } catch (cause) {
        throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'database unreachable', cause });
      }
      return { status: 'ready' as const, databaseLatencyMs: Math.round((performance.now() - started) * 100) / 100 };
    }),
} satisfies TRPCRouterRecord;
