import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { TestDatabase } from './database';

const run = promisify(execFile);

/** Debian's psql (postgresql-client); undefined where it is not installed, for describe.skipIf. */
export const psql = ['/usr/bin/psql', '/usr/local/bin/psql'].find((p) => existsSync(p));

/**
 * Runs a script file with real psql against the test database, as a DBA would
 * (`psql -X -q -f`, as the superuser), and returns the exit code and all output.
 * `stopOnError` adds `-v ON_ERROR_STOP=1`; exported scripts also set it themselves.
 */
export async function runPsqlFile(
  db: TestDatabase,
  file: string,
  { stopOnError = true }: { stopOnError?: boolean } = {},
): Promise<{ code: number; out: string }> {
  if (!psql) throw new Error('psql is not installed (Debian: apt-get install postgresql-client).');
  const args = ['-X', '-q', ...(stopOnError ? ['-v', 'ON_ERROR_STOP=1'] : [])];
  args.push(
    '-h',
    db.server.host,
    '-p',
    String(db.server.port),
    '-U',
    db.server.user,
    '-d',
    db.name,
    '-f',
    file,
  );
  try {
    const { stdout, stderr } = await run(psql, args, {
      env: { ...process.env, PGPASSWORD: db.password, PGSSLMODE: 'disable' },
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
