import type { PreflightItem } from '../../shared/migration';
import type { ExtensionFacts } from '../postgres/server-facts';
import { upkeepPromise } from './upkeep';

/**
 * The pre-flight's word on partition upkeep for native partitions: what
 * Tidemark keeps doing after the swap, and whether pg_partman is on the server
 * (it could take the table over with create_parent; Tidemark does not hand it
 * over). From the server's probed facts (postgres/server-facts.ts).
 */
export function upkeepItem(
  partman: ExtensionFacts,
  partitionsAhead: number,
  retention: string | null,
): Omit<PreflightItem, 'fix' | 'sql' | 'objects'> {
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
