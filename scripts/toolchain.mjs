#!/usr/bin/env node
// Fresh-machine entry point behind every root script: make sure a Node >= 22.17 and the pinned pnpm exist
// (fetched from the npm registry into .toolchain/ when the machine has none), install the workspace, then run
// the given command with that toolchain first on PATH. Silent unless it has something to fetch or install.
// Written for any Node >= 18 so it runs on the old system Node it may have to replace.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync,
  existsSync,
  constants as fsConstants,
  mkdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOOLCHAIN = path.join(ROOT, '.toolchain');
const NODE_VERSION = '24.21.0'; // the LTS line named in .nvmrc; bump both together
const MIN_NODE = [22, 17];
const PNPM_VERSION = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).packageManager.split('@')[1];
const NODE_PACKAGE = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
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

/** The version of a package installed in .toolchain/, if any. */
function toolchainVersion(name) {
  try {
    return JSON.parse(readFileSync(path.join(TOOLCHAIN, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/**
 * Installs the missing tools into .toolchain/. Its package.json names every tool already there as well as the
 * new ones: `npm install --prefix` removes whatever its manifest does not name, so fetching pnpm with a list of
 * one would delete the Node that another PATH order runs on.
 */
function installIntoToolchain(missing) {
  const dependencies = {};
  for (const name of [NODE_PACKAGE, 'pnpm']) {
    const present = toolchainVersion(name);
    if (present) dependencies[name] = present;
  }
  for (const [name, version] of missing) dependencies[name] = version;
  const specs = missing.map(([name, version]) => `${name}@${version}`).join(' ');
  say(`fetching ${specs} from the npm registry into .toolchain/ (once)`);
  mkdirSync(TOOLCHAIN, { recursive: true });
  writeFileSync(
    path.join(TOOLCHAIN, 'package.json'),
    `${JSON.stringify({ private: true, description: 'written by scripts/toolchain.mjs', dependencies }, null, 2)}\n`,
  );
  try {
    execFileSync('npm', ['install', '--prefix', TOOLCHAIN, '--no-audit', '--no-fund', '--loglevel=error'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } catch {
    fail(`npm could not install ${specs}; check access to the npm registry and retry`);
  }
}

/** The first `node` on `searchPath`, resolved through symlinks, or undefined. */
function firstNode(searchPath) {
  for (const dir of searchPath.split(path.delimiter)) {
    const candidate = path.join(dir || '.', process.platform === 'win32' ? 'node.exe' : 'node');
    try {
      accessSync(candidate, fsConstants.X_OK);
      return realpathSync(candidate);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * The PATH entries to prepend so that `node` and `pnpm` resolve to suitable versions, and whether anything
 * was fetched. The Node running this script is used when it is recent enough (whichever Node comes first on
 * PATH: the system's or .toolchain's own), else .toolchain's; pnpm is .toolchain's when there, else a
 * system pnpm of the same major version, else fetched. Tools already in .toolchain/ are never fetched again.
 */
function resolveToolchain() {
  const ownNodeBin = path.join(TOOLCHAIN, 'node_modules', NODE_PACKAGE, 'bin');
  const ownBin = path.join(TOOLCHAIN, 'node_modules', '.bin');
  const useOwnNode = !nodeIsRecentEnough(process.version);
  const missing = [];
  if (useOwnNode && toolchainVersion(NODE_PACKAGE) !== NODE_VERSION) missing.push([NODE_PACKAGE, NODE_VERSION]);
  let systemPnpm;
  if (toolchainVersion('pnpm') !== PNPM_VERSION) {
    systemPnpm = useOwnNode ? undefined : probe('pnpm', ['--version']);
    if (systemPnpm?.split('.')[0] !== PNPM_VERSION.split('.')[0]) {
      systemPnpm = undefined;
      missing.push(['pnpm', PNPM_VERSION]);
    }
  }
  if (missing.length > 0) installIntoToolchain(missing);

  // .toolchain's .bin holds a `node` link too (when its Node is installed): the chosen Node goes before it.
  const pnpmDirs = systemPnpm ? [] : [ownBin];
  const prepend = [];
  if (useOwnNode) {
    if (!existsSync(ownNodeBin))
      fail(`${NODE_PACKAGE} has no bin/ folder; this platform needs Node >= ${MIN_NODE.join('.')} installed by hand`);
    prepend.push(ownNodeBin);
  } else if (firstNode([...pnpmDirs, process.env.PATH ?? ''].join(path.delimiter)) !== realpathSync(process.execPath)) {
    // The command runs on the Node that runs this script, not on an older one found first on PATH.
    prepend.push(path.dirname(process.execPath));
  }
  prepend.push(...pnpmDirs);
  const node = useOwnNode ? `.toolchain node v${NODE_VERSION}` : `node ${process.version}`;
  const pnpm = systemPnpm ? `system pnpm ${systemPnpm}` : `.toolchain pnpm ${PNPM_VERSION}`;
  return { prepend, fetched: missing.length > 0, using: `${node} and ${pnpm}` };
}

/** `pnpm install` only when the lockfile (which pins every manifest's dependencies) or the Node version changed. */
function installWorkspace(env) {
  const manifests = ['pnpm-lock.yaml', 'pnpm-workspace.yaml'];
  const hash = createHash('sha256');
  for (const file of manifests) if (existsSync(path.join(ROOT, file))) hash.update(readFileSync(path.join(ROOT, file)));
  hash.update(probe('node', ['--version'], env) ?? '');
  const digest = hash.digest('hex');
  const stamp = path.join(ROOT, 'node_modules', '.shop-install-stamp');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return false;
  say('installing workspace dependencies (pnpm install --frozen-lockfile)');
  try {
    execFileSync('pnpm', ['install', '--frozen-lockfile', '--reporter=append-only'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 2, 2], // its report goes to stderr: the command's stdout may be data (db:export)
    });
  } catch {
    fail('pnpm install failed (see above)');
  }
  mkdirSync(path.dirname(stamp), { recursive: true });
  writeFileSync(stamp, digest);
  return true;
}

/**
 * Runs the command and ends as it ended. Ctrl-C reaches the command from the terminal, and this process
 * forwards a signal sent to it alone (once: npm forwards the terminal's too). After Ctrl-C this process dies
 * of SIGINT even when the command stopped cleanly, so `npm start` ends with status 130 ("interrupted") on
 * every script shell and `npm start && next` does not go on to `next`.
 */
function run(command, env) {
  const child = spawn(command[0], command.slice(1), { cwd: process.cwd(), env, stdio: 'inherit' });
  const received = new Set();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (received.has(signal)) return;
      received.add(signal);
      child.kill(signal);
    });
  }
  const dieOf = (signal) => {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 1)), 500); // where a signal cannot end it
  };
  child.on('exit', (code, signal) => {
    if (signal) dieOf(signal);
    else if (code === 0 && received.has('SIGINT')) dieOf('SIGINT');
    else process.exit(code ?? 1);
  });
  child.on('error', (err) => fail(`could not run ${command[0]}: ${err.message}`));
}

const command = process.argv.slice(2);
if (command.length === 0 || command[0] === '--help' || command[0] === '-h') {
  console.log(`usage: node scripts/toolchain.mjs <command> [args...]

Ensures Node >= ${MIN_NODE.join('.')} and pnpm ${PNPM_VERSION}, then runs <command> with them first on PATH.
The Node that runs this script is used when it is recent enough, else ${NODE_PACKAGE}@${NODE_VERSION} from
.toolchain/; pnpm is .toolchain/'s, else a system pnpm ${PNPM_VERSION.split('.')[0]}.x. What is missing is fetched from
the npm registry into .toolchain/ once; installing one tool there never removes another, so any PATH order
works. Runs \`pnpm install --frozen-lockfile\` when the lockfile or the Node version changed. Prints nothing
unless it fetches or installs (SHOP_TOOLCHAIN_QUIET=1: not even then). Exits as <command> exits; after
Ctrl-C it ends by SIGINT (status 130) once <command> has stopped.`);
  process.exit(command.length === 0 ? 1 : 0);
}

const started = Date.now();
const { prepend, fetched, using } = resolveToolchain();
const env = { ...process.env, PATH: [...prepend, process.env.PATH].join(path.delimiter) };
const installed = installWorkspace(env);
if (fetched || installed) say(`using ${using}; ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
run(command, env);
