import { migration001Profiles } from './001_profiles';
import { migration002StorageSamples } from './002_storage_samples';
import { migration003Heartbeats } from './003_heartbeats';
import { migration004SettingsAndSchedules } from './004_settings_and_schedules';
import { migration005MigrationJournal } from './005_migration_journal';
import { migration006Alerts } from './006_alerts';
import { migration007AlertStateAndWebhooks } from './007_alert_state_and_webhooks';
import { migration008RateRules } from './008_rate_rules';
import { migration009CleartextPassword } from './009_cleartext_password';
import { migration010PartitionUpkeepAlert } from './010_partition_upkeep_alert';
import { migration011CompactHistory } from './011_compact_history';
import { migration012DatabaseSizeCadence } from './012_database_size_cadence';
import { migration013DiskFacts } from './013_disk_facts';
import { migration014FleetTagsAndDisk } from './014_fleet_tags_and_disk';
import { migration015SshTunnel } from './015_ssh_tunnel';
import { migration016DiskFullAlert } from './016_disk_full_alert';
import { migration017Theme } from './017_theme';
import { migration018DefaultsNotificationsArchive } from './018_defaults_notifications_archive';
import { migration020SlowDiskFactsCadence } from './020_slow_disk_facts_cadence';
import { migration021LatestSampleRows } from './021_latest_sample_rows';
import type { Migration } from './migration';

/** In order; a new migration is a new file appended here, never an edit of an old one. */
export const migrations: readonly Migration[] = [
  migration001Profiles,
  migration002StorageSamples,
  migration003Heartbeats,
  migration004SettingsAndSchedules,
  migration005MigrationJournal,
  migration006Alerts,
  migration007AlertStateAndWebhooks,
  migration008RateRules,
  migration009CleartextPassword,
  migration010PartitionUpkeepAlert,
  migration011CompactHistory,
  migration012DatabaseSizeCadence,
  migration013DiskFacts,
  migration014FleetTagsAndDisk,
  migration015SshTunnel,
  migration016DiskFullAlert,
  migration017Theme,
  migration018DefaultsNotificationsArchive,
  migration020SlowDiskFactsCadence,
  migration021LatestSampleRows,
];

export const latestSchemaVersion = migrations.at(-1)?.version ?? 0;
