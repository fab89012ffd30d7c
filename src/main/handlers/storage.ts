import type { StorageChannel } from '../../shared/channels/storage';
import type { RateRequirement } from '../../shared/storage';
import { measureExactBloat } from '../collector/exact-bloat';
import { dataFolderUsage } from '../data-folder';
import { AppError } from '../errors';
import type { HandlersFor } from '../router';
import type { Monitoring } from '../sampling/monitoring';
import { parseSchedule } from '../sampling/schedule';
import type { Services } from '../services';

/** A schedule the sampling layer cannot read is refused, its reason on the field it came from. */
function checkSchedule(text: string, field: string): void {
  try {
    parseSchedule(text);
  } catch (err) {
    if (err instanceof AppError) throw new AppError(err.code, err.message, { [field]: err.message });
    throw err;
  }
}

/** `rateRequirement`: what a rate of the profile needs before it is shown (its alert rules say). */
export function storageHandlers(
  s: Services,
  m: Monitoring,
  rateRequirement: (profileId: string) => RateRequirement,
): HandlersFor<StorageChannel> {
  const { history, runner, scheduler, demo } = m;

  /** An archived profile's history reads; sampling it or scheduling it is refused, saying why. */
  const watched = (profileId: string) => {
    const profile = s.profiles.get(profileId);
    if (profile.archivedAt) {
      throw new AppError(
        'conflict',
        `"${profile.name}" is archived: it is not sampled. Restore it under Settings › Archived servers to watch it again.`,
      );
    }
  };

  const scheduleState = (profileId: string) => {
    const stored = history.scheduleOf(profileId);
    return {
      storage: stored.storage,
      heartbeatSeconds: stored.heartbeatSeconds,
      lastSampleAt: stored.lastSampleAt?.toISOString() ?? null,
      nextSampleAt: scheduler.nextSampleAt(profileId)?.toISOString() ?? null,
    };
  };

  return {
    'storage:getOverview': ({ profileId, relations }) => {
      s.profiles.get(profileId);
      return history.overview(profileId, { relations });
    },
    'storage:listChildren': ({ profileId, relationId }) => history.children(profileId, relationId),
    'storage:listRelations': ({ profileId, query }) => history.relationPage(profileId, query),
    'storage:sampleNow': ({ profileId }) => {
      watched(profileId);
      return runner.run(profileId, 'manual');
    },
    'storage:getSeries': ({ profileId, relationId, range }) =>
      history.series(profileId, relationId, range, s.now()),
    'storage:listSamples': ({ profileId, relationId, range }) =>
      history.readings(profileId, relationId, range, s.now()),
    'storage:listTopGrowers': ({ profileId, range, limit }) => history.topGrowers(profileId, range, limit),
    'storage:getGrowth': ({ profileId, relationId, thresholdBytes }) =>
      history.growth(profileId, {
        relationId,
        thresholdBytes,
        requirement: rateRequirement(profileId),
        now: s.now(),
      }),
    'storage:getDiskFacts': ({ profileId }) => history.latestDiskFactsView(profileId),
    'storage:exactBloat': ({ profileId, schema, name }) => {
      s.profiles.get(profileId);
      return s.pools.withClient(profileId, (client) => measureExactBloat(client, { schema, name }, s.now));
    },

    'schedule:get': ({ profileId }) => scheduleState(profileId),
    'schedule:set': ({ profileId, schedule }) => {
      watched(profileId);
      parseSchedule(schedule.storage);
      history.schedules.set(profileId, schedule);
      scheduler.plan(profileId);
      return scheduleState(profileId);
    },

    'settings:get': () => history.settings.get(),
    'settings:set': (settings) => {
      if (settings.defaultSchedule !== undefined) checkSchedule(settings.defaultSchedule, 'defaultSchedule');
      return history.settings.update(settings);
    },
    'settings:getDataFolder': () => dataFolderUsage(s.dataDir, demo.status()),

    'health:getOverview': () => history.healthOverview(s.now()),
    'health:getProfile': ({ profileId, range }) => history.healthDetail(profileId, range, s.now()),

    'demo:start': () => demo.start(),
    'demo:getStatus': ({ size }) => demo.status({ size }),
    'demo:delete': () => demo.remove(),
  };
}
