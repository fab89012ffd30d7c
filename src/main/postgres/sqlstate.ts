/**
 * The SQLSTATE codes Tidemark acts on, and the one way to read them off an
 * error `pg` throws (https://www.postgresql.org/docs/current/errcodes-appendix.html).
 * Compare against these names, never against a literal code.
 */
export const SqlState = {
  /** 08001 sqlclient_unable_to_establish_sqlconnection */
  unableToConnect: '08001',
  /** 08003 connection_does_not_exist */
  connectionDoesNotExist: '08003',
  /** 08006 connection_failure */
  connectionFailure: '08006',
  /** 22003 numeric_value_out_of_range (an int8 past its largest value) */
  numericValueOutOfRange: '22003',
  /** 22007 invalid_datetime_format */
  invalidDatetimeFormat: '22007',
  /** 22008 datetime_field_overflow (a timestamp or date past year 294276 or 5874897) */
  datetimeFieldOverflow: '22008',
  /** 22P02 invalid_text_representation */
  invalidTextRepresentation: '22P02',
  /** 23503 foreign_key_violation */
  foreignKeyViolation: '23503',
  /** 23505 unique_violation */
  uniqueViolation: '23505',
  /** 28000 invalid_authorization_specification (pg_hba.conf refused, role missing) */
  invalidAuthorization: '28000',
  /** 28P01 invalid_password */
  invalidPassword: '28P01',
  /** 3D000 invalid_catalog_name (no such database) */
  invalidCatalogName: '3D000',
  /** 40001 serialization_failure */
  serializationFailure: '40001',
  /** 40P01 deadlock_detected */
  deadlockDetected: '40P01',
  /** 42501 insufficient_privilege */
  insufficientPrivilege: '42501',
  /** 42P01 undefined_table */
  undefinedTable: '42P01',
  /** 42P17 invalid_object_definition (e.g. a partition range that overlaps another) */
  invalidObjectDefinition: '42P17',
  /** 53300 too_many_connections */
  tooManyConnections: '53300',
  /** 55P03 lock_not_available: our lock_timeout ran out behind another session's lock */
  lockNotAvailable: '55P03',
  /** 57014 query_canceled (statement_timeout, or a cancel) */
  queryCanceled: '57014',
  /** 57P01 admin_shutdown (terminated, or the server is stopping) */
  adminShutdown: '57P01',
  /** 57P02 crash_shutdown */
  crashShutdown: '57P02',
  /** 57P03 cannot_connect_now (starting up, in recovery) */
  cannotConnectNow: '57P03',
} as const;

export type SqlStateCode = (typeof SqlState)[keyof typeof SqlState];

/** The SQLSTATE of a server error, if it is one (Node's own codes, such as ECONNRESET, are not). */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Whether the error is a server error with one of these SQLSTATEs. */
export function hasSqlState(error: unknown, ...codes: SqlStateCode[]): boolean {
  const state = sqlState(error);
  return state !== undefined && (codes as string[]).includes(state);
}

/** A lock that was not had: our lock_timeout ran out, or the server broke a deadlock by failing us. */
export function isLockBusy(error: unknown): boolean {
  return hasSqlState(error, SqlState.lockNotAvailable, SqlState.deadlockDetected);
}

/** The server ended the session or refuses new ones (terminated, shutting down, starting up). */
export function isServerShutdown(error: unknown): boolean {
  return hasSqlState(error, SqlState.adminShutdown, SqlState.crashShutdown, SqlState.cannotConnectNow);
}

/** A server error's text with its detail and hint, for the journal and the DBA. */
export function describePgError(error: unknown): string {
  const e = error as { message?: string; detail?: string; hint?: string } | null;
  const parts = [e?.message ?? String(error)];
  if (e?.detail) parts.push(`DETAIL: ${e.detail}`);
  if (e?.hint) parts.push(`HINT: ${e.hint}`);
  return parts.join('\n');
}
