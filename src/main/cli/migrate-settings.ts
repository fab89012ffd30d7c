import type { z } from 'zod';
import { parseSize } from '../../shared/bytes';
import {
  type MigrationSettings,
  type MigrationSettingsInput,
  migrationSettingsInputSchema,
  migrationSettingsSchema,
} from '../../shared/migration';
import { type CliValues, UsageError } from './common';

/** The options the migrate commands read (added to the CLI's parser). */
export const migrateOptions = {
  time: { type: 'string' },
  target: { type: 'string' },
  'accept-composite-key': { type: 'boolean' },
  'drop-foreign-keys': { type: 'boolean' },
  'pg-partman': { type: 'boolean' },
  offline: { type: 'boolean' },
  'swap-confirm': { type: 'boolean' },
  free: { type: 'string' },
  interval: { type: 'string' },
  'compress-after': { type: 'string' },
  retention: { type: 'string' },
  'segment-by': { type: 'string' },
  'batch-rows': { type: 'string' },
  'batch-seconds': { type: 'string' },
  'copy-sessions': { type: 'string' },
  'build-sessions': { type: 'string' },
  'keep-days': { type: 'string' },
  confirm: { type: 'string' },
  out: { type: 'string' },
} as const;

type SettingName = keyof MigrationSettings;

type NumberSetting = 'keepOldDays' | 'batchRows' | 'batchSeconds' | 'copySessions' | 'buildSessions';

/** "from 1 to 365": the schema's own range, so the refusal cannot disagree with the check. */
function range(setting: NumberSetting): string {
  const field = migrationSettingsSchema.shape[setting];
  const { minValue, maxValue } = 'unwrap' in field ? field.unwrap() : field;
  return `from ${minValue?.toLocaleString('en-US')} to ${maxValue?.toLocaleString('en-US')}`;
}

function wholeNumbers(setting: Exclude<NumberSetting, 'batchSeconds'>, unit: string): string {
  return `a whole number of ${unit} ${range(setting)}`;
}

/** The flag that sets each setting; `takes` says what it accepts, in the words of the refusal. */
const settingFlags: Partial<Record<SettingName, { flag: string; takes?: string; note?: string }>> = {
  interval: { flag: '--interval' },
  compressAfter: { flag: '--compress-after' },
  retention: { flag: '--retention' },
  segmentBy: { flag: '--segment-by' },
  batchRows: { flag: '--batch-rows', takes: wholeNumbers('batchRows', 'rows') },
  batchSeconds: {
    flag: '--batch-seconds',
    takes: `seconds ${range('batchSeconds')}, e.g. 0.5 (0: every batch --batch-rows rows)`,
  },
  copySessions: {
    flag: '--copy-sessions',
    takes: wholeNumbers('copySessions', 'sessions'),
    note: "At run time never more than the profile's pool size.",
  },
  buildSessions: {
    flag: '--build-sessions',
    takes: wholeNumbers('buildSessions', 'sessions'),
    note: "At run time never more than the profile's pool size.",
  },
  // 0 is refused on purpose: the old table is the rollback, and dropping it at once is already
  // possible, but only with its name typed (`migrate cleanup ID --confirm OLD_TABLE`).
  keepOldDays: {
    flag: '--keep-days',
    takes: wholeNumbers('keepOldDays', 'days'),
    note:
      'The old table is what a rollback puts back, so it is kept at least a day; to drop it right after the swap, ' +
      'run: tidemark migrate cleanup ID --confirm OLD_TABLE (the name it drops, e.g. orders_old_ab12cd)',
  },
  confirmedFreeBytes: { flag: '--free', takes: 'a size such as 500GB or 1.5TiB' },
  acceptCompositeKey: { flag: '--accept-composite-key' },
  dropUnsupportedForeignKeys: { flag: '--drop-foreign-keys' },
  partitionUpkeep: { flag: '--pg-partman' },
  syncMode: { flag: '--offline' },
  swap: { flag: '--swap-confirm' },
};

/** A setting's name as the engine reports it ("settings.keepOldDays", "keepOldDays") → its flag, if it has one. */
export function flagOf(field: string): string | null {
  const name = field.replace(/^settings\./, '').split('.')[0] as SettingName;
  return settingFlags[name]?.flag ?? null;
}

/** Text from the engine with its setting names ("settings.acceptCompositeKey", "segmentBy: …") written as the flags. */
export function withFlagNames(text: string): string {
  return text
    .replace(/\bsettings\.\w+(?:\.\w+)*/g, (field) => flagOf(field) ?? field)
    .replace(/^(\w+):/, (prefix, field: string) => (flagOf(field) ? `${flagOf(field)}:` : prefix));
}

function refusal(issue: z.ZodError['issues'][number], typed: Record<string, string>): string {
  const name = String(issue.path[0]) as SettingName;
  const spec = settingFlags[name];
  if (!spec) return issue.message;
  const value = typed[name] !== undefined ? `, not "${typed[name]}"` : '';
  if (!spec.takes) return `${spec.flag}: ${issue.message}`;
  return `${spec.flag} takes ${spec.takes}${value}.${spec.note ? ` ${spec.note}` : ''}`;
}

/**
 * The settings flags, checked here with the engine's own schema so that a value
 * it cannot take is a usage error naming the flag, before anything is asked of
 * the server.
 */
export function settingsFrom(values: CliValues): MigrationSettingsInput {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const whole = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : text);
  const decimal = (text: string) => (/^\s*(?:\d+(?:\.\d+)?|\.\d+)\s*$/.test(text) ? Number(text) : text);
  const typed: Record<string, string> = {};
  const input: Record<string, unknown> = {};
  const take = (name: SettingName, text: string | undefined, convert: (t: string) => unknown) => {
    if (text === undefined) return;
    typed[name] = text;
    input[name] = convert(text);
  };
  if (values['accept-composite-key']) input.acceptCompositeKey = true;
  if (values['drop-foreign-keys']) input.dropUnsupportedForeignKeys = true;
  if (values['pg-partman']) input.partitionUpkeep = 'pg_partman';
  if (values.offline) input.syncMode = 'offline';
  if (values['swap-confirm']) input.swap = { mode: 'confirm' };
  take('confirmedFreeBytes', str('free'), parseSize);
  take('interval', str('interval'), (t) => t);
  take('compressAfter', str('compress-after'), (t) => (t === 'none' ? null : t));
  take('retention', str('retention'), (t) => t);
  take('segmentBy', str('segment-by'), (t) =>
    t
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean),
  );
  take('batchRows', str('batch-rows'), whole);
  take('batchSeconds', str('batch-seconds'), decimal);
  take('copySessions', str('copy-sessions'), whole);
  take('buildSessions', str('build-sessions'), whole);
  take('keepOldDays', str('keep-days'), whole);

  const parsed = migrationSettingsInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const lines = new Set(parsed.error.issues.map((issue) => refusal(issue, typed)));
  throw new UsageError([...lines].join('\n'));
}
