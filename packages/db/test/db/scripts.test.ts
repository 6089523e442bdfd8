// The db scripts as users run them (child processes on a temp SQLite file): an unmigrated database gets
// one line naming the pending migrations and the command that applies them, and constraint errors come
// out as domain messages, not driver text.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDialect } from '@shop/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPTS = fileURLToPath(new URL('../../scripts/', import.meta.url));
let dir = '';

function run(script: string, args: string[], file: string) {
  const result = spawnSync(process.execPath, [path.join(SCRIPTS, script), ...args], {
    env: {
      ...process.env,
      DATABASE_URL: `sqlite:///${file}`,
      NODE_ENV: 'development',
      ADMIN_USERNAME: 'root',
      ADMIN_EMAIL: 'root@example.com',
      ADMIN_PASSWORD: 'a-long-admin-password',
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

// Child processes on a file: the same on both projects, so it runs once (in the SQLite project).
describe.runIf(testDialect === 'sqlite')('db scripts', () => {
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'shop-scripts-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuse an unmigrated database with the pending migrations and the command to run', () => {
    const file = path.join(dir, 'fresh.db');
    for (const [script, args] of [
      ['create-admin.ts', []],
      ['db.ts', ['export']],
    ] as const) {
      const { status, stderr } = run(script, [...args], file);
      expect(status).toBe(1);
      expect(stderr).toMatch(/has \d+ pending migration\(s\) \(Migration\w+.*\): run `npm run db:migrate` first$/);
      expect(stderr).not.toMatch(/no such table/);
    }
  });

  it('create the admin once migrated, and report a taken email as a conflict', () => {
    const file = path.join(dir, 'migrated.db');
    expect(run('db.ts', ['migrate'], file).status).toBe(0);
    const first = run('create-admin.ts', [], file);
    expect(first).toMatchObject({ status: 0 });
    expect(first.stdout).toMatch(/created admin "root"/);
    const clash = spawnSync(process.execPath, [path.join(SCRIPTS, 'create-admin.ts')], {
      env: {
        ...process.env,
        DATABASE_URL: `sqlite:///${file}`,
        ADMIN_USERNAME: 'second',
        ADMIN_EMAIL: 'root@example.com',
        ADMIN_PASSWORD: 'a-long-admin-password',
      },
      encoding: 'utf8',
    });
    expect(clash.status).toBe(1);
    expect(clash.stderr.trim()).toBe('error: email is already taken');
  });

  it('name npm commands in their usage, and take options after a `--` as pnpm passes them on', () => {
    const help = spawnSync(process.execPath, [path.join(SCRIPTS, 'db.ts'), '--help'], { encoding: 'utf8' });
    expect(help.stdout).toMatch(/^usage: npm run db:<command> \[-- options\]/);
    expect(help.stdout).toContain('npm run db:migrate:down -- --to 0');
    const file = path.join(dir, 'dashes.db');
    expect(run('db.ts', ['migrate'], file).status).toBe(0);
    // `pnpm db:migrate:down -- --to 0` runs `db.ts migrate:down -- --to 0`; npm drops the `--`.
    const down = run('db.ts', ['migrate:down', '--', '--to', '0'], file);
    expect(down).toMatchObject({ status: 0 });
    expect(down.stderr).toMatch(/^reverted: (Migration\w+, )+Migration\w+_initial$/m);
    expect(run('db.ts', ['migrate:status'], file).stderr).toMatch(/^current: \(none\)$/m);
  });
});
