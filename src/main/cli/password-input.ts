import { createInterface } from 'node:readline';
import { CliFailure, type CliIo, type CliValues, UsageError } from './common';

/**
 * Passwords for the command line without putting them in argv (visible in
 * `ps`) or the shell history: piped with --password-stdin, or typed at a
 * prompt that does not echo with --ask-password.
 */

export const passwordOptions = {
  'password-stdin': { type: 'boolean' },
  'ask-password': { type: 'boolean' },
} as const;

export const passwordUsage = `  A password can be piped with --password-stdin (printf '%s' "$PW" | tidemark ...) or typed
  at a prompt with --ask-password; one written in --url is visible to other processes and kept in history.`;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks on the terminal without echoing what is typed. */
export async function promptOnTerminal(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new UsageError('--ask-password needs a terminal. Pipe the password with --password-stdin instead.');
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  process.stderr.write(question);
  // Nothing typed is written back to the terminal.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  try {
    return await new Promise<string>((answer) => rl.question('', answer));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

/** The password the DBA gave through --password-stdin or --ask-password, if any. */
export async function passwordFromInput(
  values: CliValues,
  io: CliIo,
  question: string,
): Promise<string | undefined> {
  if (values['password-stdin'] && values['ask-password']) {
    throw new UsageError('Use --password-stdin or --ask-password, not both.');
  }
  let password: string | undefined;
  if (values['password-stdin']) {
    // One trailing line break is what `echo` adds; anything else is part of the password.
    password = (await readAll(io.stdin ?? process.stdin)).replace(/\r?\n$/, '');
  } else if (values['ask-password']) {
    password = await (io.prompt ?? promptOnTerminal)(question);
  } else {
    return undefined;
  }
  if (password === '') throw new CliFailure('The password is empty: nothing was read.', 'invalid_input');
  return password;
}
