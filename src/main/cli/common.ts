import type { Channel, RequestOf, ResponseOf } from '../../shared/contract';
import type { ErrorCode } from '../../shared/result';
import type { Tidemark } from '../app';
import { jsonText, terminalBlock, terminalSafe } from './output';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Where --password-stdin reads (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Asks for a password without echo (default: on the terminal). */
  prompt?: (question: string) => Promise<string>;
  /** stdout is a terminal, where a file's format (a psql script) is shown, not handed on. */
  readonly stdoutIsTerminal?: boolean;
}

/**
 * What a script reads when a command fails: the router's error codes, `usage`
 * for a command line that cannot be run as typed, and the CLI's own verdicts.
 */
export type CliErrorCode =
  | ErrorCode
  | 'usage'
  | 'preflight_blocked'
  | 'validation_failed'
  | 'migration_failed'
  /** Ctrl-C: the work stopped at a safe point and can be resumed. */
  | 'interrupted';

/** A failure whose message is for the DBA as is: exit code 2 for `usage`, else 1. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly code: CliErrorCode,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }

  get exitCode(): 1 | 2 {
    return this.code === 'usage' ? 2 : 1;
  }
}

/** The command line itself is wrong: an unknown command, a missing argument, a flag value it cannot take. */
export class UsageError extends CliFailure {
  /** `help`: the usage lines printed after the message (not in --json). */
  constructor(
    message: string,
    readonly help?: string,
  ) {
    super(message, 'usage');
  }
}

/**
 * The failure as the DBA should read it: its fields keyed by the flags they
 * typed ("uri" → "--url") where `flagOf` knows one, its message through `text`.
 */
export function inFlagTerms(
  err: unknown,
  flagOf: (field: string) => string | null,
  text: (message: string) => string = (message) => message,
): unknown {
  if (!(err instanceof CliFailure) || err instanceof UsageError) return err;
  const fields =
    err.fields &&
    Object.fromEntries(Object.entries(err.fields).map(([field, why]) => [flagOf(field) ?? field, why]));
  return new CliFailure(text(err.message), err.code, fields);
}

export type CliValues = Record<string, string | boolean | string[] | undefined>;

/** One command group (`tidemark profiles …`, `tidemark sample …`). */
export interface CommandGroup {
  usage: string;
  run(app: Tidemark, args: string[], values: CliValues, io: CliIo): Promise<void>;
}

/**
 * A command's result: one JSON document with `--json`, its text lines without.
 * Every command prints through here, so `--json` means the same everywhere,
 * and every text line goes through the terminal writer (terminalSafe): the
 * lines carry names, query texts and messages from the servers.
 */
export function print<T>(
  io: CliIo,
  values: CliValues,
  value: T,
  lines: (value: T) => Iterable<string>,
): void {
  if (values.json) {
    io.out(jsonText(value, 2));
    return;
  }
  for (const line of lines(value)) io.out(terminalSafe(line));
}

/**
 * A result in a format with its own writer (CSV, a psql script): written as
 * that writer made it, for a file or another program, not escaped again;
 * except on a terminal, where a name inside it (a quoted identifier holds any
 * character) goes through the terminal writer like every other line.
 */
export function printFormatted<T>(
  io: CliIo,
  values: CliValues,
  value: T,
  text: (value: T) => Iterable<string>,
): void {
  if (values.json) {
    io.out(jsonText(value, 2));
    return;
  }
  for (const line of text(value)) io.out(io.stdoutIsTerminal ? terminalBlock(line) : line);
}

/** Calls the router exactly as the UI does, and turns an error envelope into a failure. */
export async function call<C extends Channel>(
  app: Tidemark,
  channel: C,
  request: RequestOf<C>,
): Promise<ResponseOf<C>> {
  const result = await app.router.dispatch(channel, request, 'cli');
  if (result.ok) return result.value as ResponseOf<C>;
  throw new CliFailure(result.error.message, result.error.code, result.error.fields);
}

/** An id typed on the command line (alert, webhook); `needs` says which and where to find it. */
export function idArgument(text: string | undefined, needs: string): number {
  const id = Number(text);
  if (!text || !Number.isInteger(id) || id <= 0) throw new UsageError(needs);
  return id;
}

/** Aligned columns, measured as the terminal writer will show each cell (a name's escapes are wider). */
export function table(rows: string[][]): string[] {
  const shown = (cell: string) => terminalSafe(cell).length;
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => shown(r[i]!))));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]! - (shown(cell) - cell.length)))
      .join('  ')
      .trimEnd(),
  );
}

/** A profile by name, live or archived (an archived one's history reads; anything that connects refuses it). */
export async function profileByName(app: Tidemark, name: string) {
  const all = await call(app, 'profiles:list', {});
  const archived = await call(app, 'profiles:listArchived', {});
  const found = [...all, ...archived].find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (!found) {
    const known = all.map((p) => p.name).join(', ') || 'none yet';
    throw new CliFailure(`No profile named "${name}". Known profiles: ${known}.`, 'not_found');
  }
  return found;
}
