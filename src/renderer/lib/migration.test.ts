import { describe, expect, it } from 'vitest';
import { type MigrationSettings, migrationSettingsSchema } from '../../shared/migration';
import {
  currentStep,
  formatWait,
  formFromSettings,
  joinStatements,
  parseSize,
  plainFix,
  policyRows,
  preflightInput,
  serverVersionLabel,
  settingsFieldOf,
  settingsInput,
} from './migration';
import { blockerStatements, groupAttempts, transactionAge } from './swap-attempts';

const defaults: MigrationSettings = {
  interval: '1 day',
  compressAfter: '7 days',
  segmentBy: ['account_id'],
  orderBy: [{ column: 'executed_at', direction: 'desc' }],
  retention: null,
  partitionsAhead: 7,
  keepOldDays: 7,
  batchRows: 50_000,
  batchSeconds: 1,
  syncMode: 'capture',
  acceptCompositeKey: false,
  dropUnsupportedForeignKeys: false,
  confirmedFreeBytes: null,
  swap: { lockTimeoutMs: 2_000, attempts: 10, backoffMs: 1_000, mode: 'auto' },
};

describe('the settings form', () => {
  it('starts from the engine’s settings, waiting for the DBA to confirm the swap', () => {
    const form = formFromSettings(defaults);
    expect(form.interval).toBe('1 day');
    expect(form.compress).toBe(true);
    expect(form.retain).toBe(false);
    expect(form.freeSpace).toBe('');
    expect(form.swapMode).toBe('confirm');
    const back = settingsInput(form, 'timescaledb');
    expect(back.ok && back.input).toMatchObject({
      interval: '1 day',
      compressAfter: '7 days',
      segmentBy: ['account_id'],
      retention: null,
      confirmedFreeBytes: null,
      swap: { lockTimeoutMs: 2_000, attempts: 10, mode: 'confirm' },
    });
  });

  it('sends no compression or segment-by for native partitions', () => {
    const result = settingsInput(formFromSettings(defaults), 'partitions');
    expect(result.ok && result.input.compressAfter).toBeNull();
    expect(result.ok && result.input.segmentBy).toEqual([]);
  });

  it('hands a native-partitions table to pg_partman only when asked, and never a hypertable', () => {
    const asked = { ...formFromSettings(defaults), partman: true };
    const partitions = settingsInput(asked, 'partitions');
    expect(partitions.ok && partitions.input.partitionUpkeep).toBe('pg_partman');
    const hypertable = settingsInput(asked, 'timescaledb');
    expect(hypertable.ok && 'partitionUpkeep' in hypertable.input).toBe(false);
    const plain = settingsInput(formFromSettings(defaults), 'partitions');
    expect(plain.ok && 'partitionUpkeep' in plain.input).toBe(false);
    expect(formFromSettings({ ...defaults, partitionUpkeep: 'pg_partman' }).partman).toBe(true);
  });

  it('explains numbers out of range next to their field, and keeps intervals for PostgreSQL to judge', () => {
    const form = {
      ...formFromSettings(defaults),
      keepOldDays: '0',
      batchRows: 'lots',
      freeSpace: '-3',
      interval: 'whenever',
    };
    const result = settingsInput(form, 'partitions');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['batchRows', 'confirmedFreeBytes', 'keepOldDays']);
  });

  it('checks the numbers against the contract: its ranges, its messages', () => {
    const shape = migrationSettingsSchema.shape;
    const numbers = {
      partitionsAhead: shape.partitionsAhead,
      keepOldDays: shape.keepOldDays,
      batchRows: shape.batchRows,
      lockTimeoutMs: shape.swap.shape.lockTimeoutMs,
      attempts: shape.swap.shape.attempts,
    } as const;
    for (const [field, schema] of Object.entries(numbers) as [
      keyof typeof numbers,
      (typeof numbers)[keyof typeof numbers],
    ][]) {
      const { minValue: min, maxValue: max } = schema;
      expect(min, field).not.toBeNull();
      const message = schema.safeParse(max! + 1).error?.issues[0]?.message;
      const typed = (text: string) =>
        settingsInput({ ...formFromSettings(defaults), [field]: text }, 'partitions');
      expect(typed(String(min)).ok, `${field} ${min}`).toBe(true);
      expect(typed(max!.toLocaleString('en-US')).ok, `${field} ${max}`).toBe(true);
      for (const wrong of [String(min! - 1), String(max! + 1), '1.5', 'lots']) {
        const result = typed(wrong);
        expect(result.ok ? null : result.errors[field], `${field} ${wrong}`).toBe(message);
      }
    }
  });

  it('reads the seconds per copy batch as a decimal, with a point or a comma, in the contract’s range', () => {
    expect(formFromSettings(defaults).batchSeconds).toBe('1');
    // A plan made before the setting copies every batch at batchRows: 0, as the engine reads it.
    const { batchSeconds: _absent, ...older } = defaults;
    expect(formFromSettings(older).batchSeconds).toBe('0');
    const typed = (text: string) =>
      settingsInput({ ...formFromSettings(defaults), batchSeconds: text }, 'partitions');
    for (const [text, seconds] of [
      ['1', 1],
      ['0.5', 0.5],
      ['0,5', 0.5],
      [' 2.25 ', 2.25],
      ['0', 0],
      ['10', 10],
    ] as const) {
      const result = typed(text);
      expect(result.ok && result.input.batchSeconds, text).toBe(seconds);
    }
    const message = migrationSettingsSchema.shape.batchSeconds.safeParse(11).error?.issues[0]?.message;
    expect(message).toMatch(/^Seconds from 0 to 10\b/);
    for (const wrong of ['abc', '11', '10.5', '-1', '1,2,3', '1.', '', '1,000']) {
      const result = typed(wrong);
      expect(result.ok ? null : result.errors, wrong).toEqual({ batchSeconds: message });
    }
  });

  it('reads the free space in the unit chosen', () => {
    expect(parseSize('20', 'GiB')).toEqual({ ok: true, bytes: 20 * 1024 ** 3 });
    expect(parseSize('1,5', 'TiB')).toEqual({ ok: true, bytes: 1.5 * 1024 ** 4 });
    expect(parseSize(' ', 'GiB')).toEqual({ ok: true, bytes: null });
    expect(parseSize('a lot', 'GiB')).toEqual({ ok: false });
    const form = { ...formFromSettings(defaults), freeSpace: '512', freeUnit: 'MiB' as const };
    expect(preflightInput(form)).toEqual({
      ok: true,
      input: {
        acceptCompositeKey: false,
        dropUnsupportedForeignKeys: false,
        syncMode: 'capture',
        confirmedFreeBytes: 512 * 1024 ** 2,
      },
    });
  });

  it('maps main’s field names onto the form', () => {
    expect(settingsFieldOf('settings.interval')).toBe('interval');
    expect(settingsFieldOf('settings.swap.lockTimeoutMs')).toBe('lockTimeoutMs');
    expect(settingsFieldOf('timeColumn')).toBeNull();
  });
});

describe('words on screen', () => {
  it('names the control instead of the engine’s setting', () => {
    expect(plainFix('Accept the composite key (settings.acceptCompositeKey), after checking.')).toBe(
      'Accept the composite key — use “Accept the composite key” under Your decisions, after checking.',
    );
    expect(plainFix("Add a primary key, or choose sync mode 'offline'.")).toContain(
      '“Pause the application’s writes for the swap”',
    );
  });

  it('keeps one-line statements together and spaces out the long ones', () => {
    expect(joinStatements(['BEGIN;', 'LOCK TABLE t;', 'CREATE TABLE x (\n  a int\n);', 'COMMIT;'])).toBe(
      'BEGIN;\nLOCK TABLE t;\n\nCREATE TABLE x (\n  a int\n);\n\nCOMMIT;',
    );
  });

  it('says pauses in ms or s', () => {
    expect(formatWait(800)).toBe('800 ms');
    expect(formatWait(1000)).toBe('1 s');
    expect(formatWait(2500)).toBe('2.5 s');
    expect(formatWait(16_000)).toBe('16 s');
  });
});

describe('where a migration stands', () => {
  it('follows the state, the swap and the step', () => {
    expect(currentStep('planned', false)).toBe('plan');
    expect(currentStep('running', false, 'copy')).toBe('run');
    expect(currentStep('running', false, 'swap')).toBe('swap');
    expect(currentStep('ready_to_swap', false)).toBe('swap');
    expect(currentStep('running', true, 'validate')).toBe('validate');
    expect(currentStep('swapped', true)).toBe('cleanup');
    expect(currentStep('failed', false, 'create-table')).toBe('run');
  });
});

describe('what the swap section shows', () => {
  const blocker = {
    pid: 4242,
    user: 'app',
    application: 'billing',
    clientAddr: null,
    state: 'idle in transaction',
    lockMode: 'AccessShareLock',
    granted: true,
    xactStart: '2026-03-01T10:00:00.000Z',
    queryStart: '2026-03-01T10:00:00.000Z',
    query: 'SELECT 1',
  };
  const attempt = (n: number, outcome: 'lock_timeout' | 'swapped', blockers = [blocker]) => ({
    attempt: {
      attempt: n,
      at: `2026-03-01T10:00:${String(10 + n).padStart(2, '0')}.000Z`,
      outcome,
      blockers: outcome === 'swapped' ? [] : blockers,
      message: `No lock within 2000 ms. Trying again in ${n} s.`,
    },
  });

  it('groups tries in a row that met the same sessions the same way', () => {
    const other = { ...blocker, pid: 7 };
    const groups = groupAttempts([
      attempt(1, 'lock_timeout'),
      attempt(2, 'lock_timeout'),
      attempt(3, 'lock_timeout'),
      attempt(4, 'lock_timeout', [other]),
      attempt(5, 'swapped'),
    ]);
    expect(groups.map((g) => [g.first.attempt.attempt, g.last.attempt.attempt, g.count])).toEqual([
      [1, 3, 3],
      [4, 4, 1],
      [5, 5, 1],
    ]);
  });

  it('says how old a young transaction is in seconds', () => {
    expect(transactionAge('2026-03-01T10:00:00.000Z', '2026-03-01T10:00:17.400Z')).toBe('17 s');
    expect(transactionAge('2026-03-01T10:00:00.000Z', '2026-03-01T10:04:05.000Z')).toBe('4 min 5 s');
    expect(transactionAge('2026-03-01T10:00:00.000Z', '2026-03-01T13:10:00.000Z')).toBe('3 h 10 min');
    expect(transactionAge('2026-03-01T10:00:05.000Z', '2026-03-01T10:00:00.000Z')).toBeNull();
  });

  it('gives the statements that would free the table, for a whole pid only', () => {
    expect(blockerStatements(4242)).toEqual({
      cancel: 'SELECT pg_cancel_backend(4242);',
      terminate: 'SELECT pg_terminate_backend(4242);',
    });
    expect(blockerStatements(12.7).cancel).toBe('SELECT pg_cancel_backend(12);');
  });
});

describe('serverVersionLabel', () => {
  it('names the version without the packager text that was cut mid-parenthesis', () => {
    expect(serverVersionLabel(150020)).toBe('PostgreSQL 15.20');
    expect(serverVersionLabel(180001)).toBe('PostgreSQL 18.1');
    expect(serverVersionLabel(90624)).toBe('PostgreSQL 9.6.24');
  });
});

describe('the TimescaleDB policies on the migration page', () => {
  it('says what each policy does, its setting and its next run; a paused one has none', () => {
    const rows = policyRows([
      {
        jobId: 1001,
        procName: 'policy_retention',
        scheduled: true,
        scheduleInterval: '1 day',
        nextStart: '2026-12-03T00:00:00.000Z',
        lastRunStatus: null,
        lastRunStartedAt: null,
        config: '{"drop_after": "1 year", "hypertable_id": 3}',
      },
      {
        jobId: 1002,
        procName: 'policy_compression',
        scheduled: false,
        scheduleInterval: '12:00:00',
        nextStart: '2026-12-03T00:00:00.000Z',
        lastRunStatus: 'Success',
        lastRunStartedAt: '2026-12-02T12:00:00.000Z',
        config: '{"compress_after": "7 days"}',
      },
      {
        jobId: 1003,
        procName: 'my_job',
        scheduled: true,
        scheduleInterval: null,
        nextStart: null,
        lastRunStatus: null,
        lastRunStartedAt: null,
        config: 'not json',
      },
    ]);
    expect(rows).toEqual([
      {
        jobId: 1001,
        what: 'Retention: drop chunks older than',
        setting: '1 year',
        scheduled: true,
        every: '1 day',
        nextStart: '2026-12-03T00:00:00.000Z',
        lastRun: null,
      },
      {
        jobId: 1002,
        what: 'Compression: compress chunks older than',
        setting: '7 days',
        scheduled: false,
        every: '12:00:00',
        nextStart: null,
        lastRun: 'Success (started 2026-12-02T12:00:00.000Z)',
      },
      {
        jobId: 1003,
        what: 'Job my_job',
        setting: null,
        scheduled: true,
        every: null,
        nextStart: null,
        lastRun: null,
      },
    ]);
  });
});
