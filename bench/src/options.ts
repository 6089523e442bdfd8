// Command line of `npm run bench`: options, defaults (full and --quick) and the help text.
import { parseArgs } from 'node:util';
import type { Dialect } from '@shop/db';
import type { BenchOptions } from './dialect.ts';
import { BY_ID, WORKLOAD_KEYS } from './workloads.ts';

export const HELP = `usage: npm run bench [-- options]

Starts the API as users run it (node apps/api/src/main.ts, NODE_ENV=production, API_WORKERS=1) on a fresh
database per dialect and loads it over real tRPC URLs, and over /api for the procedures REST serves (byId,
page 1, page 3); a raw node:http server on the same database gives the baseline. With sqlite and another
dialect, ends with byId, page 1 and page 3 on an API per dialect in alternating slices (the ratios across
dialects). Compares with the bench/results/latest.json committed at HEAD, then writes
bench/results/latest.{json,md} (--quick: quick.{json,md}). Nothing is asserted: the targets are reported as
met or missed.

  --quick             small and short (2k/20k products, 2 s per workload after 0.5 s of warm-up)
  --products N        products for the workloads (default 10000)
  --scale-to N        grow to N products for the scale comparison and the export (default 1000000; 0 skips)
  --users N           users (default 1000)      --accounts N   accounts (default 100)
  --connections N     concurrent connections (default 32)
  --seconds N         measured duration of each workload (default 10)
  --warmup N          seconds of unmeasured load before each workload (default 2)
  --seed-products N   products seeded through the client, timed (default 100000)
  --dialects LIST     sqlite,postgresql,mariadb (default all three)
  --workers LIST      API_WORKERS values compared with the main run's 1 on health.live, products.byId and
                      products.list page 1 (default 2; "none" skips)
  --replicas          instead of the above: PostgreSQL reads (products.byId, products.list page 1) with 0 and 1
                      streaming replica, and the replica's lag under users.create and accounts.transfer, on a
                      primary and replica the bench builds (initdb, pg_basebackup, pg_ctl: the PostgreSQL server
                      binaries are needed); writes bench/results/replicas.{json,md} (--quick: quick.replicas.*)
  --profile [NAME]    also run the API (API_WORKERS=1) under node --cpu-prof with one workload (default
                      ${BY_ID}) and summarize the profile into bench/results/profile-<dialect>-<NAME>.md
                      (--quick: quick-profile-<dialect>-<NAME>.md, not committed)
                      workloads: ${WORKLOAD_KEYS.join(', ')}`;

export interface CliOptions extends Omit<BenchOptions, 'profilePrefix'> {
  quick: boolean;
  dialects: Dialect[];
  replicas: boolean;
}

/** `--profile` without a value (last, or followed by another option) means the default workload. */
function withProfileDefault(args: string[]): string[] {
  return args.flatMap((arg, i) =>
    arg === '--profile' && (i + 1 >= args.length || args[i + 1]?.startsWith('--')) ? [arg, BY_ID] : [arg],
  );
}

const fail = (message: string): never => {
  console.error(`error: ${message}\n\n${HELP}`);
  process.exit(2);
};

export function parseOptions(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: withProfileDefault(argv.filter((a) => a !== '--')),
    options: {
      quick: { type: 'boolean', default: false },
      products: { type: 'string' },
      'scale-to': { type: 'string' },
      users: { type: 'string' },
      accounts: { type: 'string' },
      connections: { type: 'string', default: '32' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      'seed-products': { type: 'string' },
      dialects: { type: 'string', default: 'sqlite,postgresql,mariadb' },
      workers: { type: 'string', default: '2' },
      profile: { type: 'string' },
      replicas: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const quick = values.quick;
  const num = (name: string, v: string | undefined, fallback: number) => {
    const n = v === undefined ? fallback : Number(v);
    return Number.isFinite(n) && n >= 0 ? n : fail(`--${name} wants a number, got ${v}`);
  };
  const dialects = values.dialects.split(',').filter(Boolean);
  for (const d of dialects) if (!['sqlite', 'postgresql', 'mariadb'].includes(d)) fail(`unknown dialect ${d}`);
  const workers = values.workers === 'none' ? [] : values.workers.split(',').filter(Boolean).map(Number);
  if (workers.some((n) => !Number.isInteger(n) || n < 1))
    fail(`--workers wants positive integers, got ${values.workers}`);
  if (values.profile && !(WORKLOAD_KEYS as readonly string[]).includes(values.profile)) {
    fail(`--profile: unknown workload ${values.profile}`);
  }
  return {
    quick,
    products: num('products', values.products, quick ? 2_000 : 10_000),
    scaleTo: num('scale-to', values['scale-to'], quick ? 20_000 : 1_000_000),
    users: num('users', values.users, quick ? 200 : 1_000),
    accounts: num('accounts', values.accounts, 100),
    connections: num('connections', values.connections, 32),
    seconds: num('seconds', values.seconds, quick ? 2 : 10),
    warmupSeconds: num('warmup', values.warmup, quick ? 0.5 : 2),
    seedProducts: num('seed-products', values['seed-products'], quick ? 5_000 : 100_000),
    dialects: dialects as Dialect[],
    workers,
    replicas: values.replicas,
    ...(values.profile ? { profile: values.profile } : {}),
  };
}
