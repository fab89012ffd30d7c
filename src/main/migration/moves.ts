import type { DroppedForeignKey, Grant, TableObjects, ViewInfo } from './dependents';
import { qi, ql, qn } from './ident';
import { orReplaceTrigger, replaceReferencedTable, replaceTriggerTable } from './sql-text';
import { tuningStatements } from './tuning';

/**
 * The statements that give another table what dependents.ts read from the
 * catalog for one table: grants, policies, triggers, views, foreign keys both
 * ways, sequences, comments, publications, tuning. The swap uses them forward,
 * the rollback backward, the plan shows them.
 */

export interface MoveContext {
  /** `from` and `to` as they are named when the statements run (after the renames). */
  from: string;
  to: string;
  versionNum: number;
  /** The `to` table is a native partitioned table (NOT VALID foreign keys need PostgreSQL 18 there). */
  toPartitioned: boolean;
  /** The `to` table is a hypertable. */
  toHypertable: boolean;
  /** Inbound foreign keys that cannot point at `to` and are dropped instead (settings.dropUnsupportedForeignKeys). */
  dropInbound: Set<string>;
  /** Replica identity index on `to`, by its final name. */
  replicaIndex: string | null;
  /** Leave `from`'s own foreign keys (the rollback drops that table right after). */
  keepFromConstraints?: boolean;
  /** Rollback: inbound foreign keys the swap dropped, to add back (`table` as it is named now). */
  restoreInbound?: DroppedForeignKey[];
}

export interface MoveStatement {
  kind: string;
  name: string;
  action: string;
  sql: string[];
  /** Run after the swap commits (constraint validation): slow, but takes no lock the application waits on. */
  after?: string[];
}

function grantSql(g: Grant, target: string): string {
  const who = g.grantee === null ? 'PUBLIC' : qi(g.grantee);
  const priv = g.column ? `${g.privilege} (${qi(g.column)})` : g.privilege;
  return `GRANT ${priv} ON TABLE ${target} TO ${who}${g.grantable ? ' WITH GRANT OPTION' : ''};`;
}

function revokeSql(g: Grant, target: string): string {
  const who = g.grantee === null ? 'PUBLIC' : qi(g.grantee);
  const priv = g.column ? `${g.privilege} (${qi(g.column)})` : g.privilege;
  return `REVOKE ${priv} ON TABLE ${target} FROM ${who};`;
}

const grantKey = (g: Grant) => `${g.grantee ?? ''}|${g.privilege}|${g.column ?? ''}|${g.grantable}`;

function policySql(p: TableObjects['policies'][number], target: string): string[] {
  const roles = p.roles.map((r) => (r === 'PUBLIC' ? 'PUBLIC' : qi(r))).join(', ');
  return [
    `DROP POLICY IF EXISTS ${qi(p.name)} ON ${target};`,
    `CREATE POLICY ${qi(p.name)} ON ${target} AS ${p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${p.command} TO ${roles}${
      p.using ? ` USING (${p.using})` : ''
    }${p.check ? ` WITH CHECK (${p.check})` : ''};`,
  ];
}

const triggerState: Record<string, string> = {
  O: 'ENABLE',
  D: 'DISABLE',
  R: 'ENABLE REPLICA',
  A: 'ENABLE ALWAYS',
};

/** Recreates a view (same OID, so grants, owner and views on it stay) against whatever its names now mean. */
function viewSql(v: ViewInfo): MoveStatement {
  const name = qn(v.schema, v.name);
  const withOptions = v.options?.length ? ` WITH (${v.options.join(', ')})` : '';
  const definition = v.definition.trim().replace(/;$/, '');
  if (v.kind === 'view') {
    return {
      kind: 'view',
      name,
      action:
        'recreated with CREATE OR REPLACE VIEW against the new table (same view: grants, owner and dependent views kept)',
      sql: [`CREATE OR REPLACE VIEW ${name}${withOptions} AS ${definition};`],
    };
  }
  const sql = [
    `DROP MATERIALIZED VIEW ${name};`,
    `CREATE MATERIALIZED VIEW ${name}${withOptions}${v.tablespace ? ` TABLESPACE ${qi(v.tablespace)}` : ''} AS ${definition} WITH ${v.populated ? '' : 'NO '}DATA;`,
    ...v.indexes.map((i) => `${i};`),
    `ALTER MATERIALIZED VIEW ${name} OWNER TO ${qi(v.owner)};`,
    ...v.grants.map((g) => grantSql(g, name)),
  ];
  if (v.comment !== null) sql.push(`COMMENT ON MATERIALIZED VIEW ${name} IS ${ql(v.comment)};`);
  return {
    kind: 'materialized view',
    name,
    action: 'rebuilt against the new table (with its indexes, owner, grants and comment)',
    sql,
  };
}

/**
 * Adds back an inbound foreign key the swap dropped, with its name, actions,
 * deferrability and match type: NOT VALID inside the rollback's transaction
 * (no scan under the lock), VALIDATE after the commit (it does not block writes).
 */
/**
 * Whether a foreign key of another table can be added NOT VALID (and validated
 * after the commit): PostgreSQL before 18 refuses that on a partitioned table,
 * so there it is checked when added, inside the swap.
 */
export function inboundNotValidOk(fk: { partitioned?: boolean }, versionNum: number): boolean {
  return !fk.partitioned || versionNum >= 180000;
}

export function restoreForeignKey(fk: DroppedForeignKey, T: string, versionNum: number): MoveStatement {
  const def = replaceReferencedTable(fk.definition, T);
  const addNotValid = !/\bNOT VALID$/.test(def) && inboundNotValidOk(fk, versionNum);
  return {
    kind: 'foreign key (referencing)',
    name: `${fk.table}.${fk.name}`,
    action: !fk.validated
      ? 'restored (NOT VALID, as it was)'
      : addNotValid
        ? 'restored (added NOT VALID, then validated after the commit)'
        : 'restored (checked when added: PostgreSQL before 18 cannot add it NOT VALID to a partitioned table)',
    sql: [
      `ALTER TABLE ${fk.table} ADD CONSTRAINT ${qi(fk.name)} ${def}${addNotValid ? ' NOT VALID' : ''};`,
      ...(fk.comment ? [`COMMENT ON CONSTRAINT ${qi(fk.name)} ON ${fk.table} IS ${ql(fk.comment)};`] : []),
    ],
    after: addNotValid && fk.validated ? [`ALTER TABLE ${fk.table} VALIDATE CONSTRAINT ${qi(fk.name)};`] : [],
  };
}

/**
 * Statements that give `to` what `from` has and take from `from` what must not
 * stay there (foreign keys, publication membership, sequence ownership). Both
 * snapshots are read before the renames; the statements use the names after them.
 */
export function moveStatements(from: TableObjects, to: TableObjects, ctx: MoveContext): MoveStatement[] {
  const out: MoveStatement[] = [];
  const T = ctx.to;
  const F = ctx.from;

  if (from.owner !== to.owner) {
    out.push({
      kind: 'owner',
      name: from.owner,
      action: 'the new table gets the same owner',
      sql: [`ALTER TABLE ${T} OWNER TO ${qi(from.owner)};`],
    });
  }
  const wanted = new Set(from.grants.map(grantKey));
  const have = new Set(to.grants.map(grantKey));
  const grantSqls = [
    ...to.grants.filter((g) => !wanted.has(grantKey(g))).map((g) => revokeSql(g, T)),
    ...from.grants.filter((g) => !have.has(grantKey(g))).map((g) => grantSql(g, T)),
  ];
  if (grantSqls.length > 0) {
    out.push({
      kind: 'grants',
      name: `${from.grants.length} privileges`,
      action: 'granted the same way',
      sql: grantSqls,
    });
  }
  if (from.comment !== to.comment) {
    out.push({
      kind: 'comment',
      name: 'table comment',
      action: 'copied',
      sql: [`COMMENT ON TABLE ${T} IS ${from.comment === null ? 'NULL' : ql(from.comment)};`],
    });
  }
  for (const seq of from.ownedSequences) {
    out.push({
      kind: 'sequence',
      name: seq.sequence,
      action: `now owned by the new table's ${seq.column} (cleanup will not drop it; defaults keep using it)`,
      sql: [`ALTER SEQUENCE ${seq.sequence} OWNED BY ${T}.${qi(seq.column)};`],
    });
  }
  for (const seq of from.identitySequences) {
    const target = to.identitySequences.find((s) => s.column === seq.column);
    if (!target) continue;
    out.push({
      kind: 'identity',
      name: `${seq.column}`,
      action: 'the new identity sequence continues where the old one stopped',
      // The plan names the new table's sequence by an expression (it does not exist yet); the swap by its name.
      sql: [
        `SELECT setval(${target.sequence.startsWith('pg_get_serial_sequence(') ? target.sequence : `${ql(target.sequence)}::regclass`}, s.last_value, s.is_called) FROM ${seq.sequence} s;`,
      ],
    });
  }
  for (const st of from.statisticsTargets) {
    if (to.statisticsTargets.some((x) => x.column === st.column && x.target === st.target)) continue;
    out.push({
      kind: 'statistics target',
      name: st.column,
      action: `SET STATISTICS ${st.target}`,
      sql: [`ALTER TABLE ${T} ALTER COLUMN ${qi(st.column)} SET STATISTICS ${Math.trunc(st.target)};`],
    });
  }
  out.push(...tuningStatements(from, to, T, ctx.versionNum));
  if (
    from.replicaIdentity !== 'd' &&
    (from.replicaIdentity !== to.replicaIdentity || from.replicaIdentity === 'i')
  ) {
    const clause =
      from.replicaIdentity === 'f'
        ? 'FULL'
        : from.replicaIdentity === 'n'
          ? 'NOTHING'
          : ctx.replicaIndex
            ? `USING INDEX ${qi(ctx.replicaIndex)}`
            : null;
    if (clause) {
      out.push({
        kind: 'replica identity',
        name: clause,
        action: 'set the same way',
        sql: [`ALTER TABLE ${T} REPLICA IDENTITY ${clause};`],
      });
    }
  }

  // Foreign keys from `from` to other tables: on `to` instead (NOT VALID, validated after the swap).
  const notValidOk = !ctx.toPartitioned || ctx.versionNum >= 180000;
  for (const fk of from.fksOut) {
    let def = fk.definition;
    if (fk.selfReference) def = replaceReferencedTable(def, T);
    const alreadyNotValid = /\bNOT VALID$/.test(def);
    const addNotValid = notValidOk && !alreadyNotValid;
    const sql: string[] = ctx.keepFromConstraints
      ? []
      : [`ALTER TABLE ${F} DROP CONSTRAINT IF EXISTS ${qi(fk.name)};`];
    if (!to.constraintNames.includes(fk.name)) {
      sql.push(`ALTER TABLE ${T} ADD CONSTRAINT ${qi(fk.name)} ${def}${addNotValid ? ' NOT VALID' : ''};`);
    }
    out.push({
      kind: 'foreign key',
      name: fk.name,
      action:
        addNotValid && fk.validated
          ? 'moved to the new table (validated after the swap)'
          : 'moved to the new table',
      sql,
      after: addNotValid && fk.validated ? [`ALTER TABLE ${T} VALIDATE CONSTRAINT ${qi(fk.name)};`] : [],
    });
  }
  // Foreign keys of other tables that reference `from`: re-pointed at `to`.
  for (const fk of from.fksIn) {
    const drop = `ALTER TABLE ${fk.table} DROP CONSTRAINT IF EXISTS ${qi(fk.name)};`;
    if (ctx.dropInbound.has(`${fk.table}.${fk.name}`)) {
      out.push({
        kind: 'foreign key (referencing)',
        name: `${fk.table}.${fk.name}`,
        action: 'dropped: it cannot reference the new table (settings.dropUnsupportedForeignKeys)',
        sql: [drop],
      });
      continue;
    }
    const def = replaceReferencedTable(fk.definition, T);
    const addNotValid = !/\bNOT VALID$/.test(def) && inboundNotValidOk(fk, ctx.versionNum);
    out.push({
      kind: 'foreign key (referencing)',
      name: `${fk.table}.${fk.name}`,
      action:
        addNotValid || !fk.validated
          ? 'now references the new table (validated after the swap)'
          : 'now references the new table (checked inside the swap: PostgreSQL before 18 cannot add it NOT VALID to a partitioned table)',
      sql: [
        drop,
        `ALTER TABLE ${fk.table} ADD CONSTRAINT ${qi(fk.name)} ${def}${addNotValid ? ' NOT VALID' : ''};`,
      ],
      after:
        addNotValid && fk.validated ? [`ALTER TABLE ${fk.table} VALIDATE CONSTRAINT ${qi(fk.name)};`] : [],
    });
  }

  // Dropped by the swap because they could not reference the new table: back as they were, checked after the commit.
  for (const fk of ctx.restoreInbound ?? []) {
    if (from.fksIn.some((x) => x.tableOid === fk.tableOid && x.name === fk.name)) continue;
    out.push(restoreForeignKey(fk, T, ctx.versionNum));
  }

  for (const t of from.triggers) {
    const def = replaceTriggerTable(t.definition, T);
    const exists = to.triggers.some((x) => x.name === t.name);
    const sql =
      ctx.versionNum >= 140000
        ? [`${orReplaceTrigger(def)};`]
        : [...(exists ? [`DROP TRIGGER IF EXISTS ${qi(t.name)} ON ${T};`] : []), `${def};`];
    // Hypertables refuse ENABLE/DISABLE TRIGGER: the pre-flight warns that such a trigger ends up enabled.
    const settable = t.enabled !== 'O' && !ctx.toHypertable;
    if (settable) sql.push(`ALTER TABLE ${T} ${triggerState[t.enabled] ?? 'ENABLE'} TRIGGER ${qi(t.name)};`);
    out.push({
      kind: 'trigger',
      name: t.name,
      action:
        t.enabled !== 'O' && !settable
          ? 'created on the new table (enabled: hypertables cannot disable triggers)'
          : 'created on the new table',
      sql,
    });
  }

  if (from.rowSecurity !== to.rowSecurity || from.forceRowSecurity !== to.forceRowSecurity) {
    out.push({
      kind: 'row level security',
      name: from.rowSecurity ? 'enabled' : 'disabled',
      action: 'set the same way',
      sql: [
        `ALTER TABLE ${T} ${from.rowSecurity ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY;`,
        `ALTER TABLE ${T} ${from.forceRowSecurity ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY;`,
      ],
    });
  }
  for (const p of from.policies) {
    out.push({ kind: 'policy', name: p.name, action: 'created on the new table', sql: policySql(p, T) });
  }

  for (const pub of from.publications) {
    if (pub.allTables) continue;
    const member = to.publications.some((p) => p.name === pub.name && !p.allTables);
    const cols = pub.columns ? ` (${pub.columns.map(qi).join(', ')})` : '';
    const where = pub.rowFilter ? ` WHERE (${pub.rowFilter})` : '';
    out.push({
      kind: 'publication',
      name: pub.name,
      action: 'the new table is published instead',
      sql: [
        `ALTER PUBLICATION ${qi(pub.name)} DROP TABLE ${F};`,
        ...(member ? [] : [`ALTER PUBLICATION ${qi(pub.name)} ADD TABLE ${T}${cols}${where};`]),
      ],
    });
  }

  // Indexes are built, and constraints added, without the comments: put them back, under the names they have now.
  const comments = [
    ...from.partComments.map((c) =>
      c.kind === 'index'
        ? `COMMENT ON INDEX ${qn(from.schema, c.name)} IS ${ql(c.comment)};`
        : `COMMENT ON CONSTRAINT ${qi(c.name)} ON ${T} IS ${ql(c.comment)};`,
    ),
    ...from.fksIn
      .filter((fk) => fk.comment !== null && !ctx.dropInbound.has(`${fk.table}.${fk.name}`))
      .map((fk) => `COMMENT ON CONSTRAINT ${qi(fk.name)} ON ${fk.table} IS ${ql(fk.comment ?? '')};`),
  ];
  if (comments.length > 0) {
    out.push({
      kind: 'comments',
      name: `${comments.length} on indexes and constraints`,
      action: 'copied',
      sql: comments,
    });
  }

  for (const view of from.views) out.push(viewSql(view));
  for (const f of from.functions) {
    out.push({
      kind: 'function',
      name: f.signature,
      action: 'recreated (its SQL body now reads the new table)',
      sql: [`${f.definition.trim().replace(/;$/, '')};`],
    });
  }
  return out;
}
