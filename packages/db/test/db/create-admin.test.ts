// `npm run db:create-admin` as users run it (a child process on a temp SQLite file): the values the environment
// leaves unset come from piped standard input, a line each, or from prompts in a terminal that do not echo the
// password; input that runs out or does not fit is one line and exit code 1.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDialect } from '@shop/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrm } from '../../src/driver/orm.ts';
import { login } from '../../src/services/auth/sessions.ts';

const SCRIPTS = fileURLToPath(new URL('../../scripts/', import.meta.url));
const CREATE_ADMIN = path.join(SCRIPTS, 'create-admin.ts');
let dir = '';
let file = '';

const environment = (env: Record<string, string> = {}) => {
  const base: Record<string, string | undefined> = { ...process.env, DATABASE_URL: `sqlite:///${file}` };
  for (const name of ['ADMIN_USERNAME', 'ADMIN_EMAIL', 'ADMIN_PASSWORD']) delete base[name];
  return { ...base, ...env };
};

/** create-admin with `input` piped to its standard input. */
function piped(input: string, env: Record<string, string> = {}, args: string[] = []) {
  const result = spawnSync(process.execPath, [CREATE_ADMIN, ...args], {
    env: environment(env),
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

async function signsIn(identifier: string, password: string) {
  const orm = await openOrm({ dialect: 'sqlite', file });
  try {
    return (await login(orm.em.fork(), identifier, password)) !== null;
  } finally {
    await orm.close();
  }
}

// Child processes on a file: the same on every project, so it runs once (in the SQLite project).
describe.runIf(testDialect === 'sqlite')('db:create-admin input', () => {
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'shop-create-admin-'));
    file = path.join(dir, 'shop.db');
    const migrate = spawnSync(process.execPath, [path.join(SCRIPTS, 'db.ts'), 'migrate'], {
      env: environment(),
      encoding: 'utf8',
    });
    expect(migrate.status, migrate.stderr).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads username, email and password from piped lines; the environment wins over them', async () => {
    const created = piped('ann\nann@example.com\nann-long-password\n');
    expect(created).toMatchObject({ status: 0, stderr: '' });
    expect(created.stdout).toMatch(/^created admin "ann" \(id \d+\) on SQLite /);
    expect(await signsIn('ann', 'ann-long-password')).toBe(true);
    // Set variables take no line: here only the password is read (CRLF line ends too).
    const reset = piped('ann-new-password\r\n', { ADMIN_USERNAME: 'ann', ADMIN_EMAIL: 'ann@example.com' }, [
      '--',
      '--reset-password',
    ]);
    expect(reset.stdout).toMatch(/^reactivated, with a new password, admin "ann"/);
    expect(await signsIn('ann', 'ann-new-password')).toBe(true);
  });

  it('says in one line which value the piped input lacks or got wrong', () => {
    expect(piped('a\nb\n')).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'error: standard input ended before the admin password (line 3): pipe the username, email, password one ' +
        'per line, or set ADMIN_USERNAME, ADMIN_EMAIL, ADMIN_PASSWORD',
    });
    expect(piped('', { ADMIN_USERNAME: 'bo', ADMIN_PASSWORD: 'bo-long-password' }).stderr).toBe(
      'error: standard input ended before the admin email (line 1): pipe the email one per line, or set ADMIN_EMAIL',
    );
    expect(piped('bo\nbo@example.com\nshort\n')).toMatchObject({
      status: 1,
      stderr: 'error: password: the admin password needs at least 12 characters',
    });
    expect(piped('bo\nnot-an-email\nbo-long-password\n').stderr).toBe('error: email: Invalid email address');
  });

  // util-linux `script` gives the script a terminal; without it (not Linux) there is no terminal to test.
  it.runIf(existsSync('/usr/bin/script'))('prompts in a terminal and does not echo the password', async () => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CREATE_ADMIN)}`;
    const child = spawn('/usr/bin/script', ['-qec', command, '/dev/null'], {
      env: environment(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    const answers: [RegExp, string][] = [
      [/admin username: /, 'cy\r'],
      [/admin email: /, 'cy@example.com\r'],
      [/admin password \(12\+ characters, not shown\): /, 'cy-secret-password\r'],
    ];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      screen += chunk;
      const [prompt, answer] = answers[0] ?? [];
      if (prompt?.test(screen) && answer) {
        answers.shift();
        screen = screen.replace(prompt, '');
        child.stdin.write(answer);
      }
    });
    let all = '';
    child.stdout.on('data', (chunk: string) => {
      all += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, all).toBe(0);
    expect(all).toMatch(/created admin "cy"/);
    expect(all).toContain('cy@example.com'); // what is typed is echoed…
    expect(all).not.toContain('cy-secret-password'); // …except the password
    expect(await signsIn('cy', 'cy-secret-password')).toBe(true);
  });
});
