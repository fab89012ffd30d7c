import {
  type Alert,
  type AlertRules,
  alertRulesSchema,
  DEFAULT_ALERT_RULES,
  type Snooze,
  snoozeChoices,
} from '../../shared/alerts';
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
  if (name.endsWith('Pct')) return { name, value: raw.replace(/\s*%$/, '') };
  return { name, value: raw };
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

/** "active", "acknowledged", "snoozed until 2026-08-03 13:00", "cleared 2026-08-03 11:00". */
function stateText(a: Alert): string {
  if (a.resolvedAt) return `${a.resolution} ${when(a.resolvedAt)}`;
  if (!a.acknowledged) return 'active';
  return a.acknowledged.until ? `snoozed until ${when(a.acknowledged.until)}` : 'acknowledged';
}

/** The figure the rule watches, as of the last time it was seen. */
function currentText(a: Alert): string {
  if (a.growthPct !== null && (a.kind === 'growth_warning' || a.kind === 'relation_growth')) {
    return `${a.growthPct >= 0 ? '+' : ''}${a.growthPct.toFixed(1)} % per 24 h`;
  }
  return a.currentBytes === null ? '' : formatBytes(a.currentBytes);
}

function alertRows(alerts: Alert[], names: Map<string, string> | null): string[] {
  const header = [
    'ID',
    'SEVERITY',
    'KIND',
    'SUBJECT',
    'CURRENT',
    'RAISED (UTC)',
    'LAST SEEN (UTC)',
    'STATE',
    'MESSAGE',
  ];
  const rows = [names ? ['PROFILE', ...header] : header];
  for (const a of alerts) {
    const cells = [
      String(a.id),
      a.severity,
      a.kind,
      a.subject.name,
      currentText(a),
      when(a.raisedAt),
      when(a.lastSeenAt),
      stateText(a),
      // One line per alert: a name from the server may hold a newline.
      a.message.replace(/\s+/g, ' '),
    ];
    rows.push(names ? [names.get(a.profileId) ?? a.profileId, ...cells] : cells);
  }
  return table(rows);
}

async function listAlerts(app: Tidemark, name: string | undefined, values: CliValues, io: CliIo) {
  const include = values.all ? 'all' : 'active';
  const profile = name ? await profileByName(app, name) : null;
  const alerts = await call(app, 'alerts:list', { ...(profile ? { profileId: profile.id } : {}), include });
  if (values.json) {
    io.out(JSON.stringify(alerts, null, 2));
    return;
  }
  const whose = profile ? `"${profile.name}"` : 'any profile';
  if (alerts.length === 0) {
    io.out(include === 'all' ? `No alerts kept for ${whose}.` : `No active alerts for ${whose}.`);
    return;
  }
  const names = profile ? null : new Map((await call(app, 'profiles:list', {})).map((p) => [p.id, p.name]));
  for (const line of alertRows(alerts, names)) io.out(line);
}

function alertId(verb: string, idText: string | undefined): number {
  const id = Number(idText);
  if (!idText || !Number.isInteger(id) || id <= 0) {
    throw new CliFailure(
      `alerts ${verb} needs the alert id shown by \`tidemark alerts NAME\`: tidemark alerts ${verb} 12`,
    );
  }
  return id;
}

async function acknowledge(app: Tidemark, idText: string | undefined, values: CliValues, io: CliIo) {
  const id = alertId('ack', idText);
  const snooze = values.for;
  if (snooze !== undefined && !snoozeChoices.some((c) => c === snooze)) {
    throw new CliFailure(
      `--for ${String(snooze)}: choose 1h, 1d or 1w (or leave it out: quiet until it clears).`,
    );
  }
  const alert = await call(app, 'alerts:ack', { id, ...(snooze ? { snooze: snooze as Snooze } : {}) });
  const until = alert.acknowledged?.until;
  io.out(
    `Acknowledged alert ${alert.id} (${alert.kind}, ${alert.subject.name}): quiet ` +
      (until ? `until ${when(until)} UTC, or until it clears.` : 'until its condition clears.'),
  );
}

async function alertsCommand(app: Tidemark, args: string[], values: CliValues, io: CliIo) {
  const [first, second] = args;
  // "ack 12" — unless a profile is really called "ack" and no id follows. "resolve" is the old name of ack.
  if ((first === 'ack' || first === 'resolve') && second !== undefined)
    return acknowledge(app, second, values, io);
  if (first === 'unack' && second !== undefined) {
    const alert = await call(app, 'alerts:unack', { id: alertId('unack', second) });
    io.out(`Alert ${alert.id} (${alert.kind}, ${alert.subject.name}) is shown and counted again.`);
    return;
  }
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
    '  alerts [NAME] [--all] [--json]         active alerts with their current value and last seen\n' +
    '                                         (--all: the resolved ones kept too)\n' +
    '  alerts ack ID [--for 1h|1d|1w]         acknowledge: quiet until it clears, or for a while\n' +
    '  alerts unack ID                        show and count it again',
  run: (app, args, values, io) => alertsCommand(app, args, values, io),
};

export const ruleCommands: CommandGroup = {
  usage:
    '  rules NAME[,NAME...] [--set RULE=VALUE ...] [--reset]\n' +
    '                                         show alert rules, set them for several profiles at once\n' +
    '                                         (sizes like 1GiB or 500MB, on/off), or go back to the defaults',
  run: (app, args, values, io) => rulesCommand(app, args, values, io),
};
