import { describe, expect, it } from 'vitest';
import { describeConnectionFailure, type FailureContext } from './failure';

/**
 * The real-server tests (connection-test.test.ts) cover every failure the test
 * servers can produce. These cover the shapes they cannot: a server starting up,
 * an expired certificate, DNS trouble, Node's dual-stack AggregateError and
 * pg-pool's timeout wrapper.
 */

const ctx: FailureContext = {
  host: 'db1.example.com',
  port: 5432,
  database: 'sales',
  user: 'monitor',
  sslmode: 'prefer',
  connectTimeoutSec: 7,
};

const serverError = (code: string, message: string) =>
  Object.assign(new Error(message), { code, severity: 'FATAL' });
const nodeError = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('describeConnectionFailure', () => {
  it('a server starting up or shutting down → server_starting', () => {
    const f = describeConnectionFailure(serverError('57P03', 'the database system is starting up'), ctx);
    expect(f.reason).toBe('server_starting');
    expect(f.message).toMatch(/not accepting connections right now \(the database system is starting up\)/);
  });

  it('the server out of connection slots → too_many_connections', () => {
    const f = describeConnectionFailure(serverError('53300', 'sorry, too many clients already'), ctx);
    expect(f.reason).toBe('too_many_connections');
    expect(f.message).toMatch(/max_connections/);
  });

  it('an expired server certificate says so', () => {
    const f = describeConnectionFailure(nodeError('CERT_HAS_EXPIRED', 'certificate has expired'), ctx);
    expect(f).toMatchObject({
      reason: 'certificate_untrusted',
      message: expect.stringMatching(/has expired/),
    });
  });

  it('DNS: unknown name and no answer are both host_not_found, with different advice', () => {
    expect(describeConnectionFailure(nodeError('ENOTFOUND'), ctx)).toMatchObject({
      reason: 'host_not_found',
      message: expect.stringMatching(/Check its spelling/),
    });
    expect(describeConnectionFailure(nodeError('EAI_AGAIN'), ctx)).toMatchObject({
      reason: 'host_not_found',
      message: expect.stringMatching(/DNS did not answer/),
    });
  });

  it('looks inside the AggregateError Node throws for a host with several addresses', () => {
    const error = new AggregateError(
      [nodeError('ECONNREFUSED'), nodeError('ECONNREFUSED')],
      'connect failed',
    );
    expect(describeConnectionFailure(error, ctx).reason).toBe('refused');
  });

  it("pg-pool's connection timeout names the configured seconds", () => {
    const error = new Error('Connection terminated due to connection timeout', {
      cause: new Error('timeout expired'),
    });
    const f = describeConnectionFailure(error, ctx);
    expect(f).toMatchObject({ reason: 'timeout', message: expect.stringMatching(/within 7 s/) });
  });

  it('keeps the technical text for the details view', () => {
    const error = Object.assign(serverError('57P03', 'the database system is in recovery mode'), {
      detail: 'last completed transaction was at log time …',
    });
    expect(describeConnectionFailure(error, ctx).detail).toBe(
      '57P03: the database system is in recovery mode\nDETAIL: last completed transaction was at log time …',
    );
  });

  it('anything else is unknown, with the original message and where it happened', () => {
    const f = describeConnectionFailure(new Error('something odd'), ctx);
    expect(f).toEqual({
      reason: 'unknown',
      message: 'Could not connect to db1.example.com:5432: something odd',
      detail: 'something odd',
    });
  });
});
