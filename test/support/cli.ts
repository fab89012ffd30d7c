import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** What a script sees of one `tidemark` run. */
export interface CliRun {
  /** The exit code (null only if a signal ended the process). */
  code: number | null;
  stdout: string;
  /** Empty with mergeOutput: stderr then went into stdout. */
  stderr: string;
}

export interface SpawnCliOptions {
  /** Passed as --data-dir before the arguments (omit to pass your own, or none). */
  dataDir?: string;
  /** Written to the process's stdin, which is then closed. */
  input?: string;
  /** Added to the environment. */
  env?: Record<string, string>;
  /**
   * stderr sent into the stdout pipe, as `tidemark … 2>&1 | tee log` does: the
   * lines arrive in the order the process wrote them.
   */
  mergeOutput?: boolean;
  /** Sends `signal` to the process once its stdout matches `when` (a DBA pressing Ctrl-C at that line). */
  interrupt?: { when: RegExp; signal?: NodeJS.Signals };
}

// Both test runners start in the repository root.
const bin = resolve(process.cwd(), 'bin/tidemark.cjs');

/** Runs the real `tidemark` command (bin/tidemark.cjs under this Node) and collects what it printed. */
export function spawnCli(args: string[], options: SpawnCliOptions = {}): Promise<CliRun> {
  const argv = [bin, ...(options.dataDir ? ['--data-dir', options.dataDir] : []), ...args];
  // `exec` replaces the shell: the process observed is tidemark itself, with fd 2 on fd 1's pipe.
  const [command, commandArgs] = options.mergeOutput
    ? ['/bin/sh', ['-c', 'exec "$@" 2>&1', 'sh', process.execPath, ...argv]]
    : [process.execPath, argv];
  const child = spawn(command, commandArgs, {
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let interrupted = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    const { interrupt } = options;
    if (interrupt && !interrupted && interrupt.when.test(Buffer.concat(stdout).toString('utf8'))) {
      interrupted = true;
      child.kill(interrupt.signal ?? 'SIGINT');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.end(options.input ?? '');
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => {
      done({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

/** What an in-process `runCli` run printed: its exit code and its lines joined. */
export interface CliOutput {
  code: number;
  out: string;
  err: string;
}

/** `runCli` in this process with `--data-dir dataDir` first, its lines collected (fast; no spawn). */
export async function cliIn(dataDir: string, ...args: string[]): Promise<CliOutput> {
  // Loaded here so that spawn-only tests do not load the whole app.
  const { runCli } = await import('../../src/main/cli/cli');
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['--data-dir', dataDir, ...args], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** `runCli` in this process with what the DBA pipes in (--password-stdin) or types at the prompt (--ask-password). */
export async function cliWith(
  input: { stdin?: string; typed?: string },
  ...args: string[]
): Promise<CliOutput & { prompts: string[] }> {
  const { runCli } = await import('../../src/main/cli/cli');
  const { Readable } = await import('node:stream');
  const out: string[] = [];
  const err: string[] = [];
  const prompts: string[] = [];
  const code = await runCli(args, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    stdin: Readable.from(input.stdin === undefined ? [] : [Buffer.from(input.stdin)]),
    prompt: async (question) => {
      prompts.push(question);
      return input.typed ?? '';
    },
  });
  return { code, out: out.join('\n'), err: err.join('\n'), prompts };
}

/** `runCli` in this process with these arguments, nothing piped in and nothing typed. */
export function cli(...args: string[]): Promise<CliOutput & { prompts: string[] }> {
  return cliWith({}, ...args);
}
