import type { ChartRange, Series, StorageOverview } from '../../shared/storage';
import type { CollectedSample } from '../collector/types';
import type { PruneOptions, PruneResult } from './retention';
import type { DownsampleOptions, DownsampleResult } from './tiers';

/**
 * The storage history as one narrow interface: what the sampling layer writes
 * and the Storage page reads. The local SQLite store (History) implements it;
 * a shared PostgreSQL/TimescaleDB store for a team would be one more adapter
 * behind it. Everything else the facade offers (growth, health, exports) is
 * built from these same stored samples.
 */
export interface HistoryStore {
  /**
   * Stores a whole sample, or nothing of it; returns its id. The one entry
   * point for a sample's facts: new kinds of facts are written here, in the
   * same transaction.
   */
  saveSample(profileId: string, sample: CollectedSample): number;
  /** The database total (no relation) or one relation over a range ending at `now`, bucketed for a chart. */
  series(profileId: string, relationId: number | undefined, range: ChartRange, now?: Date): Series;
  /** The latest sample with its top-level relations (complete: unchanged figures read back as stored). */
  overview(profileId: string): StorageOverview;
  /** Retention: drops samples older than the settings keep, in bounded batches. */
  prune(now?: Date, options?: PruneOptions): Promise<PruneResult>;
  /** Downsampling into the settings' tiers, in bounded batches. */
  downsample(now?: Date, options?: DownsampleOptions): Promise<DownsampleResult>;
}
