import { REPLICA_STATES, replicaStatus } from '@shop/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { databaseUnavailable } from '../errors.ts';
import { publicProcedure } from '../init.ts';
import { rest } from '../rest-meta.ts';

const replicaView = z.object({
  name: z.string().meta({ example: 'replica-1' }),
  state: z.enum(REPLICA_STATES),
  inRotation: z.boolean(),
  lagMs: z.number().nullable().meta({ description: 'at most this far behind the primary at the last check' }),
});

export const healthRouter = {
  /** The process is up (no database touched). */
  live: publicProcedure
    .meta(rest('GET', '/healthz', 'Liveness: the process is up', { protect: false, errors: { 503: false } }))
    .output(z.object({ status: z.literal('ok'), uptimeSeconds: z.int() }))
    .query(() => ({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) })),
  /**
   * The database (the primary) answers a trivial query; the read replicas are listed as this process's health
   * check last found them. A replica out of rotation leaves the process ready: the primary answers its reads.
   */
  ready: publicProcedure
    .meta(
      rest('GET', '/readyz', 'Readiness: the database answers (and how each read replica is)', {
        protect: false,
        errors: { 503: 'the database is unavailable' },
      }),
    )
    .output(
      z.object({
        status: z.literal('ready'),
        databaseLatencyMs: z.number(),
        replicas: z.array(replicaView).meta({ description: 'read replicas (DATABASE_REPLICA_URLS); empty without' }),
      }),
    )
    .query(async ({ ctx }) => {
      const started = performance.now();
      try {
        await ctx.orm.em.fork().getConnection('write').execute('select 1');
      } catch (cause) {
        throw databaseUnavailable(cause);
      }
      return {
        status: 'ready' as const,
        databaseLatencyMs: Math.round((performance.now() - started) * 100) / 100,
        // The output schema keeps names, states and lags: a replica's error (`problem`) stays in the log.
        replicas: replicaStatus(ctx.orm),
      };
    }),
} satisfies TRPCRouterRecord;
