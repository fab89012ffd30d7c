import type { MigrationChannel } from '../../shared/channels/migration';
import type { MigrationService } from '../migration/service';
import type { HandlersFor } from '../router';

export function migrationHandlers(migrations: MigrationService): HandlersFor<MigrationChannel> {
  return {
    'migration:listTables': ({ profileId }) => migrations.tables(profileId),
    'migration:describe': (r) => migrations.describe(r),
    'migration:preflight': (r) => migrations.preflight(r),
    'migration:create': (r) => migrations.create(r),
    'migration:update': ({ id, settings }) => migrations.update(id, settings),
    'migration:discard': ({ id }) => migrations.discard(id),
    'migration:list': ({ profileId }) => migrations.list(profileId),
    'migration:get': ({ id }) => migrations.get(id),
    'migration:export': ({ id }) => migrations.export(id),
    'migration:run': ({ id }) => migrations.start(id, false),
    'migration:pause': ({ id }) => migrations.pause(id),
    'migration:resume': ({ id }) => migrations.resume(id),
    'migration:cancel': ({ id }) => migrations.cancel(id),
    'migration:swap': ({ id }) => migrations.start(id, true),
    'migration:validate': ({ id }) => migrations.validate(id),
    'migration:listPolicies': ({ id }) => migrations.policies(id),
    'migration:rollback': ({ id }) => migrations.rollback(id),
    'migration:cleanup': ({ id, confirmTableName }) => migrations.cleanup(id, confirmTableName),
    'partitions:maintain': ({ profileId, table }) => migrations.maintainPartitions(profileId, table),
  };
}
