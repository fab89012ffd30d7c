import { formatBytes } from '../../shared/bytes';
import { displayName } from '../../shared/ident';
import { formatSpan } from '../../shared/span';
import type { Growth } from '../../shared/storage';
import type { Tidemark } from '../app';
import {
  type CliIo,
  type CliValues,
  type CommandGroup,
  call,
  print,
  profileByName,
  UsageError,
} from './common';

const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function rateLine(g: Growth): string {
  if (g.bytesPerDay === null || g.fit === null) return `none: ${g.noRate}`;
  const sign = g.bytesPerDay < 0 ? '' : '+';
  return (
    `${sign}${formatBytes(g.bytesPerDay)} a day (Theil–Sen fit over ${formatSpan(g.fit.spanMs)}, ` +
    `${g.fit.samples} samples, ${utc(g.fit.from)} to ${utc(g.fit.to)})`
  );
}

function forecastLine(g: Growth): string {
  const threshold = `the ${formatBytes(g.thresholdBytes)} critical size`;
  if (g.currentBytes !== null && g.currentBytes >= g.thresholdBytes) return `already above ${threshold}.`;
  if (g.bytesPerDay === null) return 'none without a rate.';
  if (g.bytesPerDay <= 0) return `not growing: never reaches ${threshold} at this rate.`;
  if (g.reachesAt === null || g.daysLeft === null) return `not within 100 years at this rate.`;
  const days =
    g.daysLeft < 1 ? 'within a day' : `in about ${Math.round(g.daysLeft).toLocaleString('en-US')} days`;
  return `reaches ${threshold} ${days}, around ${g.reachesAt.slice(0, 10)}.`;
}

async function growth(app: Tidemark, name: string | undefined, values: CliValues, io: CliIo) {
  if (!name)
    throw new UsageError('growth needs a profile name: tidemark growth NAME [--relation R] [--json]');
  const profile = await profileByName(app, name);
  const relation =
    typeof values.relation === 'string'
      ? app.monitoring.history.log.findRelation(profile.id, values.relation)
      : null;
  const { rules } = await call(app, 'rules:get', { profileId: profile.id });
  const g = await call(app, 'storage:getGrowth', {
    profileId: profile.id,
    thresholdBytes: rules.sizeCriticalBytes,
    ...(relation ? { relationId: relation.id } : {}),
  });
  const subject = relation ? `relation ${displayName(relation.schema, relation.name)}` : 'database';

  print(io, values, { profile: profile.name, subject, ...g }, function* () {
    yield `Growth of the ${subject} of "${profile.name}":`;
    yield `  Now:       ${g.currentBytes === null ? 'no sample yet' : formatBytes(g.currentBytes)}`;
    yield `  Rate:      ${rateLine(g)}`;
    yield `  Forecast:  ${forecastLine(g)}`;
    yield `A rate needs at least ${g.requirement.minSamples} samples over at least ` +
      `${formatSpan(g.requirement.minWindowMs)} (rateMinSamples, rateWindowHours in \`tidemark rules\`).`;
  });
}

export const growthCommands: CommandGroup = {
  usage:
    '  growth NAME [--relation R] [--json]    growth rate, the window and samples it is fitted over,\n' +
    '                                         and when the critical size is reached, or why not yet',
  run: (app, [name], values, io) => growth(app, name, values, io),
};
