#!/usr/bin/env node
// Fresh-machine entry point behind `npm start` / `npm test`: make sure a Node >= 22.17 and the pinned
// pnpm exist (fetched from the npm registry into .toolchain/ when the machine has none), install the
// workspace, then run the given command with that toolchain first on PATH.
// Written for any Node >= 18 so it runs on the old system Node it may have to replace.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOOLCHAIN = path.join(ROOT, '.toolchain');
const NODE_VERSION = '24.21.0'; // the LTS line named in .nvmrc; bump both together
const MIN_NODE = [22, 17];
const PNPM_VERSION = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).packageManager.split('@')[1];
const quiet = process.env.SHOP_TOOLCHAIN_QUIET === '1';

const say = (msg) => quiet || console.error(`[toolchain] ${msg}`);
const fail = (msg) => {
  console.error(`[toolchain] error: ${msg}`);
  process.exit(1);
};

function nodeIsRecentEnough(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

function probe(cmd, args, env) {
  try {
    return execFileSync(cmd, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** npm-installs pinned packages into .toolchain/ (idempotent: skipped when the versions already match). */
function installIntoToolchain(packages) {
  const stamp = path.join(TOOLCHAIN, 'installed.json');
  const wanted = JSON.stringify(packages);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  say(`fetching ${packages.join(' ')} from the npm registry into .toolchain/`);
  mkdirSync(TOOLCHAIN, { recursive: true });
  try {
    execFileSync('npm', ['install', '--prefix', TOOLCHAIN, '--no-save', '--no-audit', '--no-fund', ...packages], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } catch {
    fail(`npm could not install ${packages.join(' ')}; check access to the npm registry and retry`);
  }
  writeFileSync(stamp, wanted);
}

/** Returns the PATH entries to prepend so that `node` and `pnpm` resolve to suitable versions. */
function resolveToolchain() {
  const extra = [];
  const wanted = [];
  const nodePkg = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  const useOwnNode = !nodeIsRecentEnough(process.version);
  if (useOwnNode) wanted.push(`${nodePkg}@${NODE_VERSION}`);

  const systemPnpm = probe('pnpm', ['--version']);
  const useOwnPnpm = useOwnNode || systemPnpm?.split('.')[0] !== PNPM_VERSION.split('.')[0];
  if (useOwnPnpm) wanted.push(`pnpm@${PNPM_VERSION}`);

  if (wanted.length === 0) {
    say(`using system node ${process.version} and pnpm ${systemPnpm}`);
    return extra;
  }
  installIntoToolchain(wanted);
  if (useOwnNode) {
    const bin = path.join(TOOLCHAIN, 'node_modules', nodePkg, 'bin');
    if (!existsSync(bin)) fail(`${nodePkg} has no bin/ folder; this platform needs Node >= 22.17 installed by hand`);
    extra.push(bin);
  }
  extra.push(path.join(TOOLCHAIN, 'node_modules', '.bin'));
  say(
    `using ${useOwnNode ? `.toolchain node v${NODE_VERSION}` : `system node ${process.version}`} and ` +
      `${useOwnPnpm ? `.toolchain pnpm ${PNPM_VERSION}` : `system pnpm ${systemPnpm}`}`,
  );
  return extra;
}

/** `pnpm install` only when the lockfile (which pins every manifest's dependencies) or the Node version changed. */
function installWorkspace(env) {
  const manifests = ['pnpm-lock.yaml', 'pnpm-workspace.yaml'];
  const hash = createHash('sha256');
  for (const file of manifests) if (existsSync(path.join(ROOT, file))) hash.update(readFileSync(path.join(ROOT, file)));
  hash.update(probe('node', ['--version'], env) ?? '');
  const digest = hash.digest('hex');
  const stamp = path.join(ROOT, 'node_modules', '.shop-install-stamp');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  say('installing workspace dependencies (pnpm install --frozen-lockfile)');
  try {
    execFileSync('pnpm', ['install', '--frozen-lockfile', '--reporter=append-only'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch {
    fail('pnpm install failed (see above)');
  }
  writeFileSync(stamp, digest);
}

const command = process.argv.slice(2);
if (command.length === 0 || command[0] === '--help' || command[0] === '-h') {
  console.log(`usage: node scripts/toolchain.mjs <command> [args...]

Ensures Node >= ${MIN_NODE.join('.')} and pnpm ${PNPM_VERSION} (installing pinned copies into .toolchain/
from the npm registry when the system has none), runs \`pnpm install --frozen-lockfile\` when the
lockfile or the Node version changed, then runs <command> with that toolchain first on PATH.
Set SHOP_TOOLCHAIN_QUIET=1 to silence its progress lines.`);
  process.exit(command.length === 0 ? 1 : 0);
}

const started = Date.now();
const prepend = resolveToolchain();
const env = { ...process.env, PATH: [...prepend, process.env.PATH].join(path.delimiter) };
installWorkspace(env);
say(`toolchain ready in ${((Date.now() - started) / 1000).toFixed(1)}s; running: ${command.join(' ')}`);

const child = spawn(command[0], command.slice(1), { cwd: process.cwd(), env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 1)));
child.on('error', (err) => fail(`could not run ${command[0]}: ${err.message}`));
