// `npm run bench -- --replicas`: PostgreSQL reads with 0 and 1 streaming replica, and how far the replica falls
// behind under the write workloads. Builds its own primary and replica (@shop/db/testing/replica: initdb,
// pg_basebackup, pg_ctl), fills the primary, and runs one API process (API_WORKERS=1) without and one with
// DATABASE_REPLICA_URLS, loaded in turn. On one 2-core machine the replica shares the cores with everything
// else: what this measures is the cost of the routing and the lag, not a speed-up.
import { login, openOrm } from '@shop/db';
import { startReplicatedCluster } from '@shop/db/testing/replica';
import { type ApiChild, startApiChild } from './api-child.ts';
import { ADMIN, addProducts, type BenchDatabase, fillBase, settle } from './database.ts';
import { type LoadOptions, type LoadResult, load } from './load.ts';
import { BY_ID, buildWorkloads, FIRST_PAGE, workload } from './workloads.ts';

type Say = (line: string) => void;

export interface ReplicaBenchOptions {
  products: number;
  users: number;
  accounts: number;
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

interface ReadRow {
  key: string;
  label: string;
  primaryOnly: LoadResult;
  withReplica: LoadResult;
  /** Scans of `products` each server ran during the run with the replica (pg_stat_user_tables). */
  productScans: { primary: number; replica: number };
}

interface Distribution {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

interface LagRow {
  key: string;
  label: string;
  load: LoadResult;
  /** pg_stat_replication.replay_lag on the primary, sampled every 100 ms (ms; null counted as 0). */
  replayLagMs: Distribution;
  /** The API's own bound (/readyz lagMs), sampled with it. */
  apiLagMs: Distribution;
  /** Samples in which /readyz had the replica out of rotation. */
  outOfRotation: number;
}

export interface ReplicaBenchResults {
  date: string;
  options: ReplicaBenchOptions;
  postgres: string;
  reads: ReadRow[];
  lag: LagRow[];
}

const distribution = (values: number[]): Distribution => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { samples: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function benchReplicas(options: ReplicaBenchOptions, say: Say): Promise<ReplicaBenchResults> {
  say('building a PostgreSQL primary and its streaming replica');
  const cluster = await startReplicatedCluster();
  const apis: ApiChild[] = [];
  try {
    const { name, primary, replica } = await cluster.createDatabase();
    const [version] = await cluster.query<{ server_version: string }>('primary', 'show server_version');
    const orm = await openOrm(primary);
    const db: BenchDatabase = { url: primary.url, orm, categoryIds: [], productCount: 0, drop: () => orm.close() };
    say(`filling the primary: ${options.products} products, ${options.users} users, ${options.accounts} accounts`);
    const { accountIds, buyerAccountId } = await fillBase(db, options);
    await addProducts(db, options.products);
    await settle(db, 'postgresql');
    // Signed in through the services, not the API: a sign-in over HTTP would make this address read the
    // primary for REPLICA_STICKY_MS (read-your-writes), and the reads below come from the same address.
    const session = await login(orm.em.fork(), ADMIN.username, ADMIN.password);
    if (!session) throw new Error('the bench admin cannot sign in');
    await orm.close();
    await cluster.waitForReplay(120_000);

    const workloads = buildWorkloads({
      products: options.products,
      accountIds,
      buyerAccountId,
      deepPage: 1,
      deepCursor: '',
    });
    const loadOptions: LoadOptions = {
      connections: options.connections,
      seconds: options.seconds,
      warmupSeconds: options.warmupSeconds,
    };
    // A fresh API process per run, stopped after it: a backend's table statistics reach pg_stat_user_tables
    // when it exits at the latest (an idle one may hold them 10 s), so the counts around a run are its own.
    const scans = async () => {
      const sql =
        "select coalesce(sum(coalesce(idx_scan, 0) + coalesce(seq_scan, 0)), 0)::text as n from pg_stat_user_tables where relname = 'products'";
      await pause(500);
      const [p] = await cluster.query<{ n: string }>('primary', sql, name);
      const [r] = await cluster.query<{ n: string }>('replica', sql, name);
      return { primary: Number(p?.n), replica: Number(r?.n) };
    };
    const measure = async (key: string, replicas: 0 | 1) => {
      const { label, next } = workload(workloads, key);
      say(`${label}: ${replicas === 0 ? 'no replica' : '1 replica'}`);
      const env: Record<string, string> = replicas ? { DATABASE_REPLICA_URLS: replica.url } : {};
      const api = await startApiChild({ databaseUrl: primary.url, workers: 1, env });
      const before = await scans();
      let result: LoadResult;
      try {
        result = await load(api.origin, next, loadOptions);
      } finally {
        await api.stop();
      }
      const after = await scans();
      return {
        result,
        productScans: { primary: after.primary - before.primary, replica: after.replica - before.replica },
      };
    };

    const reads: ReadRow[] = [];
    for (const [index, key] of [BY_ID, FIRST_PAGE].entries()) {
      // Alternating which goes first, so neither always gets the warmer machine.
      const order = index % 2 === 0 ? ([0, 1] as const) : ([1, 0] as const);
      const first = await measure(key, order[0]);
      const second = await measure(key, order[1]);
      const [without, withIt] = order[0] === 0 ? [first, second] : [second, first];
      reads.push({
        key,
        label: workload(workloads, key).label,
        primaryOnly: without.result,
        withReplica: withIt.result,
        productScans: withIt.productScans,
      });
    }

    const withReplica = await startApiChild({
      databaseUrl: primary.url,
      workers: 1,
      env: { DATABASE_REPLICA_URLS: replica.url },
    });
    apis.push(withReplica);
    const lag: LagRow[] = [];
    const auth = { authorization: `Bearer ${session.token}` };
    for (const key of ['users.create', 'accounts.transfer']) {
      const { label, next } = workload(workloads, key);
      say(`${label} on the API with the replica, sampling the lag`);
      const replay: number[] = [];
      const bound: number[] = [];
      let outOfRotation = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const [row] = await cluster.query<{ ms: number | null }>(
            'primary',
            'select (extract(epoch from replay_lag) * 1000)::float8 as ms from pg_stat_replication',
          );
          replay.push(row?.ms ?? 0);
          const ready = (await (await fetch(`${withReplica.origin}/readyz`)).json()) as {
            replicas: { inRotation: boolean; lagMs: number | null }[];
          };
          const [status] = ready.replicas;
          if (status?.lagMs !== null && status?.lagMs !== undefined) bound.push(status.lagMs);
          if (!status?.inRotation) outOfRotation++;
          await pause(100);
        }
      })();
      const result = await load(withReplica.origin, next, { ...loadOptions, headers: auth });
      sampling = false;
      await sampler;
      lag.push({
        key,
        label,
        load: result,
        replayLagMs: distribution(replay),
        apiLagMs: distribution(bound),
        outOfRotation,
      });
    }
    return {
      date: new Date().toISOString(),
      options,
      postgres: version?.server_version ?? 'unknown',
      reads,
      lag,
    };
  } finally {
    for (const api of apis) await api.stop().catch((error: Error) => say(`warning: ${error.message}`));
    await cluster.destroy();
  }
}

const ms = (n: number) => (n < 10 ? n.toFixed(1) : String(Math.round(n)));
const ratio = (a: number, b: number) => (b > 0 ? `${Math.round((a / b) * 100)} %` : 'n/a');

export function replicaMarkdown(results: ReplicaBenchResults): string {
  const { options: o } = results;
  const lines = [
    `# Read replicas (${results.date})`,
    '',
    `PostgreSQL ${results.postgres}, a primary and one streaming replica on this machine; one API process`,
    `(API_WORKERS=1) without and one with DATABASE_REPLICA_URLS; ${o.products} products, ${o.connections}`,
    `connections, ${o.seconds} s per run after ${o.warmupSeconds} s of warm-up.`,
    '',
    '## Reads with 0 and 1 replica',
    '',
    '| workload | 0 replicas req/s | p50 | p99 | 1 replica req/s | p50 | p99 | 1 ÷ 0 | scans of products, primary / replica | non-2xx |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.reads
      .map((r) =>
        [
          r.label,
          r.primaryOnly.requestsPerSecond,
          r.primaryOnly.p50Ms,
          r.primaryOnly.p99Ms,
          r.withReplica.requestsPerSecond,
          r.withReplica.p50Ms,
          r.withReplica.p99Ms,
          ratio(r.withReplica.requestsPerSecond, r.primaryOnly.requestsPerSecond),
          `${r.productScans.primary} / ${r.productScans.replica}`,
          r.primaryOnly.non2xx + r.withReplica.non2xx,
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
    '',
    'The scans column counts the index and sequential scans of `products` each server ran for the run with',
    'the replica (pg_stat_user_tables; a fresh API process per run): where its reads went.',
    '',
    '## Replica lag under writes (API with the replica)',
    '',
    '| workload | req/s | non-2xx | replay_lag p50 | p99 | max | API lag bound p50 | max | samples out of rotation |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.lag.map(
      (r) =>
        `| ${r.label} | ${r.load.requestsPerSecond} | ${r.load.non2xx} | ${ms(r.replayLagMs.p50)} ms | ${ms(r.replayLagMs.p99)} ms | ${ms(r.replayLagMs.max)} ms | ${ms(r.apiLagMs.p50)} ms | ${ms(r.apiLagMs.max)} ms | ${r.outOfRotation} of ${r.replayLagMs.samples} |`,
    ),
    '',
    '`replay_lag`: PostgreSQL’s own measure on the primary (pg_stat_replication: WAL flushed here until the',
    'replica reported it replayed), sampled every 100 ms. The API lag bound: what /readyz said at the same',
    'moments (an upper bound from the health check, every REPLICA_CHECK_INTERVAL_MS = 1 s).',
  ];
  return lines.join('\n');
}
