import { AppError } from '../errors';
import { dropCaptureSql, dropRegistryIfUnusedSql, releaseSql } from './capture';
import { qn } from './ident';
import { CAPTURE_SCHEMA, rel } from './names';
import { isForeignShadow } from './ownership';
import { forgetSql } from './sql/partman';
import { cleanupStatements, dropCaptureTriggersSql, rollbackDropSql } from './sql/swap';
import { type Executor, exists, runAll, withTableLock } from './step-types';
import { targetOf } from './targets';

/**
 * How the last steps run (their plan text is in catalogue.ts): the cleanup
 * after the keep period, the end of a rollback, and a cancel before the swap.
 */

export const endExecutors: Record<'cleanup' | 'rollback-drop' | 'cancel', Executor> = {
  async cleanup(ctx) {
    const { db, spec } = ctx;
    const r = rel(spec.names);
    const sql = cleanupStatements(spec);
    if (await exists(db, r.oldTable)) {
      const { rows } = await db.query<{ what: string }>(
        `SELECT DISTINCT pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) AS what FROM pg_catalog.pg_depend d
          WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = $1::regclass AND d.deptype = 'n'
            AND d.classid <> 'pg_catalog.pg_class'::regclass AND d.classid <> 'pg_catalog.pg_constraint'::regclass
            AND d.classid <> 'pg_catalog.pg_attrdef'::regclass AND d.classid <> 'pg_catalog.pg_trigger'::regclass
            AND d.classid <> 'pg_catalog.pg_policy'::regclass`,
        [r.oldTable],
      );
      const used = await db.query<{ seq: string }>(
        `SELECT s.oid::regclass::text AS seq FROM pg_catalog.pg_depend o JOIN pg_catalog.pg_class s ON s.oid = o.objid AND s.relkind = 'S'
          WHERE o.refobjid = $1::regclass AND o.deptype = 'a'
            AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend u WHERE u.refobjid = s.oid AND u.classid = 'pg_catalog.pg_attrdef'::regclass
                          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attrdef ad WHERE ad.oid = u.objid AND ad.adrelid = $1::regclass))`,
        [r.oldTable],
      );
      const blockers = [
        ...rows.map((x) => x.what),
        ...used.rows.map((x) => `sequence ${x.seq} (owned by the old table, used elsewhere)`),
      ];
      if (blockers.length > 0) {
        throw new AppError(
          'conflict',
          `The old table ${r.oldTable} is still used by: ${blockers.join('; ')}. Nothing was dropped. Point those at ${r.source} (or drop them), then clean up again.`,
        );
      }
      await db.query(`SET statement_timeout = 0`);
      await db.query(sql.dropOld);
    }
    if (await exists(db, r.source)) {
      await withTableLock(ctx, 'Removing the capture trigger', () => runAll(db, sql.untrigger));
    }
    await runAll(db, sql.release);
    return { detail: { retention: await targetOf(spec).retention.run(ctx) } };
  },

  async 'rollback-drop'({ db, spec }) {
    await db.query(`SET statement_timeout = 0`);
    await runAll(db, rollbackDropSql(spec));
    return {};
  },

  /** Before the swap: everything the migration created goes; the source loses only our trigger. */
  async cancel(ctx) {
    const { db, spec } = ctx;
    const r = rel(spec.names);
    const { rows } = await db.query<{ oid: string | null }>(
      `SELECT to_regclass($1)::oid::int8::text AS oid`,
      [r.source],
    );
    if (rows[0]?.oid && Number(rows[0].oid) !== spec.sourceOid) {
      throw new AppError('conflict', 'The tables were already swapped: roll back instead of cancelling.');
    }
    if (rows[0]?.oid) {
      await withTableLock(ctx, 'Removing the capture trigger', () =>
        runAll(db, dropCaptureTriggersSql(spec, r.source, 'forward')),
      );
    }
    await db.query(`SET statement_timeout = 0`);
    // Only the table this migration made: one of that name without its marker is left alone.
    if (!(await isForeignShadow(db, spec))) await db.query(`DROP TABLE IF EXISTS ${r.newTable}`);
    await runAll(db, [
      ...forgetSql(spec),
      ...dropCaptureSql(spec, null, 'forward'),
      ...((await exists(db, qn(CAPTURE_SCHEMA, 'runs')))
        ? [releaseSql(spec), dropRegistryIfUnusedSql()]
        : []),
    ]);
    return {};
  },
};
