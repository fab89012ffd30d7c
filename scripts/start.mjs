#!/usr/bin/env node
// `npm start`: the desktop app when Electron can run on this machine, browser mode when it cannot.
//
//   node scripts/start.mjs [--data-dir DIR] [--port N] [--no-open] [--browser]
//
// --browser skips Electron; --port only matters in browser mode.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/** Electron printing an error and quitting within this long counts as "cannot start here". */
const EARLY_EXIT_MS = 10_000;
const DOWNLOAD_TIME_LIMIT_MS = 5 * 60_000;

const { values: options } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    'no-open': { type: 'boolean', default: false },
    browser: { type: 'boolean', default: false },
  },
});

const say = (line) => console.log(`[tidemark] ${line}`);

function build() {
  say('Building Tidemark (electron-vite build)...');
  const cli = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const run = spawnSync(process.execPath, [cli, 'build'], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error('[tidemark] The build failed (see above); nothing was started.');
    process.exit(run.status ?? 1);
  }
}

function electronPackage() {
  return JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8'));
}

/** The Electron executable if it is installed, else null (electron's index.js throws when path.txt is missing). */
function findElectron() {
  try {
    delete require.cache[require.resolve('electron')];
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** Runs electron's own installer (it downloads from GitHub, not from the npm registry). Returns why it failed, or null. */
function downloadElectron() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    return 'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so the Electron binary is not downloaded';
  }
  const dir = dirname(require.resolve('electron/package.json'));
  say(
    `The Electron binary is not installed; downloading Electron ${electronPackage().version} (about 100 MB)...`,
  );
  const run = spawnSync(process.execPath, [join(dir, 'install.js')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: DOWNLOAD_TIME_LIMIT_MS,
    killSignal: 'SIGKILL',
  });
  if (run.error?.code === 'ETIMEDOUT')
    return `the download did not finish within ${DOWNLOAD_TIME_LIMIT_MS / 60_000} minutes`;
  if (run.status !== 0) {
    const why = firstErrorLine(run.stderr || run.stdout) ?? `exit code ${run.status}`;
    const offline = /fetch failed|ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN/i.test(
      run.stderr ?? '',
    );
    return offline
      ? `its download server (github.com) could not be reached (${why})`
      : `the download failed: ${why}`;
  }
  return findElectron() ? null : 'the download finished but no executable appeared';
}

function firstErrorLine(text) {
  return (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /error|failed|denied|not found/i.test(l) && !l.startsWith('at '));
}

/** The line of node-gyp's output that says why, rather than its stack trace. */
function gypFailure(output) {
  if (
    /headers/.test(output) &&
    /network|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|fetch failed/i.test(output)
  ) {
    return "Electron's C++ headers could not be downloaded from electronjs.org (no network access?)";
  }
  const lines = output.split('\n').map((l) => l.trim());
  const compiler = lines.find((l) => /\berror\b:/.test(l) && !l.startsWith('gyp'));
  const stack = lines
    .filter((l) => l.startsWith('gyp ERR! stack') && !/^gyp ERR! stack\s+at /.test(l))
    .map((l) => l.replace(/^gyp ERR! stack\s*/, ''))
    .join(' ');
  return compiler ?? (stack || lastLines(output));
}

function lastLines(text, n = 4) {
  return text.trim().split('\n').slice(-n).join('\n  ');
}

/** Where node-gyp is: npm tells its scripts, else the copy bundled with npm beside this node. */
function nodeGyp() {
  const bundled = ['node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'];
  const candidates = [
    process.env.npm_config_node_gyp,
    // Windows keeps npm beside node.exe.
    join(dirname(process.execPath), ...bundled),
    join(dirname(process.execPath), '..', 'lib', ...bundled),
  ];
  return candidates.find((c) => c && existsSync(c)) ?? null;
}

/**
 * better-sqlite3 built for Electron's ABI, in its own folder: the copy in
 * node_modules/better-sqlite3 stays a Node build, which the tests load.
 * Built once per better-sqlite3 × Electron version. Returns { binding } or { error }.
 */
function sqliteForElectron(electronVersion) {
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  const sqliteVersion = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')).version;
  const name = `better-sqlite3-${sqliteVersion}-electron-${electronVersion}-${process.platform}-${process.arch}`;
  const target = join(root, 'node_modules', '.tidemark-electron', name);
  const binding = join(target, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(binding)) return { binding };

  const gyp = nodeGyp();
  if (!gyp)
    return { error: 'node-gyp (bundled with npm) was not found to build better-sqlite3 for Electron' };
  say(`Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (once; about a minute)...`);
  const work = `${target}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(dirname(work), { recursive: true });
  cpSync(source, work, {
    recursive: true,
    filter: (path) => relative(source, path).split(/[\\/]/)[0] !== 'build',
  });
  // npm exports npm_config_nodedir (set on some machines) to scripts; it would point node-gyp at Node's headers.
  const env = { ...process.env };
  for (const key of Object.keys(env))
    if (/^npm_config_(nodedir|target|disturl|runtime|arch)$/i.test(key)) delete env[key];
  const run = spawnSync(
    process.execPath,
    [
      gyp,
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      `--arch=${process.arch}`,
      '--dist-url=https://electronjs.org/headers',
      '--runtime=electron',
      // Electron's headers cached apart from Node's.
      `--devdir=${join(homedir(), '.electron-gyp')}`,
    ],
    { cwd: work, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (run.status !== 0 || !existsSync(join(work, 'build', 'Release', 'better_sqlite3.node'))) {
    rmSync(work, { recursive: true, force: true });
    const why =
      gypFailure(`${run.stderr ?? ''}${run.stdout ?? ''}`) || String(run.error ?? 'node-gyp failed');
    return { error: `better-sqlite3 could not be built for Electron ${electronVersion}: ${why}` };
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(work, target);
  return { binding };
}

/** Starts Electron; resolves to null if it keeps running, or to why it could not start. */
function runElectron(electron, binding) {
  const args = [root];
  if (options['data-dir']) args.push(`--data-dir=${resolve(options['data-dir'])}`);
  const env = { ...process.env, TIDEMARK_SQLITE_BINDING: binding };
  delete env.ELECTRON_RUN_AS_NODE;
  // `npm start` shows the built renderer; a dev-server address left in the environment must not replace it.
  delete env.ELECTRON_RENDERER_URL;
  say(`Starting Electron ${electronPackage().version}...`);
  const child = spawn(electron, args, { cwd: root, env, stdio: ['inherit', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    if (stderr.length < 20_000) stderr += chunk;
  });
  forwardSignals(child);
  const started = Date.now();
  return new Promise((resolvePromise) => {
    child.on('error', (err) => resolvePromise(`Electron could not be run: ${err.message}`));
    child.on('exit', (code, signal) => {
      const early = Date.now() - started < EARLY_EXIT_MS;
      if (early && (code !== 0 || signal)) {
        resolvePromise(
          `Electron quit at once (${signal ?? `exit code ${code}`}); it said:\n  ${lastLines(stderr) || '(nothing)'}`,
        );
        return;
      }
      process.exit(code ?? 1);
    });
  });
}

function forwardSignals(child) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null) child.kill(signal);
    });
  }
}

function runBrowserMode(reason, hint) {
  if (reason) {
    console.log('');
    say('The desktop window cannot be opened on this machine:');
    say(`  ${reason.split('\n').join('\n[tidemark]   ')}`);
    if (hint) say(hint);
    say('Starting Tidemark in browser mode instead: the same app, served to your browser from 127.0.0.1.');
    console.log('');
  }
  const args = [join(root, 'out', 'main', 'serve.js')];
  if (options['data-dir']) args.push('--data-dir', resolve(options['data-dir']));
  if (options.port) args.push('--port', options.port);
  if (options['no-open']) args.push('--no-open');
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
  forwardSignals(child);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function main() {
  build();
  if (options.browser) return runBrowserMode(null);

  let electron = findElectron();
  if (!electron) {
    const failure = downloadElectron();
    if (failure) {
      return runBrowserMode(
        `The Electron binary is not installed and ${failure}.`,
        'To get the desktop window later, run `node node_modules/electron/install.js` (with ELECTRON_SKIP_BINARY_DOWNLOAD unset) where github.com ' +
          '(or an ELECTRON_MIRROR) can be reached, then `npm start` again.',
      );
    }
    electron = findElectron();
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return runBrowserMode('There is no graphical display (neither DISPLAY nor WAYLAND_DISPLAY is set).');
  }
  const sqlite = sqliteForElectron(electronPackage().version);
  if (sqlite.error) return runBrowserMode(sqlite.error);
  const failure = await runElectron(electron, sqlite.binding);
  if (failure) runBrowserMode(failure);
}

await main();
