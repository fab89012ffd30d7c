import { z } from 'zod';
import { diskFactsViewSchema, exactBloatRequestSchema, exactBloatSchema } from '../disk-facts';
import { profileSchema } from '../profile';
import {
  chartRanges,
  dataFolderSchema,
  growerRanges,
  growerSchema,
  growthSchema,
  healthDetailSchema,
  healthRanges,
  healthSummarySchema,
  relationPageRequestSchema,
  relationPageSchema,
  relationRowSchema,
  sampleReadingsSchema,
  sampleResultSchema,
  scheduleSchema,
  scheduleStateSchema,
  seriesSchema,
  settingsSchema,
  settingsUpdateSchema,
  storageOverviewSchema,
} from '../storage';
import { type ChannelSpec, empty, profileIdRequest } from './common';

const relationId = z.number().int().positive('Choose a relation from the list.');
const range = z.enum(chartRanges, { error: 'Range must be one of 24h, 7d, 30d, 90d, all.' });

const demoStatusSchema = z.object({
  running: z.boolean(),
  /** The profile that watches it, while that profile exists. */
  profileId: z.string().nullable(),
  /** Its cluster exists on disk (it was started once and not deleted). */
  setUp: z.boolean(),
  /** Where its files are: the data folder, or a temp folder when Tidemark runs as root. */
  location: z.string(),
  inDataFolder: z.boolean(),
  /** Null unless asked for: it walks every file of the cluster. */
  sizeBytes: z.number().nullable(),
});
export type DemoStatus = z.infer<typeof demoStatusSchema>;

export const storageChannels = {
  /** The Storage page: latest sample, its relations, and whether the server answers. */
  'storage:getOverview': {
    // relations: false for the Storage page, which reads them in windows (storage:relations).
    request: profileIdRequest.extend({ relations: z.boolean().default(true) }),
    response: storageOverviewSchema,
  },
  /** A window of the latest sample's relations, sorted, filtered and searched in main. */
  'storage:listRelations': {
    request: profileIdRequest.extend({ query: relationPageRequestSchema }),
    response: relationPageSchema,
  },
  /** The chunks or partitions of one hypertable / partitioned table in the latest sample. */
  'storage:listChildren': {
    request: profileIdRequest.extend({ relationId }),
    response: z.array(relationRowSchema),
  },
  'storage:sampleNow': { request: profileIdRequest, response: sampleResultSchema },
  /** Database total (no relationId) or one relation, bucketed in main for the chart. */
  'storage:getSeries': {
    request: profileIdRequest.extend({ relationId: relationId.optional(), range }),
    response: seriesSchema,
  },
  /** Every stored sample in the range, unbucketed: what a CSV export writes. */
  'storage:listSamples': {
    request: profileIdRequest.extend({ relationId: relationId.optional(), range }),
    response: sampleReadingsSchema,
  },
  'storage:listTopGrowers': {
    request: profileIdRequest.extend({
      range: z.enum(growerRanges, { error: `Range must be one of ${growerRanges.join(', ')}.` }),
      limit: z.number().int().min(1).max(100).default(10),
    }),
    response: z.array(growerSchema),
  },
  /** Growth rate and when a size threshold is reached at the current rate. */
  'storage:getGrowth': {
    request: profileIdRequest.extend({
      relationId: relationId.optional(),
      thresholdBytes: z.number().positive('The threshold must be a positive number of bytes.').optional(),
    }),
    response: growthSchema,
  },
  /** WAL, slots, XID ages, bloat, index usage, temp files and tablespaces of the latest sample; null before one. */
  'storage:getDiskFacts': { request: profileIdRequest, response: diskFactsViewSchema.nullable() },
  /** One relation's bloat measured now by pgstattuple (when installed), bounded by a statement timeout. */
  'storage:exactBloat': { request: exactBloatRequestSchema, response: exactBloatSchema },

  'schedule:get': { request: profileIdRequest, response: scheduleStateSchema },
  'schedule:set': {
    request: profileIdRequest.extend({ schedule: scheduleSchema }),
    response: scheduleStateSchema,
  },

  'settings:get': { request: empty, response: settingsSchema },
  'settings:set': { request: settingsUpdateSchema, response: settingsSchema },
  /** Where the data folder is and the size of each part in it (walks the demo cluster's files). */
  'settings:getDataFolder': { request: empty, response: dataFolderSchema },

  'health:getOverview': { request: empty, response: z.array(healthSummarySchema) },
  'health:getProfile': {
    request: profileIdRequest.extend({
      range: z.enum(healthRanges, { error: 'Range must be 24h, 7d or 30d.' }),
    }),
    response: healthDetailSchema,
  },

  /** Starts the local demo server (embedded PostgreSQL in the data folder) and its profile. */
  'demo:start': { request: empty, response: z.object({ profile: profileSchema }) },
  /** `size`: also walk the cluster's files for their size (Settings asks; the badge does not). */
  'demo:getStatus': { request: z.object({ size: z.boolean().optional() }), response: demoStatusSchema },
  /** Deletes the demo's profile (and its history), stops its server and deletes its files. */
  'demo:delete': { request: empty, response: demoStatusSchema },
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
