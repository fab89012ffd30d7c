import { type Alert, type AlertRules, alertRulesSchema, DEFAULT_ALERT_RULES } from '../../shared/alerts';
import { formatBytes } from '../../shared/bytes';
import type { Profile } from '../../shared/profile';
import type { Tidemark } from '../app';
import { fieldErrors } from '../router';
import {
  CliFailure,
  type CliIo,
  type CliValues,
  type CommandGroup,
  call,
  profileByName,
  table,
} from './common';

type RuleName = keyof AlertRules;

/** The rules in the order a DBA reads them, with what kind of rule each is. */
const RULES: Array<{ name: RuleName; type: string }> = [
  { name: 'growthWarningEnabled', type: 'growth rule (database)' },
  { name: 'growthWarningPct', type: 'growth rule (database), % per 24 h' },
  { name: 'growthFloorBytes', type: 'growth rules: size floor' },
  { name: 'relationGrowthEnabled', type: 'growth rule (each relation)' },
  { name: 'relationGrowthPct', type: 'growth rule (each relation), % per 24 h' },
  { name: 'sizeCriticalEnabled', type: 'absolute-size rule' },
  { name: 'sizeCriticalBytes', type: 'absolute-size rule' },
  { name: 'forecastEnabled', type: 'forecast (growth toward the critical size)' },
  { name: 'forecastDays', type: 'forecast (growth toward the critical size)' },
  { name: 'serverDownEnabled', type: 'heartbeat rule' },
  { name: 'serverDownMinutes', type: 'heartbeat rule' },
];
const RULE_NAMES = RULES.map((r) => r.name);

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/**
 * "1GiB", "500MB", "1.5 GB", "1073741824" → bytes. Units are binary, as in
 * PostgreSQL's own settings (1 MB = 1024 kB). Anything else is handed on as
 * typed, for the rules schema to refuse with its own message.
 */
export function parseSize(text: string): number | string {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const factor = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || factor === undefined) return text;
  return Math.round(Number(m[1]) * factor);
}

/** A typed figure as a number; anything else goes as typed for main to explain (it takes numbers only). */
function numberOrText(text: string): number | string {
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

const ON = new Set(['on', 'true', 'yes', '1', 'enabled']);
const OFF = new Set(['off', 'false', 'no', '0', 'disabled']);

/** One `--set NAME=VALUE`: the value converted the way the rule expects it, or a clear failure. */
function parseSetting(text: string): { name: RuleName; value: unknown } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new CliFailure(`--set ${text}: write it as NAME=VALUE, e.g. --set growthWarningPct=25.`);
  const typed = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim();
  const name = RULE_NAMES.find((n) => n.toLowerCase() === typed.toLowerCase());
  if (!name)
    throw new CliFailure(`--set ${typed}: there is no such rule. The rules are: ${RULE_NAMES.join(', ')}.`);
  if (name.endsWith('Enabled')) {
    if (ON.has(raw.toLowerCase())) return { name, value: true };
    if (OFF.has(raw.toLowerCase())) return { name, value: false };
    throw new CliFailure(`${name}: use on or off (not "${raw}").`);
  }
  if (name.endsWith('Bytes')) return { name, value: parseSize(raw) };
  if (name.endsWith('Pct')) return { name, value: numberOrText(raw.replace(/\s*%$/, '')) };
  return { name, value: numberOrText(raw) };
}

function show(name: RuleName, value: AlertRules[RuleName]): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (name.endsWith('Bytes')) return `${formatBytes(value)} (${value})`;
  if (name.endsWith('Pct')) return `${value} %`;
  if (name === 'forecastDays') return `${value} days`;
  if (name === 'serverDownMinutes') return `${value} min`;
  return String(value);
}

function rulesTable(rules: AlertRules): string[] {
  const rows = [['RULE', 'VALUE', 'DEFAULT', 'TYPE']];
  for (const { name, type } of RULES) {
    rows.push([name, show(name, rules[name]), show(name, DEFAULT_ALERT_RULES[name]), type]);
  }
  return table(rows);
}

/** "alpha,beta" or "alpha beta"; a name that itself holds a comma is matched whole first. */
async function profilesNamed(app: Tidemark, args: string[]): Promise<Profile[]> {
  const all = await call(app, 'profiles:list', {});
  const names: string[] = [];
  for (const arg of args) {
    if (all.some((p) => p.name.toLowerCase() === arg.toLowerCase())) names.push(arg);
    else
      names.push(
        ...arg
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean),
      );
  }
  const found: Profile[] = [];
  for (const name of names) {
    const profile = await profileByName(app, name);
    if (!found.some((p) => p.id === profile.id)) found.push(profile);
  }
  return found;
}

const when = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace('T', ' ')}` : '');

function alertRows(alerts: Alert[], names: Map<string, string> | null): string[] {
  const header = ['ID', 'SEVERITY', 'KIND', 'SUBJECT', 'RAISED (UTC)', 'RESOLVED (UTC)', 'MESSAGE'];
  const rows = [names ? ['PROFILE', ...header] : header];
  for (const a of alerts) {
    const resolved = a.resolvedAt ? `${when(a.resolvedAt)} ${a.resolution}` : 'active';
    const cells = [String(a.id), a.severity, a.kind, a.subject.name, when(a.raisedAt), resolved, a.message];
    rows.push(names ? [names.get(a.profileId) ?? a.profileId, ...cells] : cells);
  }
  return table(rows);
}

async function listAlerts(app: Tidemark, name: string | undefined, values: CliValues, io: CliIo) {
  const include = values.all ? 'all' : 'active';
  const profile = name ? await profileByName(app, name) : null;
  const alerts = await call(app, 'alerts:list', { ...(profile ? { profileId: profile.id } : {}), include });
  const whose = profile ? `"${profile.name}"` : 'any profile';
  if (alerts.length === 0) {
    io.out(include === 'all' ? `No alerts kept for ${whose}.` : `No active alerts for ${whose}.`);
    return;
  }
  const names = profile ? null : new Map((await call(app, 'profiles:list', {})).map((p) => [p.id, p.name]));
  for (const line of alertRows(alerts, names)) io.out(line);
}

async function resolveAlert(app: Tidemark, idText: string | undefined, io: CliIo) {
  const id = Number(idText);
  if (!idText || !Number.isInteger(id) || id <= 0) {
    throw new CliFailure(
      'alerts resolve needs the alert id shown by `tidemark alerts NAME`: tidemark alerts resolve 12',
    );
  }
  const alert = await call(app, 'alerts:resolve', { id });
  io.out(`Resolved alert ${alert.id} (${alert.kind}, ${alert.subject.name}) at ${alert.resolvedAt}.`);
}

async function alertsCommand(app: Tidemark, args: string[], values: CliValues, io: CliIo) {
  const [first, second] = args;
  // "resolve 12" — unless a profile is really called "resolve" and no id follows.
  if (first === 'resolve' && second !== undefined) return resolveAlert(app, second, io);
  return listAlerts(app, first, values, io);
}

async function rulesCommand(app: Tidemark, args: string[], values: CliValues, io: CliIo) {
  if (args.length === 0) {
    throw new CliFailure(
      'rules needs a profile name: tidemark rules NAME[,NAME...] [--set NAME=VALUE ...] [--reset]',
    );
  }
  const sets = Array.isArray(values.set) ? values.set : typeof values.set === 'string' ? [values.set] : [];
  if (values.reset && sets.length > 0) throw new CliFailure('Use --set or --reset, not both.');
  const profiles = await profilesNamed(app, args);
  const profileIds = profiles.map((p) => p.id);
  const names = profiles.map((p) => `"${p.name}"`).join(', ');

  if (values.reset) {
    await call(app, 'rules:reset', { profileIds });
    io.out(`Alert rules of ${names} are back to the defaults.`);
    for (const line of rulesTable(DEFAULT_ALERT_RULES)) io.out(line);
    return;
  }

  if (sets.length === 0) {
    for (const [i, profile] of profiles.entries()) {
      const { rules, isDefault } = await call(app, 'rules:get', { profileId: profile.id });
      if (i > 0) io.out('');
      io.out(`Alert rules of "${profile.name}"${isDefault ? ' (the defaults)' : ''}:`);
      for (const line of rulesTable(rules)) io.out(line);
    }
    return;
  }

  // The same rules for every profile named: the first one's rules with the changes applied.
  const current = await Promise.all(profileIds.map((profileId) => call(app, 'rules:get', { profileId })));
  const base = current[0]!.rules;
  const changes: Record<string, unknown> = {};
  for (const text of sets) {
    const { name, value } = parseSetting(text);
    changes[name] = value;
  }
  const parsed = alertRulesSchema.safeParse({ ...base, ...changes });
  if (!parsed.success) {
    const lines = Object.entries(fieldErrors(parsed.error)).map(([field, message]) => `${field}: ${message}`);
    throw new CliFailure(`${lines.join('\n')}\nNothing was changed.`);
  }
  const rules = parsed.data;
  await call(app, 'rules:set', { profileIds, rules });
  io.out(`Alert rules of ${names} set; they apply from the next sample.`);
  for (const [i, profile] of profiles.entries()) {
    if (i === 0) continue;
    const differed = RULE_NAMES.filter((n) => !(n in changes) && current[i]!.rules[n] !== base[n]);
    if (differed.length > 0) {
      io.out(
        `Note: "${profile.name}" now has the same ${differed.join(', ')} as "${profiles[0]!.name}" ` +
          `(it had ${differed.map((n) => show(n, current[i]!.rules[n])).join(', ')}).`,
      );
    }
  }
  for (const line of rulesTable(rules)) io.out(line);
}

export const alertCommands: CommandGroup = {
  usage:
    '  alerts [NAME] [--all]                  active alerts (--all: the resolved ones kept too)\n' +
    '  alerts resolve ID                      dismiss an alert',
  run: (app, args, values, io) => alertsCommand(app, args, values, io),
};

export const ruleCommands: CommandGroup = {
  usage:
    '  rules NAME[,NAME...] [--set RULE=VALUE ...] [--reset]\n' +
    '                                         show alert rules, set them for several profiles at once\n' +
    '                                         (sizes like 1GiB or 500MB, on/off), or go back to the defaults',
  run: (app, args, values, io) => rulesCommand(app, args, values, io),
};
