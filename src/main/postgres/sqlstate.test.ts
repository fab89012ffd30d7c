import { describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { describePgError, hasSqlState, isLockBusy, isServerShutdown, SqlState, sqlState } from './sqlstate';

describe('SQLSTATE helper', () => {
  let db: TestDatabase;

  const serverError = async (sql: string): Promise<unknown> => {
    const client = await db.admin();
    try {
      await client.query(sql);
    } catch (error) {
      return error;
    }
    throw new Error(`${sql} did not fail`);
  };

  it('reads the code of an error the real server sends, and names it', async () => {
    db = await createTestDatabase('sqlstate');
    try {
      const missing = await serverError('SELECT * FROM no_such_table_here');
      expect(sqlState(missing)).toBe('42P01');
      expect(hasSqlState(missing, SqlState.undefinedTable)).toBe(true);
      expect(hasSqlState(missing, SqlState.lockNotAvailable, SqlState.queryCanceled)).toBe(false);

      const timeout = await serverError(`SET statement_timeout = '10ms'; SELECT pg_sleep(1)`);
      expect(hasSqlState(timeout, SqlState.queryCanceled)).toBe(true);

      const bad = await serverError(`SELECT 'not an interval'::interval`);
      expect(describePgError(bad)).toMatch(/invalid input syntax/);
    } finally {
      await db.cleanup();
    }
  });

  it('is not fooled by Node errors or odd values', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(sqlState(reset)).toBeUndefined();
    expect(sqlState(null)).toBeUndefined();
    expect(sqlState('55P03')).toBeUndefined();
    expect(sqlState({ code: 55 })).toBeUndefined();
    expect(isServerShutdown(reset)).toBe(false);
  });

  it('tells a busy lock and a server shutdown by their codes', () => {
    const withCode = (code: string) => Object.assign(new Error(code), { code });
    expect(isLockBusy(withCode('55P03'))).toBe(true);
    expect(isLockBusy(withCode('40P01'))).toBe(true);
    expect(isLockBusy(withCode('57014'))).toBe(false);
    expect(isServerShutdown(withCode('57P01'))).toBe(true);
    expect(isServerShutdown(withCode('08006'))).toBe(false);
    expect(describePgError(Object.assign(new Error('m'), { detail: 'd', hint: 'h' }))).toBe(
      'm\nDETAIL: d\nHINT: h',
    );
  });
});
