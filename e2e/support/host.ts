import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The built browser-mode entry (`npm run build` makes it). */
export const SERVE_JS = resolve(process.cwd(), 'out/main/serve.js');
export const RENDERER_HTML = resolve(process.cwd(), 'out/renderer/index.html');

export interface RunningHost {
  /** `http://127.0.0.1:PORT/?token=…`, as the host printed it. */
  url: string;
  dataDir: string;
  pid: number;
  /** Everything the process wrote so far (stdout + stderr), for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartHostOptions {
  dataDir: string;
  /** Extra environment (e.g. PGSERVICEFILE, PGPASSFILE, HOME for discovery tests). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

const URL_LINE = /Tidemark is running at (http:\/\/\S+)/;

export function assertBuilt(): void {
  if (!existsSync(SERVE_JS) || !existsSync(RENDERER_HTML)) {
    throw new Error(
      `The end-to-end tests drive the built app, and ${existsSync(SERVE_JS) ? RENDERER_HTML : SERVE_JS} is missing. Run \`npm run build\` first (\`npm test\` does).`,
    );
  }
}

/** A fresh, empty data directory; remove it with removeDataDir(). */
export async function makeDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'tidemark-e2e-'));
}

export async function removeDataDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Starts the real host (`node out/main/serve.js --data-dir DIR --port 0 --no-open`)
 * and resolves with the URL it prints.
 */
export async function startHost(options: StartHostOptions): Promise<RunningHost> {
  assertBuilt();
  const child: ChildProcess = spawn(
    process.execPath,
    [SERVE_JS, '--data-dir', options.dataDir, '--port', '0', '--no-open'],
    {
      cwd: process.cwd(),
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exit = new Promise<void>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolveExit();
    });
  });
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    output += chunk;
  });

  const timeoutMs = options.timeoutMs ?? 20_000;
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The Tidemark host printed no URL within ${timeoutMs} ms. Output:\n${output}`));
    }, timeoutMs);
    child.stdout?.on('data', (chunk: string) => {
      output += chunk;
      const match = URL_LINE.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(
        new Error(
          `The Tidemark host exited (${JSON.stringify(exited)}) before it was ready. Output:\n${output}`,
        ),
      );
    });
  });

  return {
    url,
    dataDir: options.dataDir,
    pid: child.pid!,
    output: () => output,
    async stop(graceMs = 5_000) {
      if (exited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(killer);
    },
  };
}
