import { TLSSocket } from 'node:tls';
import pg from 'pg';

/**
 * pg answers a server's request for a cleartext password (pg_hba.conf method
 * "password") by sending it, whoever the server is. Over a connection whose
 * server was not verified, that hands the password to anyone in the path or
 * posing as the host. This client refuses instead, unless the TLS link was
 * verified (chain, with verify-ca or verify-full); libpq offers the same
 * refusal as require_auth=!password.
 */

/** The connect error when the password was not sent. */
export class CleartextRefusedError extends Error {
  readonly code = 'TIDEMARK_CLEARTEXT_REFUSED';
  constructor() {
    super('The server asked for the password in clear text over a connection whose server is not verified.');
    this.name = 'CleartextRefusedError';
  }
}

/** The parts of pg.Client this relies on (stable since pg 8, not in its types). */
interface ClientInternals {
  ssl: false | { rejectUnauthorized?: boolean };
  connection: { stream: unknown; emit(event: 'error', error: Error): boolean };
  _handleAuthCleartextPassword(message: unknown): void;
}

const internals = (client: pg.Client) => client as unknown as ClientInternals;

/** True when this link is TLS and the server's certificate chain was checked (verify-ca / verify-full). */
function verifiedLink(client: pg.Client): boolean {
  const { ssl, connection } = internals(client);
  const stream = connection.stream;
  return stream instanceof TLSSocket && stream.authorized && ssl !== false && ssl.rejectUnauthorized === true;
}

export class CleartextGuardedClient extends pg.Client {
  _handleAuthCleartextPassword(message: unknown): void {
    if (verifiedLink(this)) {
      (pg.Client.prototype as unknown as ClientInternals)._handleAuthCleartextPassword.call(this, message);
      return;
    }
    // The password is never handed to the connection; the connect fails with this error.
    internals(this).connection.emit('error', new CleartextRefusedError());
  }
}

/** The client class for a profile: guarded unless the DBA allowed cleartext passwords. */
export function clientClassFor(allowCleartextPassword: boolean | undefined): typeof pg.Client {
  return allowCleartextPassword ? pg.Client : CleartextGuardedClient;
}
