// A PostgreSQL primary and a streaming replica of its own, for the replica tests and the bench: initdb, then
// pg_basebackup -R -X stream, each server started with pg_ctl on a free port in a temporary folder (as the
// postgres OS user when run as root: initdb refuses root). About 2 s to build; destroy() removes it all.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, appendFileSync, chmodSync, chownSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { PostgresTarget } from '../driver/env.ts';
import { openOrm } from '../driver/orm.ts';
import { freePort } from './ports.ts';

const run = promisify(execFile);
const BINARIES = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'] as const;

interface Toolkit {
  bindir: string;
  /** Prefix that runs a command as the postgres OS user ([] when not root). */
  asPostgres: string[];
  owner: { uid: number; gid: number } | null;
}

/**
 * Where the PostgreSQL server binaries are (PG_BINDIR, else `pg_config --bindir`) and who runs them; a string
 * saying why replicas cannot be built here when they cannot.
 */
export function replicaToolkit(): Toolkit | string {
  let bindir = process.env.PG_BINDIR;
  if (!bindir) {
    try {
      bindir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    } catch {
      return 'pg_config is not on PATH (install the PostgreSQL server package, or set PG_BINDIR)';
    }
  }
  for (const binary of BINARIES) {
    try {
      accessSync(join(bindir, binary), constants.X_OK);
    } catch {
      return `${join(bindir, binary)} is missing (install the PostgreSQL server package, or set PG_BINDIR)`;
    }
  }
  if (process.getuid?.() !== 0) return { bindir, asPostgres: [], owner: null };
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    execFileSync('runuser', ['-u', 'postgres', '--', 'true']);
    return { bindir, asPostgres: ['runuser', '-u', 'postgres', '--'], owner: { uid, gid } };
  } catch {
    return 'running as root, and initdb refuses root: a "postgres" OS user and runuser are needed';
  }
}

export interface ReplicatedDatabase {
  name: string;
  primary: PostgresTarget;
  replica: PostgresTarget;
}

export interface ReplicatedCluster {
  primaryPort: number;
  replicaPort: number;
  /** Creates and migrates a database on the primary; resolves once the replica has replayed it. */
  createDatabase(): Promise<ReplicatedDatabase>;
  /** Runs one statement on a server (the `postgres` database unless named) and returns its rows. */
  query<Row = Record<string, unknown>>(server: 'primary' | 'replica', sql: string, database?: string): Promise<Row[]>;
  /** Stops replay on the replica (pg_wal_replay_pause): it keeps answering reads, ever further behind. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Waits until the replica has replayed everything the primary has written so far. */
  waitForReplay(timeoutMs?: number): Promise<void>;
  /** pg_ctl stop: `fast` ends its sessions (in-flight queries fail), `immediate` as a crash would; no-op when stopped. */
  stopReplica(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again (no-op when running) and waits until it answers in recovery. */
  startReplica(): Promise<void>;
  /** Stops both servers and removes their folder. */
  destroy(): Promise<void>;
}

/** Builds and starts a primary and its streaming replica; throws with the server's log when a step fails. */
export async function startReplicatedCluster(): Promise<ReplicatedCluster> {
  const toolkit = replicaToolkit();
  if (typeof toolkit === 'string') throw new Error(`cannot build a PostgreSQL replica: ${toolkit}`);
  const { bindir, asPostgres, owner } = toolkit;
  const dir = mkdtempSync(join(tmpdir(), 'shop-replica-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  chmodSync(dir, 0o700);
  const primaryDir = join(dir, 'primary');
  const replicaDir = join(dir, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];

  const pgCommand = (binary: string, args: string[]) => {
    const [command, ...prefix] = [...asPostgres, join(bindir, binary)];
    return { command: command as string, args: [...prefix, ...args] };
  };
  const exec = async (binary: string, args: string[]) => {
    const { command, args: full } = pgCommand(binary, args);
    try {
      await run(command, full, { cwd: dir, timeout: 60_000 });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      throw new Error(`${binary} ${args.join(' ')} failed: ${(stderr || stdout || String(error)).trim()}`);
    }
  };
  const pgCtl = (dataDir: string, action: string[]) =>
    exec('pg_ctl', ['-D', dataDir, '-l', `${dataDir}.log`, '-w', '-t', '60', ...action]);

  let running: string[] = [];
  // A test process that ends without destroy() (a crash, a timeout) still stops its servers.
  const stopAllNow = () => {
    for (const dataDir of running) {
      const { command, args } = pgCommand('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
      try {
        execFileSync(command, args, { stdio: 'ignore' });
      } catch {}
    }
    running = [];
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopAllNow);

  const url = (port: number, database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  const query = async <Row>(server: 'primary' | 'replica', sql: string, database = 'postgres') => {
    const client = new pg.Client({
      connectionString: url(server === 'primary' ? primaryPort : replicaPort, database),
      connectionTimeoutMillis: 5_000,
    });
    await client.connect();
    try {
      return (await client.query(sql)).rows as Row[];
    } finally {
      await client.end();
    }
  };
  const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      try {
        if (await check()) return;
      } catch (error) {
        last = (error as Error).message;
      }
      if (Date.now() > deadline)
        throw new Error(`${what}: not within ${timeoutMs / 1000} s${last ? ` (${last})` : ''}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const replicaInRecovery = () =>
    until('the replica answers in recovery', async () => {
      const [row] = await query<{ recovery: boolean }>('replica', 'select pg_is_in_recovery() as recovery');
      return row?.recovery === true;
    });
  const waitForReplay = async (timeoutMs = 30_000) => {
    const [primary] = await query<{ lsn: string }>('primary', 'select pg_current_wal_insert_lsn()::text as lsn');
    await until(
      'the replica replays what the primary wrote',
      async () => {
        const [row] = await query<{ caught_up: boolean }>(
          'replica',
          `select pg_last_wal_replay_lsn() >= '${primary?.lsn}'::pg_lsn as caught_up`,
        );
        return row?.caught_up === true;
      },
      timeoutMs,
    );
  };

  try {
    await exec('initdb', ['-D', primaryDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
    // fsync=off: a test cluster need not survive a power cut. The other settings are the defaults spelled out.
    appendFileSync(
      join(primaryDir, 'postgresql.conf'),
      [
        `port = ${primaryPort}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        'fsync = off',
        'shared_buffers = 32MB',
        'wal_level = replica',
        'max_wal_senders = 4',
        'hot_standby = on',
        '',
      ].join('\n'),
    );
    await pgCtl(primaryDir, ['start']);
    running.push(primaryDir);
    await exec('pg_basebackup', [
      ...['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres'],
      ...['-D', replicaDir, '-R', '-X', 'stream', '--checkpoint=fast'],
    ]);
    appendFileSync(join(replicaDir, 'postgresql.conf'), `port = ${replicaPort}\n`);
    await pgCtl(replicaDir, ['start']);
    running.push(replicaDir);
    await replicaInRecovery();
    await until('the primary streams to the replica', async () => {
      const rows = await query<{ state: string }>('primary', 'select state from pg_stat_replication');
      return rows.some((row) => row.state === 'streaming');
    });
  } catch (error) {
    stopAllNow();
    process.off('exit', stopAllNow);
    throw error;
  }

  return {
    primaryPort,
    replicaPort,
    query,
    async createDatabase() {
      const name = `shop_replica_${process.pid}_${randomBytes(4).toString('hex')}`;
      await query('primary', `create database "${name}"`);
      const primary: PostgresTarget = { dialect: 'postgresql', url: url(primaryPort, name), database: name };
      const orm = await openOrm(primary);
      try {
        await orm.migrator.up();
      } finally {
        await orm.close(true);
      }
      await waitForReplay();
      return { name, primary, replica: { dialect: 'postgresql', url: url(replicaPort, name), database: name } };
    },
    async pauseReplay() {
      await query('replica', 'select pg_wal_replay_pause()');
    },
    async resumeReplay() {
      await query('replica', 'select pg_wal_replay_resume()');
    },
    waitForReplay,
    async stopReplica(mode = 'fast') {
      if (!running.includes(replicaDir)) return;
      await pgCtl(replicaDir, ['-m', mode, 'stop']);
      running = running.filter((dataDir) => dataDir !== replicaDir);
    },
    async startReplica() {
      if (running.includes(replicaDir)) return;
      await pgCtl(replicaDir, ['start']);
      running.push(replicaDir);
      await replicaInRecovery();
    },
    async destroy() {
      for (const dataDir of [...running].reverse()) await pgCtl(dataDir, ['-m', 'fast', 'stop']).catch(() => {});
      running = [];
      process.off('exit', stopAllNow);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
