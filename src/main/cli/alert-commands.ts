import {
  type Alert,
  type AlertRules,
  alertRulesSchema,
  DEFAULT_ALERT_RULES,
  type Snooze,
  snoozeChoices,
} from '../../shared/alerts';
import { formatBytes, parseSize } from '../../shared/bytes';
import type { Profile } from '../../shared/profile';
import { fieldErrors } from '../../shared/result';
import type { Tidemark } from '../app';
import {
  CliFailure,
  type CliIo,
  type CliValues,
  type CommandGroup,
  call,
  idArgument,
  print,
  profileByName,
  table,
  UsageError,
} from './common';

type RuleName = keyof AlertRules;

/** The rules in the order a DBA reads them, with what kind of rule each is. */
const RULES: Array<{ name: RuleName; type: string }> = [
  { name: 'growthWarningEnabled', type: 'growth rule (database)' },
  { name: 'growthWarningPct', type: 'growth rule (database), % in the growth window' },
  { name: 'growthFloorBytes', type: 'growth rules: size floor' },
  { name: 'relationGrowthEnabled', type: 'growth rule (each relation)' },
  { name: 'relationGrowthPct', type: 'growth rule (each relation), % in the growth window' },
  { name: 'growthPerDayEnabled', type: 'growth rule (database and each relation), bytes a day' },
  { name: 'growthPerDayBytes', type: 'growth rule (database and each relation), bytes a day' },
  { name: 'growthWindowHours', type: 'growth rules: compared with the sample this long before' },
  { name: 'sizeCriticalEnabled', type: 'absolute-size rule' },
  { name: 'sizeCriticalBytes', type: 'absolute-size rule' },
  { name: 'forecastEnabled', type: 'forecast (growth toward the critical size)' },
  { name: 'forecastDays', type: 'forecast (growth toward the critical size)' },
  { name: 'rateWindowHours', type: 'rates and forecasts: history they need' },
  { name: 'rateMinSamples', type: 'rates and forecasts: samples they need' },
  { name: 'diskFullEnabled', type: 'disk full (needs the profile’s disk size)' },
  { name: 'diskFullDays', type: 'disk full (needs the profile’s disk size)' },
  { name: 'serverDownEnabled', type: 'heartbeat rule' },
  { name: 'serverDownMinutes', type: 'heartbeat rule' },
];
const RULE_NAMES = RULES.map((r) => r.name);

/** A typed figure as a number; anything else goes as typed for the schema to explain (it takes numbers only). */
function numberOrText(text: string): number | string {
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

const ON = new Set(['on', 'true', 'yes', '1', 'enabled']);
const OFF = new Set(['off', 'false', 'no', '0', 'disabled']);

function converted(name: RuleName, raw: string): unknown {
  if (name.endsWith('Enabled')) {
    if (ON.has(raw.toLowerCase())) return true;
    if (OFF.has(raw.toLowerCase())) return false;
    throw new UsageError(`${name}: use on or off (not "${raw}").`);
  }
  if (name.endsWith('Bytes')) return parseSize(raw);
  if (name.endsWith('Pct')) return numberOrText(raw.replace(/\s*%$/, ''));
  return numberOrText(raw);
}

/**
 * One `--set NAME=VALUE`: the value converted and checked the way the rule
 * expects it. A value no rule could take is a usage error; rules that only
 * disagree with each other are refused later, as a failure.
 */
function parseSetting(text: string): { name: RuleName; value: unknown } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set ${text}: write it as NAME=VALUE, e.g. --set growthWarningPct=25.`);
  const typed = text.slice(0, eq).trim();
  const name = RULE_NAMES.find((n) => n.toLowerCase() === typed.toLowerCase());
  if (!name)
    throw new UsageError(`--set ${typed}: there is no such rule. The rules are: ${RULE_NAMES.join(', ')}.`);
  const value = converted(name, text.slice(eq + 1).trim());
  const checked = alertRulesSchema.shape[name].safeParse(value);
  if (!checked.success) throw new UsageError(`${name}: ${checked.error.issues[0]!.message}`);
  return { name, value: checked.data };
}

function show(name: RuleName, value: AlertRules[RuleName]): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (name.endsWith('Bytes')) return `${formatBytes(value)} (${value})`;
  if (name.endsWith('Pct')) return `${value} %`;
  if (name === 'forecastDays' || name === 'diskFullDays') return `${value} days`;
  if (name === 'serverDownMinutes') return `${value} min`;
  if (name.endsWith('Hours')) return `${value} h`;
  if (name === 'rateMinSamples') return `${value} samples`;
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
  const whose = profile ? `"${profile.name}"` : 'any profile';
  const names = profile ? null : new Map((await call(app, 'profiles:list', {})).map((p) => [p.id, p.name]));
  print(io, values, alerts, (list) => {
    if (list.length > 0) return alertRows(list, names);
    return [include === 'all' ? `No alerts kept for ${whose}.` : `No active alerts for ${whose}.`];
  });
}

const alertId = (verb: string, text: string | undefined) =>
  idArgument(
    text,
    `alerts ${verb} needs the alert id shown by \`tidemark alerts NAME\`: tidemark alerts ${verb} 12`,
  );

async function acknowledge(app: Tidemark, idText: string | undefined, values: CliValues, io: CliIo) {
  const id = alertId('ack', idText);
  const snooze = values.for;
  if (snooze !== undefined && !snoozeChoices.some((c) => c === snooze)) {
    throw new UsageError(
      `--for ${String(snooze)}: choose 1h, 1d or 1w (or leave it out: quiet until it clears).`,
    );
  }
  const alert = await call(app, 'alerts:ack', { id, ...(snooze ? { snooze: snooze as Snooze } : {}) });
  const until = alert.acknowledged?.until;
  print(io, values, alert, (a) => [
    `Acknowledged alert ${a.id} (${a.kind}, ${a.subject.name}): quiet ` +
      (until ? `until ${when(until)} UTC, or until it clears.` : 'until its condition clears.'),
  ]);
}

async function alertsCommand(app: Tidemark, args: string[], values: CliValues, io: CliIo) {
  const [first, second] = args;
  // "ack 12" — unless a profile is really called "ack" and no id follows. "resolve" is the old name of ack.
  if ((first === 'ack' || first === 'resolve') && second !== undefined)
    return acknowledge(app, second, values, io);
  if (first === 'unack' && second !== undefined) {
    const alert = await call(app, 'alerts:unack', { id: alertId('unack', second) });
    print(io, values, alert, (a) => [
      `Alert ${a.id} (${a.kind}, ${a.subject.name}) is shown and counted again.`,
    ]);
    return;
  }
  return listAlerts(app, first, values, io);
}

async function rulesCommand(app: Tidemark, args: string[], values: CliValues, io: CliIo) {
  if (args.length === 0) {
    throw new UsageError(
      'rules needs a profile name: tidemark rules NAME[,NAME...] [--set NAME=VALUE ...] [--reset]',
    );
  }
  // --relation parses for other commands: taken silently here, --set would change the whole profile's rules.
  if (values.relation !== undefined) {
    throw new UsageError(
      'rules sets a profile’s rules; it takes no --relation. Set a relation’s own size limit, growth ' +
        'threshold or mute on its Alert rules page in the app.',
    );
  }
  const sets = Array.isArray(values.set) ? values.set : typeof values.set === 'string' ? [values.set] : [];
  if (values.reset && sets.length > 0) throw new UsageError('Use --set or --reset, not both.');
  const changes: Partial<Record<RuleName, unknown>> = {};
  for (const text of sets) {
    const { name, value } = parseSetting(text);
    changes[name] = value;
  }
  const profiles = await profilesNamed(app, args);
  const profileIds = profiles.map((p) => p.id);
  const names = profiles.map((p) => `"${p.name}"`).join(', ');

  if (values.reset) {
    await call(app, 'rules:reset', { profileIds });
    const reset = profiles.map((p) => ({ profile: p.name, rules: DEFAULT_ALERT_RULES, isDefault: true }));
    return print(io, values, reset, () => [
      `Alert rules of ${names} are back to the defaults.`,
      ...rulesTable(DEFAULT_ALERT_RULES),
    ]);
  }

  const current = await Promise.all(profileIds.map((profileId) => call(app, 'rules:get', { profileId })));
  if (sets.length === 0) {
    const shown = profiles.map((p, i) => ({ profile: p.name, ...current[i]! }));
    return print(io, values, shown, function* (list) {
      for (const [i, { profile, rules, isDefault }] of list.entries()) {
        if (i > 0) yield '';
        yield `Alert rules of "${profile}"${isDefault ? ' (the defaults)' : ''}:`;
        yield* rulesTable(rules);
      }
    });
  }

  // The same rules for every profile named: the first one's rules with the changes applied.
  const base = current[0]!.rules;
  const parsed = alertRulesSchema.safeParse({ ...base, ...changes });
  if (!parsed.success) {
    const lines = Object.entries(fieldErrors(parsed.error)).map(([field, message]) => `${field}: ${message}`);
    throw new CliFailure(`${lines.join('\n')}\nNothing was changed.`, 'invalid_input');
  }
  const rules = parsed.data;
  await call(app, 'rules:set', { profileIds, rules });
  const set = profiles.map((p) => ({ profile: p.name, rules, isDefault: false }));
  print(io, values, set, function* () {
    yield `Alert rules of ${names} set; they apply from the next sample.`;
    for (const [i, profile] of profiles.entries()) {
      if (i === 0) continue;
      const differed = RULE_NAMES.filter((n) => !(n in changes) && current[i]!.rules[n] !== base[n]);
      if (differed.length > 0) {
        yield `Note: "${profile.name}" now has the same ${differed.join(', ')} as "${profiles[0]!.name}" ` +
          `(it had ${differed.map((n) => show(n, current[i]!.rules[n])).join(', ')}).`;
      }
    }
    yield* rulesTable(rules);
  });
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
