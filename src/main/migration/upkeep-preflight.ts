import type { PreflightItem } from '../../shared/migration';
import type { Queryable } from './db';
import { upkeepPromise } from './upkeep';

/**
 * The pre-flight's word on partition upkeep for native partitions: what
 * Tidemark keeps doing after the swap, and whether pg_partman is on the server
 * (it could take the table over with create_parent; Tidemark does not hand it
 * over). Read from pg_extension and pg_available_extensions.
 */
export async function upkeepItem(
  db: Queryable,
  partitionsAhead: number,
  retention: string | null,
): Promise<Omit<PreflightItem, 'fix' | 'sql' | 'objects'>> {
  const { rows } = await db.query<{
    installed: string | null;
    schema: string | null;
    available: string | null;
  }>(
    `SELECT e.extversion AS installed, n.nspname AS schema,
            (SELECT default_version FROM pg_catalog.pg_available_extensions WHERE name = 'pg_partman') AS available
       FROM (SELECT 1) one
       LEFT JOIN pg_catalog.pg_extension e ON e.extname = 'pg_partman'
       LEFT JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace`,
  );
  const partman = rows[0] ?? { installed: null, schema: null, available: null };
  const promise = upkeepPromise(partitionsAhead, retention);
  const instead =
    partman.installed !== null
      ? ` pg_partman ${partman.installed} is installed in this database (schema ${partman.schema}): the table ` +
        `could be handed to it instead after the swap, with ${partman.schema}.create_parent. Tidemark does not ` +
        'do that hand-over, and keeps its own upkeep for the table.'
      : partman.available !== null
        ? ` pg_partman ${partman.available} is available on the server but not created in this database: with ` +
          'CREATE EXTENSION pg_partman the table could be handed to it instead after the swap, with ' +
          'create_parent. Tidemark does not do that hand-over, and keeps its own upkeep for the table.'
        : '';
  return {
    id: 'partition_upkeep',
    category: 'server',
    title: 'Partition upkeep',
    status: 'pass',
    reason: promise + instead,
  };
}
