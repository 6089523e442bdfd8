// scripts/toolchain.mjs, the bootstrap behind every root script, with either Node first on PATH (issue 20): an
// old system Node, or .toolchain's own Node 24 (as CONTRIBUTING.md suggests). Each order runs a .ts task on
// Node 24, fetches nothing and removes nothing; fetching a missing tool keeps the others. Runs a copy of the
// script in a scratch repository whose .toolchain/ holds hard links of this checkout's Node and pnpm, with the
// npm registry pointed at a dead address (or at a local one serving pnpm): no network, and the developer's
// own .toolchain/ is never touched.
import { type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDialect } from '@shop/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const NODE_PACKAGE = `node-${process.platform}-${process.arch}`;
const DEAD_REGISTRY = 'http://127.0.0.1:9/';
const packageManager = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).packageManager as string;

/** A Node older than 22.17 on this machine (the "system Node 20" of the issue), if there is one. */
function findOldNode(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin', '/bin'];
  for (const dir of dirs) {
    const node = path.join(dir, 'node');
    if (!existsSync(node)) continue;
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
    const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
    if (major > 0 && (major < 22 || (major === 22 && minor < 17))) return node;
  }
  return undefined;
}

/** Copies a tree as hard links (symlinks as symlinks): Node's 190 MB cost nothing. */
function linkTree(from: string, to: string): void {
  const stat = lstatSync(from);
  if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
  else if (stat.isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from)) linkTree(path.join(from, entry), path.join(to, entry));
  } else {
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to); // another file system
    }
  }
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking this process (the local registry answers from it meanwhile). */
function run(command: string, args: string[], options: SpawnOptions): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += String(chunk);
    });
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const oldNode = findOldNode();
const realTools = path.join(REPO, '.toolchain', 'node_modules');
let scratch = '';

/**
 * A repository with nothing but the toolchain script, a package.json naming the same pnpm, an empty lockfile
 * and a `task` script running a .ts file; its .toolchain/ holds the given tools of this checkout's.
 */
function scratchRepository(name: string, tools: string[]): { root: string; tools: string } {
  const root = path.join(scratch, name);
  mkdirSync(path.join(root, 'scripts'), { recursive: true });
  copyFileSync(path.join(REPO, 'scripts', 'toolchain.mjs'), path.join(root, 'scripts', 'toolchain.mjs'));
  writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name, private: true, packageManager, scripts: { task: 'node task.ts' } }),
  );
  writeFileSync(
    path.join(root, 'pnpm-lock.yaml'),
    "lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n  excludeLinksFromLockfile: false\n\nimporters:\n\n  .: {}\n",
  );
  writeFileSync(
    path.join(root, 'task.ts'),
    'const version: string = process.version;\nconsole.log(`ts task on ${version}`);\n',
  );
  const toolsDir = path.join(root, '.toolchain', 'node_modules');
  mkdirSync(path.join(toolsDir, '.bin'), { recursive: true });
  for (const tool of tools) linkTree(path.join(realTools, tool), path.join(toolsDir, tool));
  for (const entry of readdirSync(path.join(realTools, '.bin'))) {
    const target = readlinkSync(path.join(realTools, '.bin', entry)); // ../pnpm/bin/pnpm.cjs
    if (tools.some((tool) => target.startsWith(`../${tool}/`))) symlinkSync(target, path.join(toolsDir, '.bin', entry));
  }
  return { root, tools: toolsDir };
}

/** The PATH orders of the issue: the old system Node first, or .toolchain's Node first with the old one after. */
function pathOrders(tools: string) {
  const system = [...new Set([path.dirname(oldNode ?? ''), '/usr/bin', '/bin'])].join(path.delimiter);
  return { 'system Node first': system, '.toolchain Node first': `${path.join(tools, NODE_PACKAGE, 'bin')}:${system}` };
}

function toolchainRun(root: string, PATH: string, registry: string): Promise<Run> {
  return run('node', ['scripts/toolchain.mjs', 'pnpm', '--silent', 'run', 'task'], {
    cwd: root,
    env: {
      PATH,
      HOME: process.env.HOME,
      npm_config_registry: registry,
      npm_config_cache: path.join(scratch, 'npm-cache'),
      npm_config_update_notifier: 'false',
      npm_config_fetch_retries: '0', // a wrongful fetch from the dead registry fails at once
    },
  });
}

/** The identity of an installed file: unchanged inode and mtime mean it was neither reinstalled nor removed. */
const identity = (file: string) => {
  const stat = statSync(file);
  return `${stat.ino}:${stat.mtimeMs}`;
};

// Child processes and files, the same on every dialect: runs once, in the SQLite project.
describe.runIf(testDialect === 'sqlite')('scripts/toolchain.mjs with either Node first on PATH', () => {
  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'shop-toolchain-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const ready = () => {
    if (!oldNode) return 'no Node older than 22.17 on this machine';
    if (!existsSync(path.join(realTools, NODE_PACKAGE, 'bin', 'node')) || !existsSync(path.join(realTools, 'pnpm')))
      return `.toolchain/ has no ${NODE_PACKAGE} and pnpm (run \`node scripts/toolchain.mjs true\` with an old Node once)`;
    return undefined;
  };

  it('runs a .ts task on Node 24 in both orders, alternating, without fetching or removing anything', async (context) => {
    const why = ready();
    if (why) return context.skip(why);
    const { root, tools } = scratchRepository('both-present', [NODE_PACKAGE, 'pnpm']);
    const nodeVersion = JSON.parse(readFileSync(path.join(tools, NODE_PACKAGE, 'package.json'), 'utf8')).version;
    const installed = [path.join(tools, NODE_PACKAGE, 'bin', 'node'), path.join(tools, 'pnpm', 'package.json')];
    const before = installed.map(identity);
    const orders = Object.entries(pathOrders(tools));
    for (const [order, PATH] of [...orders, ...orders]) {
      const result = await toolchainRun(root, PATH, DEAD_REGISTRY);
      expect(result.stderr, order).not.toMatch(/fetching|npm could not install|ERR_UNKNOWN_FILE_EXTENSION/);
      expect({ order, status: result.status, stdout: result.stdout.trim() }).toEqual({
        order,
        status: 0,
        stdout: `ts task on v${nodeVersion}`,
      });
      expect(installed.map(identity), order).toEqual(before);
    }
  });

  it('fetches a missing pnpm next to the Node already there, which both orders then use', async (context) => {
    const why = ready();
    if (why) return context.skip(why);
    const { root, tools } = scratchRepository('pnpm-missing', [NODE_PACKAGE]);
    const nodeBin = path.join(tools, NODE_PACKAGE, 'bin', 'node');
    const nodeBefore = identity(nodeBin);
    const registry = await pnpmRegistry();
    try {
      const orders = pathOrders(tools);
      const first = await toolchainRun(root, orders['.toolchain Node first'], registry.url);
      expect(first.stderr).toMatch(/\[toolchain\] fetching pnpm@\S+ from the npm registry into \.toolchain\//);
      expect(first.status, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/^ts task on v24\./);
      expect(identity(nodeBin)).toBe(nodeBefore);
      const second = await toolchainRun(root, orders['system Node first'], DEAD_REGISTRY);
      expect(second.stderr).not.toMatch(/fetching/);
      expect({ status: second.status, stdout: second.stdout.trim() }).toEqual({
        status: 0,
        stdout: first.stdout.trim(),
      });
      expect(identity(nodeBin)).toBe(nodeBefore);
      expect(registry.requests()).toContain('/pnpm');
    } finally {
      registry.server.close();
    }
  });

  it('ends by SIGINT after Ctrl-C once the command stopped cleanly, and passes a SIGTERM on', async (context) => {
    const why = ready();
    if (why) return context.skip(why);
    const { root, tools } = scratchRepository('signals', [NODE_PACKAGE, 'pnpm']);
    writeFileSync(
      path.join(root, 'stop.js'),
      // Stops cleanly on the first signal (one Ctrl-C may arrive twice: from the terminal and forwarded).
      `let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping on ' + signal);
    setTimeout(() => process.exit(0), 100);
  });
console.log('ready'); // only now: a signal before its handler would end it at once
setInterval(() => {}, 1000);
`,
    );
    const PATH = pathOrders(tools)['.toolchain Node first'];
    /** Sends `signal` to the toolchain's process group (as Ctrl-C in a terminal does) or to it alone. */
    const stopped = (signal: NodeJS.Signals, group: boolean) =>
      new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>((resolve) => {
        const child = spawn('node', ['scripts/toolchain.mjs', 'node', 'stop.js'], {
          cwd: root,
          env: { PATH, HOME: process.env.HOME },
          detached: true,
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        let stdout = '';
        child.stdout?.on('data', (chunk) => {
          stdout += String(chunk);
          if (stdout === 'ready\n') process.kill(group ? -(child.pid as number) : (child.pid as number), signal);
        });
        child.on('close', (code, exitSignal) => resolve({ code, signal: exitSignal, stdout }));
      });
    // Ctrl-C: the command stops cleanly (exit 0), the toolchain then dies of SIGINT: status 130 in a shell.
    expect(await stopped('SIGINT', true)).toEqual({
      code: null,
      signal: 'SIGINT',
      stdout: 'ready\nstopping on SIGINT\n',
    });
    // A SIGINT or SIGTERM sent to the toolchain alone reaches the command.
    expect(await stopped('SIGINT', false)).toEqual({
      code: null,
      signal: 'SIGINT',
      stdout: 'ready\nstopping on SIGINT\n',
    });
    expect(await stopped('SIGTERM', false)).toEqual({ code: 0, signal: null, stdout: 'ready\nstopping on SIGTERM\n' });
  });
});

/** An npm registry on 127.0.0.1 serving one package, pnpm, packed from this checkout's .toolchain/. */
async function pnpmRegistry(): Promise<{ url: string; server: Server; requests: () => string[] }> {
  const manifest = JSON.parse(readFileSync(path.join(realTools, 'pnpm', 'package.json'), 'utf8'));
  const packDir = path.join(scratch, 'pack');
  mkdirSync(packDir, { recursive: true });
  const packed = await run(
    'npm',
    ['pack', path.join(realTools, 'pnpm'), '--pack-destination', packDir, '--ignore-scripts', '--silent'],
    { env: { ...process.env, npm_config_registry: DEAD_REGISTRY, npm_config_cache: path.join(scratch, 'npm-cache') } },
  );
  expect(packed.status, packed.stderr).toBe(0);
  const tarball = readFileSync(path.join(packDir, packed.stdout.trim()));
  const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
  const seen: string[] = [];
  const server = createServer((request, response) => {
    seen.push(request.url ?? '');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (request.url === '/pnpm') {
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          name: 'pnpm',
          'dist-tags': { latest: manifest.version },
          versions: {
            [manifest.version]: { ...manifest, dist: { tarball: `${url}/pnpm/-/pnpm.tgz`, integrity } },
          },
        }),
      );
    } else if (request.url === '/pnpm/-/pnpm.tgz') response.end(tarball);
    else response.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, requests: () => seen };
}
