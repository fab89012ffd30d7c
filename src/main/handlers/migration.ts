import type { MigrationChannel } from '../../shared/channels/migration';
import type { MigrationService } from '../migration/service';
import type { HandlersFor } from '../router';

export function migrationHandlers(migrations: MigrationService): HandlersFor<MigrationChannel> {
  return {
    'migration:tables': (r) => migrations.call('migration:tables', r),
    'migration:describe': (r) => migrations.call('migration:describe', r),
    'migration:preflight': (r) => migrations.call('migration:preflight', r),
    'migration:create': (r) => migrations.call('migration:create', r),
    'migration:update': (r) => migrations.call('migration:update', r),
    'migration:discard': (r) => migrations.call('migration:discard', r),
    'migration:list': (r) => migrations.call('migration:list', r),
    'migration:get': (r) => migrations.call('migration:get', r),
    'migration:export': (r) => migrations.call('migration:export', r),
    'migration:run': (r) => migrations.call('migration:run', r),
    'migration:pause': (r) => migrations.call('migration:pause', r),
    'migration:resume': (r) => migrations.call('migration:resume', r),
    'migration:cancel': (r) => migrations.call('migration:cancel', r),
    'migration:swap': (r) => migrations.call('migration:swap', r),
    'migration:validate': (r) => migrations.call('migration:validate', r),
    'migration:policies': (r) => migrations.call('migration:policies', r),
    'migration:rollback': (r) => migrations.call('migration:rollback', r),
    'migration:cleanup': (r) => migrations.call('migration:cleanup', r),
    'partitions:maintain': (r) => migrations.call('partitions:maintain', r),
  };
}
