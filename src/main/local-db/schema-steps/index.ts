import { step001Profiles } from './001_profiles';
import { step002StorageSamples } from './002_storage_samples';
import { step003Heartbeats } from './003_heartbeats';
import { step004SettingsAndSchedules } from './004_settings_and_schedules';
import { step005MigrationJournal } from './005_migration_journal';
import { step006Alerts } from './006_alerts';
import { step007AlertStateAndWebhooks } from './007_alert_state_and_webhooks';
import { step008RateRules } from './008_rate_rules';
import { step009CleartextPassword } from './009_cleartext_password';
import { step010PartitionUpkeepAlert } from './010_partition_upkeep_alert';
import { step011CompactHistory } from './011_compact_history';
import { step012DatabaseSizeCadence } from './012_database_size_cadence';
import { step013DiskFacts } from './013_disk_facts';
import { step014FleetTagsAndDisk } from './014_fleet_tags_and_disk';
import { step015SshTunnel } from './015_ssh_tunnel';
import { step016DiskFullAlert } from './016_disk_full_alert';
import { step017Theme } from './017_theme';
import { step018DefaultsNotificationsArchive } from './018_defaults_notifications_archive';
import { step020SlowDiskFactsCadence } from './020_slow_disk_facts_cadence';
import { step021LatestSampleRows } from './021_latest_sample_rows';
import { step022LatestRelations } from './022_latest_relations';
import { step023UpkeepCadence } from './023_upkeep_cadence';
import type { SchemaStep } from './schema-step';

/** In order; a new migration is a new file appended here, never an edit of an old one. */
export const schemaSteps: readonly SchemaStep[] = [
  step001Profiles,
  step002StorageSamples,
  step003Heartbeats,
  step004SettingsAndSchedules,
  step005MigrationJournal,
  step006Alerts,
  step007AlertStateAndWebhooks,
  step008RateRules,
  step009CleartextPassword,
  step010PartitionUpkeepAlert,
  step011CompactHistory,
  step012DatabaseSizeCadence,
  step013DiskFacts,
  step014FleetTagsAndDisk,
  step015SshTunnel,
  step016DiskFullAlert,
  step017Theme,
  step018DefaultsNotificationsArchive,
  step020SlowDiskFactsCadence,
  step021LatestSampleRows,
  step022LatestRelations,
  step023UpkeepCadence,
];

export const latestSchemaVersion = schemaSteps.at(-1)?.version ?? 0;
