import { z } from 'zod';
import { diskFactsViewSchema } from '../disk-facts';
import { profileSchema } from '../profile';
import {
  chartRanges,
  growerSchema,
  growthSchema,
  healthDetailSchema,
  healthSummarySchema,
  relationRowSchema,
  sampleReadingsSchema,
  sampleResultSchema,
  scheduleSchema,
  scheduleStateSchema,
  seriesSchema,
  settingsSchema,
  storageOverviewSchema,
} from '../storage';
import { type ChannelSpec, empty, profileIdRequest } from './common';

const relationId = z.number().int().positive('Choose a relation from the list.');
const range = z.enum(chartRanges, { error: 'Range must be one of 24h, 7d, 30d, 90d, all.' });

export const storageChannels = {
  /** The Storage page: latest sample, its relations, and whether the server answers. */
  'storage:overview': { request: profileIdRequest, response: storageOverviewSchema },
  /** The chunks or partitions of one hypertable / partitioned table in the latest sample. */
  'storage:children': {
    request: profileIdRequest.extend({ relationId }),
    response: z.array(relationRowSchema),
  },
  'storage:sampleNow': { request: profileIdRequest, response: sampleResultSchema },
  /** Database total (no relationId) or one relation, bucketed in main for the chart. */
  'storage:series': {
    request: profileIdRequest.extend({ relationId: relationId.optional(), range }),
    response: seriesSchema,
  },
  /** Every stored sample in the range, unbucketed: what a CSV export writes. */
  'storage:samples': {
    request: profileIdRequest.extend({ relationId: relationId.optional(), range }),
    response: sampleReadingsSchema,
  },
  'storage:topGrowers': {
    request: profileIdRequest.extend({
      range: z.enum(['24h', '7d', '30d', '90d'], { error: 'Range must be one of 24h, 7d, 30d, 90d.' }),
      limit: z.number().int().min(1).max(100).default(10),
    }),
    response: z.array(growerSchema),
  },
  /** Growth rate and when a size threshold is reached at the current rate. */
  'storage:growth': {
    request: profileIdRequest.extend({
      relationId: relationId.optional(),
      thresholdBytes: z.number().positive('The threshold must be a positive number of bytes.').optional(),
    }),
    response: growthSchema,
  },
  /** WAL, slots, XID ages, bloat, index usage, temp files and tablespaces of the latest sample; null before one. */
  'storage:diskFacts': { request: profileIdRequest, response: diskFactsViewSchema.nullable() },

  'schedule:get': { request: profileIdRequest, response: scheduleStateSchema },
  'schedule:set': {
    request: profileIdRequest.extend({ schedule: scheduleSchema }),
    response: scheduleStateSchema,
  },

  'settings:get': { request: empty, response: settingsSchema },
  'settings:update': { request: settingsSchema, response: settingsSchema },

  'health:overview': { request: empty, response: z.array(healthSummarySchema) },
  'health:profile': {
    request: profileIdRequest.extend({
      range: z.enum(['24h', '7d', '30d'], { error: 'Range must be 24h, 7d or 30d.' }),
    }),
    response: healthDetailSchema,
  },

  /** Starts the local demo server (embedded PostgreSQL in the data folder) and its profile. */
  'demo:start': { request: empty, response: z.object({ profile: profileSchema }) },
  'demo:status': {
    request: empty,
    response: z.object({ running: z.boolean(), profileId: z.string().nullable() }),
  },
} as const satisfies Record<string, ChannelSpec>;

export type StorageChannel = keyof typeof storageChannels;

export const storageEvents = {
  /** A storage sample finished (or failed) for a profile. */
  'storage:sampled': z.object({
    profileId: z.string(),
    ok: z.boolean(),
    at: z.string(),
    sampleId: z.number().nullable(),
    message: z.string().nullable(),
  }),
} as const;
