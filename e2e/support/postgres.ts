import pg from 'pg';
import { type PostgresInfo, startPostgres } from '../../test/support/servers';

/**
 * A PostgreSQL 18 of a spec's own, for specs that stop the server they watch
 * (the shared one from the global setup must stay up for the other specs).
 */
export interface SpecPostgres {
  info: PostgresInfo;
  /** A superuser client on `database`, ended by stop(). */
  connect(database: string): Promise<pg.Client>;
  /** Stops the server (idempotent); the monitored profile then sees it go away. */
  stop(): Promise<void>;
  readonly stopped: boolean;
}

export async function startSpecPostgres(): Promise<SpecPostgres> {
  const server = await startPostgres({ ssl: false });
  const clients: pg.Client[] = [];
  let stopping: Promise<void> | null = null;
  return {
    info: server.info,
    async connect(database) {
      const client = new pg.Client({
        host: server.info.host,
        port: server.info.port,
        user: server.info.user,
        password: server.info.password,
        database,
      });
      // The server is stopped under this client on purpose: never crash the worker.
      client.on('error', () => {});
      await client.connect();
      clients.push(client);
      return client;
    },
    stop() {
      stopping ??= (async () => {
        await Promise.allSettled(clients.map((c) => c.end()));
        await server.stop();
      })();
      return stopping;
    },
    get stopped() {
      return stopping !== null;
    },
  };
}
