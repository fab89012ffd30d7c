import { parseByteSize } from '../../shared/bytes';
import {
  type MigrationSettings,
  type MigrationSettingsInput,
  type MigrationState,
  type MigrationTarget,
  migrationSettingsInputSchema,
  type PreflightItem,
  type SyncMode,
  type TimescalePolicy,
} from '../../shared/migration';
import { fieldErrors } from '../../shared/result';

/** Words for the wizard: what a DBA reads, never an enum. */

export const targetLabels: Record<MigrationTarget, string> = {
  timescaledb: 'TimescaleDB hypertable',
  partitions: 'Native range partitions',
};

export const targetHints: Record<MigrationTarget, string> = {
  timescaledb:
    'Chunks by time, compression after a few days and retention by dropping chunks. Needs the TimescaleDB extension.',
  partitions:
    'PostgreSQL’s own PARTITION BY RANGE (13 and later): partitions for the whole data range and ahead, a DEFAULT partition, retention by detaching old partitions. No extension needed.',
};

export const stateLabels: Record<MigrationState, string> = {
  planned: 'Planned',
  running: 'Running',
  paused: 'Paused',
  ready_to_swap: 'Ready to swap',
  swapped: 'Swapped',
  failed: 'Failed',
  cancelling: 'Cancelling',
  cancelled: 'Cancelled',
  rolling_back: 'Rolling back',
  rolled_back: 'Rolled back',
  cleaning_up: 'Cleaning up',
  cleaned_up: 'Cleaned up',
};

/** How each state looks: the word is always shown, the tone only helps. */
export type Tone = 'neutral' | 'busy' | 'ok' | 'warn' | 'bad';
export const stateTones: Record<MigrationState, Tone> = {
  planned: 'neutral',
  running: 'busy',
  paused: 'warn',
  ready_to_swap: 'warn',
  swapped: 'ok',
  failed: 'bad',
  cancelling: 'busy',
  cancelled: 'neutral',
  rolling_back: 'busy',
  rolled_back: 'neutral',
  cleaning_up: 'busy',
  cleaned_up: 'ok',
};

export const categoryLabels: Record<PreflightItem['category'], string> = {
  server: 'Server',
  table: 'Table',
  time_column: 'Time column',
  keys: 'Keys and changes during the copy',
  dependents: 'Objects that depend on the table',
  space: 'Disk space',
  activity: 'Activity on the table now',
  privileges: 'Privileges',
};

export const syncModeLabels: Record<SyncMode, string> = {
  capture: 'Capture changes while the copy runs (writes keep going)',
  offline: 'Pause the application’s writes for the swap',
};

/** The wizard's eight steps, as the stepper names them. */
export const wizardSteps = [
  { n: 1, id: 'choose', label: 'Table' },
  { n: 2, id: 'preflight', label: 'Pre-flight' },
  { n: 3, id: 'settings', label: 'Settings' },
  { n: 4, id: 'plan', label: 'Plan' },
  { n: 5, id: 'run', label: 'Copy' },
  { n: 6, id: 'swap', label: 'Swap' },
  { n: 7, id: 'validate', label: 'Validate' },
  { n: 8, id: 'cleanup', label: 'Clean up' },
] as const;
export type WizardStepId = (typeof wizardSteps)[number]['id'];

/**
 * Where a migration stands in the eight steps: the step it is on, and whether
 * that step is waiting for the DBA, working, or done (everything before it is done).
 */
export function currentStep(
  state: MigrationState,
  swapped: boolean,
  step: string | null = null,
): WizardStepId {
  switch (state) {
    case 'planned':
      return 'plan';
    case 'running':
    case 'paused':
    case 'cancelling':
    case 'failed':
      return swapped ? 'validate' : step === 'swap' ? 'swap' : 'run';
    case 'ready_to_swap':
      return 'swap';
    case 'swapped':
    case 'rolling_back':
    case 'cleaning_up':
      return 'cleanup';
    case 'cancelled':
      return 'run';
    case 'rolled_back':
    case 'cleaned_up':
      return 'cleanup';
  }
}

/**
 * The pre-flight's fixes name the engine's settings ("settings.acceptCompositeKey");
 * on screen the control is right there, so name it as the DBA sees it.
 */
const settingNames: Record<string, string> = {
  acceptCompositeKey: '“Accept the composite key” under Your decisions',
  confirmedFreeBytes: '“Free space you confirm” under Your decisions',
  dropUnsupportedForeignKeys: '“Drop foreign keys that cannot point at the new table” under Your decisions',
  syncMode: '“Changes during the copy” under Your decisions',
};
export function plainFix(text: string): string {
  return text
    .replace(/\s*\(settings\.(\w+)\)/g, (_m, name: string) =>
      settingNames[name] ? ` — use ${settingNames[name]}` : '',
    )
    .replace(/sync mode '(capture|offline)'/g, (_m, mode: SyncMode) => `“${syncModeLabels[mode]}”`);
}

// ---------------------------------------------------------------- the settings form

export const sizeUnits = ['MiB', 'GiB', 'TiB'] as const;
export type SizeUnit = (typeof sizeUnits)[number];
const unitBytes: Record<SizeUnit, number> = { MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };

/** Everything the DBA may change, as typed (strings for numbers, so a half-typed value stays on screen). */
export type SettingsForm = {
  interval: string;
  compress: boolean;
  compressAfter: string;
  segmentBy: string[];
  orderBy: Array<{ column: string; direction: 'asc' | 'desc' }>;
  retain: boolean;
  retention: string;
  partitionsAhead: string;
  /** Native partitions: hand the table to pg_partman after the migration (offered when it is installed). */
  partman: boolean;
  keepOldDays: string;
  /** Rows per copy batch: the first, and the fewest later ones aim for. */
  batchRows: string;
  /** Seconds each later batch is sized to take (0: every batch batchRows). */
  batchSeconds: string;
  syncMode: SyncMode;
  acceptCompositeKey: boolean;
  dropUnsupportedForeignKeys: boolean;
  freeSpace: string;
  freeUnit: SizeUnit;
  lockTimeoutMs: string;
  attempts: string;
  swapMode: 'auto' | 'confirm';
};

/** The form, from settings the engine filled in (its defaults plus what was sent). */
export function formFromSettings(s: MigrationSettings, previous?: SettingsForm | null): SettingsForm {
  const free = s.confirmedFreeBytes;
  const unit: SizeUnit = previous?.freeUnit ?? 'GiB';
  return {
    interval: s.interval,
    compress: s.compressAfter !== null,
    compressAfter: s.compressAfter ?? previous?.compressAfter ?? '7 days',
    segmentBy: [...s.segmentBy],
    orderBy: s.orderBy.map((o) => ({ ...o })),
    retain: s.retention !== null,
    retention: s.retention ?? previous?.retention ?? '1 year',
    partitionsAhead: String(s.partitionsAhead),
    partman: s.partitionUpkeep === 'pg_partman',
    keepOldDays: String(s.keepOldDays),
    batchRows: String(s.batchRows),
    // Absent only in plans made before the setting: their batches are all batchRows, i.e. 0.
    batchSeconds: String(s.batchSeconds ?? 0),
    syncMode: s.syncMode,
    acceptCompositeKey: s.acceptCompositeKey,
    dropUnsupportedForeignKeys: s.dropUnsupportedForeignKeys,
    freeSpace: free === null ? '' : trimNumber(free / unitBytes[unit]),
    freeUnit: unit,
    lockTimeoutMs: String(s.swap.lockTimeoutMs),
    attempts: String(s.swap.attempts),
    swapMode: previous?.swapMode ?? 'confirm',
  };
}

function trimNumber(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** "120", "1.5", "0,5" in the chosen unit, or with a unit of its own ("2 TB") → bytes; null when empty. */
export function parseSize(text: string, unit: SizeUnit): { ok: true; bytes: number | null } | { ok: false } {
  if (text.trim() === '') return { ok: true, bytes: null };
  const parsed = parseByteSize(text, unit);
  return parsed.ok ? { ok: true, bytes: parsed.bytes } : { ok: false };
}

/** "50,000" or "50_000" as typed → 50000; anything but digits → NaN, which the contract refuses with its message. */
function integerField(text: string): number {
  const digits = text.trim().replace(/[_,\s]/g, '');
  return /^\d+$/.test(digits) ? Number(digits) : Number.NaN;
}

/** "1", "0.5" or "0,5" as typed → a number; anything else → NaN, which the contract refuses with its message. */
function decimalField(text: string): number {
  const t = text.trim();
  // "1,000" could be a thousand or one: refused rather than guessed (a decimal comma takes 1 or 2 digits).
  if (/^\d+,\d{3,}$/.test(t)) return Number.NaN;
  return /^(?:\d+(?:[.,]\d+)?|[.,]\d+)$/.test(t) ? Number(t.replace(',', '.')) : Number.NaN;
}

/** Field names as the engine reports them in AppError.fields ("settings.interval"). */
export type SettingsField =
  | 'interval'
  | 'compressAfter'
  | 'segmentBy'
  | 'orderBy'
  | 'retention'
  | 'partitionsAhead'
  | 'keepOldDays'
  | 'batchRows'
  | 'batchSeconds'
  | 'confirmedFreeBytes'
  | 'lockTimeoutMs'
  | 'attempts';

/**
 * What the request sends. Checks only what the browser can check (numbers against the
 * contract's ranges); intervals are checked by PostgreSQL itself, in main.
 */
export function settingsInput(
  form: SettingsForm,
  target: MigrationTarget,
):
  | { ok: true; input: MigrationSettingsInput }
  | { ok: false; errors: Partial<Record<SettingsField, string>> } {
  const numbers = {
    partitionsAhead: integerField(form.partitionsAhead),
    keepOldDays: integerField(form.keepOldDays),
    batchRows: integerField(form.batchRows),
    batchSeconds: decimalField(form.batchSeconds),
    swap: { lockTimeoutMs: integerField(form.lockTimeoutMs), attempts: integerField(form.attempts) },
  };
  // Ranges and their messages are the contract's: the same check main makes.
  const checked = migrationSettingsInputSchema.safeParse(numbers);
  const errors: Partial<Record<SettingsField, string>> = {};
  if (!checked.success) {
    for (const [key, message] of Object.entries(fieldErrors(checked.error))) {
      const field = settingsFieldOf(`settings.${key}`);
      if (field) errors[field] ??= message;
    }
  }
  const free = parseSize(form.freeSpace, form.freeUnit);
  if (!free.ok) errors.confirmedFreeBytes = `A size in ${form.freeUnit}, e.g. 120.`;
  if (form.interval.trim() === '') errors.interval = 'Give the chunk or partition interval, e.g. 1 day.';
  if (target === 'timescaledb' && form.compress && form.compressAfter.trim() === '')
    errors.compressAfter = 'Give a delay, e.g. 7 days, or switch compression off.';
  if (form.retain && form.retention.trim() === '')
    errors.retention = 'Give an age, e.g. 1 year, or switch retention off.';
  if (form.orderBy.some((o) => o.column === '')) errors.orderBy = 'Choose a column for every order-by entry.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: {
      interval: form.interval.trim(),
      compressAfter: target === 'timescaledb' && form.compress ? form.compressAfter.trim() : null,
      segmentBy: target === 'timescaledb' ? form.segmentBy : [],
      orderBy: form.orderBy,
      retention: form.retain ? form.retention.trim() : null,
      partitionsAhead: numbers.partitionsAhead,
      ...(target === 'partitions' && form.partman ? { partitionUpkeep: 'pg_partman' as const } : {}),
      keepOldDays: numbers.keepOldDays,
      batchRows: numbers.batchRows,
      batchSeconds: numbers.batchSeconds,
      syncMode: form.syncMode,
      acceptCompositeKey: form.acceptCompositeKey,
      dropUnsupportedForeignKeys: form.dropUnsupportedForeignKeys,
      confirmedFreeBytes: free.ok ? free.bytes : null,
      swap: { ...numbers.swap, mode: form.swapMode },
    },
  };
}

/** "settings.interval" → "interval"; "settings.swap.lockTimeoutMs" → "lockTimeoutMs". */
export function settingsFieldOf(key: string): SettingsField | null {
  const m = /^settings\.(?:swap\.)?(\w+)/.exec(key);
  return m ? (m[1] as SettingsField) : null;
}

/** Only what step 2 changes: the rest stays at the engine's defaults until step 3. */
export const preflightFields = [
  'acceptCompositeKey',
  'dropUnsupportedForeignKeys',
  'confirmedFreeBytes',
  'syncMode',
] as const;

/** Step 2's own choices alone, when step 3's fields are half-typed. */
export function preflightInput(
  form: SettingsForm,
):
  | { ok: true; input: MigrationSettingsInput }
  | { ok: false; errors: Partial<Record<SettingsField, string>> } {
  const free = parseSize(form.freeSpace, form.freeUnit);
  if (!free.ok) return { ok: false, errors: { confirmedFreeBytes: `A size in ${form.freeUnit}, e.g. 120.` } };
  return {
    ok: true,
    input: {
      acceptCompositeKey: form.acceptCompositeKey,
      dropUnsupportedForeignKeys: form.dropUnsupportedForeignKeys,
      syncMode: form.syncMode,
      confirmedFreeBytes: free.bytes,
    },
  };
}

/** 150020 → "PostgreSQL 15.20", 90624 → "PostgreSQL 9.6.24": the version, not the packager's text after it. */
export function serverVersionLabel(versionNum: number): string {
  const major = Math.floor(versionNum / 10000);
  const rest = versionNum % 10000;
  return major >= 10
    ? `PostgreSQL ${major}.${rest}`
    : `PostgreSQL ${major}.${Math.floor(rest / 100)}.${rest % 100}`;
}

export function rowsPerSecond(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  return `${Math.round(rate).toLocaleString('en-US')} rows/s`;
}

/** A pause before the next try: "800 ms", "1 s", "2.5 s", "16 s". */
export function formatWait(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) || s >= 10 ? Math.round(s) : s.toFixed(1)} s`;
}

/** Statements one after another: a blank line only around those that span several lines. */
export function joinStatements(sql: string[]): string {
  let out = '';
  sql.forEach((stmt, i) => {
    if (i > 0) out += stmt.includes('\n') || sql[i - 1]!.includes('\n') ? '\n\n' : '\n';
    out += stmt;
  });
  return out;
}

/** A TimescaleDB policy as the migration page lists it: what it does, its setting, and when it runs. */
export interface PolicyRow {
  jobId: number;
  what: string;
  /** drop_after / compress_after as TimescaleDB holds it; null when the config says neither. */
  setting: string | null;
  scheduled: boolean;
  every: string | null;
  nextStart: string | null;
  lastRun: string | null;
}

const policyNames: Record<string, string> = {
  policy_retention: 'Retention: drop chunks older than',
  policy_compression: 'Compression: compress chunks older than',
  policy_columnstore: 'Columnstore: convert chunks older than',
};

export function policyRows(policies: readonly TimescalePolicy[]): PolicyRow[] {
  return policies.map((p) => {
    let config: Record<string, unknown> = {};
    try {
      config = p.config ? (JSON.parse(p.config) as Record<string, unknown>) : {};
    } catch {
      // Shown without a setting: the text is TimescaleDB's, not ours to guess at.
    }
    const after = config.drop_after ?? config.compress_after ?? config.after ?? null;
    return {
      jobId: p.jobId,
      what: policyNames[p.procName] ?? `Job ${p.procName}`,
      setting: after === null ? null : String(after),
      scheduled: p.scheduled,
      every: p.scheduleInterval,
      nextStart: p.scheduled ? p.nextStart : null,
      lastRun: p.lastRunStatus
        ? `${p.lastRunStatus}${p.lastRunStartedAt ? ` (started ${p.lastRunStartedAt})` : ''}`
        : null,
    };
  });
}
