import type { Channel, RequestOf, ResponseOf } from '../../shared/contract';
import type { Tidemark } from '../app';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Where --password-stdin reads (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Asks for a password without echo (default: on the terminal). */
  prompt?: (question: string) => Promise<string>;
}

/** A failure whose message is for the DBA as is (exit code 1). */
export class CliFailure extends Error {}

export type CliValues = Record<string, string | boolean | string[] | undefined>;

/** One command group (`tidemark profiles …`, `tidemark sample …`). */
export interface CommandGroup {
  usage: string;
  run(app: Tidemark, args: string[], values: CliValues, io: CliIo): Promise<void>;
}

/** Calls the router exactly as the UI does, and turns an error envelope into a message. */
export async function call<C extends Channel>(
  app: Tidemark,
  channel: C,
  request: RequestOf<C>,
): Promise<ResponseOf<C>> {
  const result = await app.router.dispatch(channel, request, 'cli');
  if (result.ok) return result.value as ResponseOf<C>;
  const fields = Object.entries(result.error.fields ?? {})
    .filter(([, message]) => message !== result.error.message)
    .map(([field, message]) => `\n  ${field}: ${message}`)
    .join('');
  throw new CliFailure(result.error.message + fields);
}

export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

export async function profileByName(app: Tidemark, name: string) {
  const all = await call(app, 'profiles:list', {});
  const found = all.find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (!found) {
    const known = all.map((p) => p.name).join(', ') || 'none yet';
    throw new CliFailure(`No profile named "${name}". Known profiles: ${known}.`);
  }
  return found;
}
