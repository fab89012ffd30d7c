import type { MigrationSettings, MigrationTarget, ServerFacts, TimeColumn } from '../../shared/migration';
import { timescaleFeatures } from '../postgres/server-facts';
import type { TableInfo } from './catalog';
import type { TableObjects } from './dependents';
import { qi, qn } from './ident';
import { inboundNotValidOk } from './moves';
import { referencedColumns } from './sql-text';
import type { PreflightCheck } from './targets/target';
import { tuningItem } from './tuning';

/**
 * The pre-flight's items about what depends on the table: foreign keys both
 * ways, views, materialized views, triggers, policies, grants, publications,
 * rules and whatever else the swap moves, keeps or cannot take along.
 */

export interface DependentsContext {
  info: TableInfo;
  objects: TableObjects;
  server: ServerFacts;
  settings: MigrationSettings;
  target: MigrationTarget;
  time: TimeColumn;
}

export function dependentItems({
  info,
  objects,
  server,
  settings,
  target,
  time,
}: DependentsContext): PreflightCheck[] {
  const items: PreflightCheck[] = [];
  const add = (item: PreflightCheck) => items.push(item);
  const req = { target };
  const f = timescaleFeatures(server.timescaledb.installed);
  const newUnique = info.indexes
    .filter((i) => i.unique && i.valid && !i.partial && i.constraint?.type !== 'x')
    .map((i) => (i.keyColumns.includes(time.name) ? i.keyColumns : [...i.keyColumns, time.name]));
  for (const fk of objects.fksIn) {
    const refCols = referencedColumns(fk.definition);
    const keyOk = newUnique.some((u) => u.length === refCols.length && u.every((c) => refCols.includes(c)));
    const tsOk = req.target !== 'timescaledb' || f.fkToHypertable;
    const ok = keyOk && tsOk;
    const notValidOk = inboundNotValidOk(fk, server.versionNum);
    const checkedInSwap = ok && !notValidOk;
    const restored = notValidOk
      ? 'added NOT VALID inside it, then validated after its commit (rows written meanwhile that break it leave it NOT VALID, and the rollback says so).'
      : `checked inside it, as PostgreSQL before 18 cannot add it NOT VALID to the partitioned ${fk.table} (rows written meanwhile that break it stop the rollback until they are fixed).`;
    const why = !tsOk
      ? `TimescaleDB ${server.timescaledb.installed} does not allow foreign keys that reference a hypertable (2.16 does).`
      : `it references (${refCols.map(qi).join(', ')}), which will not be unique on its own in the new table.`;
    add({
      id: `dependent:fk_in:${fk.table}.${fk.name}`,
      category: 'dependents',
      title: `Foreign key ${qi(fk.name)} on ${fk.table}`,
      status:
        ok && !checkedInSwap ? 'pass' : ok || settings.dropUnsupportedForeignKeys ? 'warning' : 'blocking',
      reason: checkedInSwap
        ? `It will reference the new table, checked inside the swap (PostgreSQL before 18 cannot add it NOT VALID to the partitioned ${fk.table}): the lock is held while its rows are checked.`
        : ok
          ? 'It will reference the new table (added NOT VALID inside the swap, validated after it).'
          : `It cannot reference the new table: ${why}`,
      fix: ok
        ? null
        : settings.dropUnsupportedForeignKeys
          ? `Accepted: it will be dropped at the swap, and the database no longer checks those references. It is restored by a rollback: ${restored}`
          : `Add ${qi(time.name)} to the referencing table and reference (${[...refCols, time.name].map(qi).join(', ')}), or accept dropping it (settings.dropUnsupportedForeignKeys).`,
      objects: [`${fk.table}.${fk.name}`],
    });
  }
  if (objects.fksOut.length > 0) {
    const late = req.target === 'partitions' && server.versionNum < 180000;
    add({
      id: 'dependent:fk_out',
      category: 'dependents',
      title: 'Foreign keys to other tables',
      status: late ? 'warning' : 'pass',
      reason: late
        ? `${objects.fksOut.length} foreign key(s) are added to the new table inside the swap and checked there (PostgreSQL before 18 cannot add them NOT VALID to a partitioned table): the lock is held while they are checked.`
        : `${objects.fksOut.length} foreign key(s) move to the new table at the swap (NOT VALID, then validated without blocking writes).`,
      objects: objects.fksOut.map((x) => x.name),
    });
  }
  const views = objects.views.filter((v) => v.kind === 'view');
  if (views.length > 0) {
    add({
      id: 'dependent:views',
      category: 'dependents',
      title: 'Views',
      status: 'pass',
      reason: `${views.length} view(s) read the table; they are recreated against the new table inside the swap (same views: grants, owner and views on them are kept).`,
      objects: views.map((v) => qn(v.schema, v.name)),
    });
  }
  for (const mv of objects.views.filter((v) => v.kind === 'matview')) {
    add({
      id: `dependent:matview:${mv.schema}.${mv.name}`,
      category: 'dependents',
      title: `Materialized view ${qn(mv.schema, mv.name)}`,
      status: mv.dependents.length > 0 ? 'blocking' : 'warning',
      reason:
        mv.dependents.length > 0
          ? `It is rebuilt against the new table, but other views depend on it (${mv.dependents.join(', ')}).`
          : 'It is rebuilt against the new table inside the swap: its query runs while the lock is held.',
      fix:
        mv.dependents.length > 0
          ? 'Drop the views that depend on it, and recreate them after the migration.'
          : null,
      objects: [qn(mv.schema, mv.name)],
    });
  }
  const simple: [unknown[], string, string, string][] = [
    [
      objects.triggers,
      'triggers',
      'Triggers',
      'created on the new table at the swap (with the same enabled state); they do not fire during the copy',
    ],
    [
      objects.policies,
      'policies',
      'Row level security policies',
      'created on the new table at the swap, with the same RLS settings',
    ],
    [objects.grants, 'grants', 'Privileges', 'granted the same way on the new table at the swap'],
    [
      objects.partComments,
      'comments',
      'Comments on indexes and constraints',
      'set the same way on the new table at the swap (the table’s and its columns’ comments come along too)',
    ],
    [
      objects.ownedSequences,
      'sequences',
      'Owned sequences',
      'owned by the new table at the swap; defaults keep using them and cleanup does not drop them',
    ],
    [
      objects.identitySequences,
      'identity',
      'Identity columns',
      'the new identity sequence continues from the old one at the swap',
    ],
    [
      objects.functions,
      'functions',
      'SQL functions',
      'recreated at the swap so their bodies read the new table',
    ],
  ];
  for (const [list, id, title, what] of simple) {
    if (list.length === 0) continue;
    add({
      id: `dependent:${id}`,
      category: 'dependents',
      title,
      status: 'pass',
      reason: `${list.length}: ${what}.`,
    });
  }
  const tuning = tuningItem(objects, req.target);
  if (tuning) add(tuning);
  if (req.target === 'timescaledb' && objects.rowSecurity && settings.compressAfter !== null) {
    add({
      id: 'dependent:rls_compression',
      category: 'dependents',
      title: 'Row level security and compression',
      status: 'blocking',
      reason:
        'The table has row level security, and TimescaleDB refuses compression (columnstore) on a table with row security.',
      fix: 'Migrate without compression (compress after: none), or disable row level security if the application does not need it.',
    });
  }
  const oddTriggers = objects.triggers.filter((t) => t.enabled !== 'O');
  if (req.target === 'timescaledb' && oddTriggers.length > 0) {
    add({
      id: 'dependent:trigger_state',
      category: 'dependents',
      title: 'Disabled or replica-only triggers',
      status: 'warning',
      reason: `Hypertables cannot disable triggers or make them replica-only; ${oddTriggers.map((t) => qi(t.name)).join(', ')} will be created enabled.`,
      fix: 'Drop those triggers first if they must not fire, or choose native partitions.',
      objects: oddTriggers.map((t) => t.name),
    });
  }
  const pubs = objects.publications.filter((p) => !p.allTables);
  if (pubs.length > 0 || objects.publications.some((p) => p.allTables)) {
    add({
      id: 'dependent:publications',
      category: 'dependents',
      title: 'Publications (logical replication)',
      status: req.target === 'timescaledb' ? 'warning' : 'pass',
      reason:
        (pubs.length
          ? `The table is published by ${pubs.map((p) => qi(p.name)).join(', ')}; the new table takes its place at the swap.`
          : 'A FOR ALL TABLES publication includes it.') +
        (req.target === 'timescaledb'
          ? ' Rows of a hypertable live in its chunks: subscribers receive them from the chunk tables, not under the table name.'
          : ' Set publish_via_partition_root = true on the publication so subscribers see the table name, not the partitions.'),
      objects: objects.publications.map((p) => p.name),
    });
  }
  const filtered = pubs.filter((p) => (p.rowFilter !== null || p.columns !== null) && !p.viaRoot);
  if (req.target === 'partitions' && filtered.length > 0) {
    add({
      id: 'dependent:publication_filter',
      category: 'dependents',
      title: 'Publication with a row filter or column list',
      status: 'blocking',
      reason: `${filtered.map((p) => qi(p.name)).join(', ')} publish the table with a row filter or a column list, which PostgreSQL allows on a partitioned table only with publish_via_partition_root = true.`,
      fix: 'Set publish_via_partition_root on the publication (subscribers then see the table name, not the partitions).',
      sql: filtered
        .map((p) => `ALTER PUBLICATION ${qi(p.name)} SET (publish_via_partition_root = true);`)
        .join('\n'),
    });
  }
  if (objects.rules.length > 0) {
    add({
      id: 'dependent:rules',
      category: 'dependents',
      title: 'Rules',
      status: 'blocking',
      reason: `The table has rules (${objects.rules.map(qi).join(', ')}); Tidemark does not move rules.`,
      fix: 'Drop them before the migration and recreate them on the new table after it.',
      objects: objects.rules,
    });
  }
  if (objects.rowTypeUsers.length > 0) {
    add({
      id: 'dependent:row_type',
      category: 'dependents',
      title: "Objects using the table's row type",
      status: 'warning',
      reason: `These use the table's row type, which stays with the old table: ${objects.rowTypeUsers.join('; ')}. Cleanup cannot drop the old table while they exist.`,
      fix: "Recreate them with the new table's type after the swap (or use a composite type of their own).",
      objects: objects.rowTypeUsers,
    });
  }
  if (objects.others.length > 0) {
    add({
      id: 'dependent:others',
      category: 'dependents',
      title: 'Other dependent objects',
      status: 'warning',
      reason: `Tidemark does not move these; they keep referring to the old table: ${objects.others.join('; ')}.`,
      fix: 'Recreate them against the new table after the swap.',
      objects: objects.others,
    });
  }
  if (objects.securityLabels > 0) {
    add({
      id: 'dependent:security_labels',
      category: 'dependents',
      title: 'Security labels',
      status: 'warning',
      reason: 'The table has security labels; they are not copied.',
      fix: 'Set them on the new table after the swap (SECURITY LABEL).',
    });
  }
  if (objects.subscribed) {
    add({
      id: 'dependent:subscription',
      category: 'dependents',
      title: 'Logical replication target',
      status: 'warning',
      reason:
        'A subscription writes into this table. Its changes are captured too (the capture trigger fires ALWAYS), but the subscription keeps the old table until it refreshes.',
      fix: 'Run ALTER SUBSCRIPTION … REFRESH PUBLICATION after the swap.',
    });
  }

  return items;
}
