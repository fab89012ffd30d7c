import type { Plan } from '../../shared/migration';
import { castType } from './copy';
import { qi, ql } from './ident';
import { doBlock, dollarTag, rel } from './names';
import type { PlanContext } from './plan';
import { sqlComment } from './psql';
import { insertSelect } from './sql/table';
import { targetOf } from './targets';

/**
 * The plan as a psql script for a maintenance window: every statement
 * visible, phases as comments, the copy as a loop that commits each batch
 * (and resumes from the high-water mark if run again), ON_ERROR_STOP so a
 * failed statement never lets the next one run.
 */

function copyLoop(ctx: PlanContext): string {
  const { spec } = ctx;
  const r = rel(spec.names);
  const t = castType(spec.timeKind);
  const col = qi(spec.timeColumn);
  const stepped = spec.timeKind === 'integer' || spec.timeKind === 'date';
  // The width as the engine keeps it: seconds for timestamps, whole days or units otherwise.
  const [widthType, firstWidth, scaled] = stepped
    ? [
        spec.timeKind === 'integer' ? 'int8' : 'int',
        `${Math.max(1, Math.round(ctx.batchWidth))}`,
        'greatest(1, round(width * factor))',
      ]
    : [
        'interval',
        `make_interval(secs => ${Math.max(0.001, ctx.batchWidth)})`,
        "greatest(width * factor, interval '1 millisecond')",
      ];
  const { batchRows } = spec.settings;
  const target = spec.settings.batchSeconds ?? 0;
  const body = `DECLARE
  lo ${t};
  hi ${t};
  newest ${t};
  n bigint;
  width ${widthType} := ${firstWidth};
  started timestamptz;
  took float8;
  factor float8;
BEGIN
  SELECT high_water::${t} INTO lo FROM ${r.runs} WHERE migration_id = ${ql(spec.id)} AND NOT copy_done;
  IF NOT FOUND THEN
    RAISE NOTICE 'The copy is already done.';
    RETURN;
  END IF;
  SELECT max(${col}) INTO newest FROM ${r.source};
  LOOP
    hi := coalesce(lo, (SELECT min(${col}) FROM ${r.source})) + width;
    IF hi IS NULL OR hi > newest THEN
      hi := NULL;
    END IF;
    started := clock_timestamp();
    ${insertSelect(spec, r.newTable, r.source)}
     WHERE (lo IS NULL OR s.${col} >= lo)
       AND (hi IS NULL OR s.${col} < hi OR (lo IS NULL AND s.${col} IS NULL));
    GET DIAGNOSTICS n = ROW_COUNT;
    took := extract(epoch FROM clock_timestamp() - started);
    -- The mark moves only from where this batch started: another session copying this migration stops here.
    UPDATE ${r.runs} SET high_water = hi::text, copy_done = hi IS NULL, rows_copied = rows_copied + n,
           batches = batches + 1, updated_at = now()
     WHERE migration_id = ${ql(spec.id)} AND NOT copy_done AND high_water IS NOT DISTINCT FROM lo::text;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'The copy''s high-water mark is no longer at % (another session is copying this migration): this batch is undone.', coalesce(lo::text, 'the beginning');
    END IF;
    COMMIT;
    RAISE NOTICE 'copied % rows up to %', n, coalesce(hi::text, 'the end');
    EXIT WHEN hi IS NULL;
    lo := hi;
    -- The next width, as the engine sizes it (copy.ts nextWidth): about ${batchRows} rows, or ${target} s of copying when that is more.
    factor := greatest(CASE WHEN n = 0 THEN 4 ELSE ${batchRows}::float8 / n END,
                       CASE WHEN n > 0 THEN ${target} / greatest(took, 0.001) ELSE 0 END);
    factor := least(4, greatest(0.25, factor));
    width := ${scaled};
  END LOOP;
END`;
  const tag = dollarTag(body);
  return `DO ${tag}\n${body}\n${tag};`;
}

export function exportScript(
  plan: Plan,
  ctx: PlanContext,
  generatedAt: Date,
): { fileName: string; script: string } {
  const { spec } = ctx;
  const target = targetOf(spec).nouns.described;
  const lines: string[] = [
    sqlComment(
      [
        `Tidemark migration ${spec.id}: ${plan.names.source} into ${target}`,
        `on ${qi(spec.timeColumn)}, interval ${spec.settings.interval}. Generated ${generatedAt.toISOString()}.`,
        '',
        'Run it with:  psql -X -d <database> -f <this file>',
        'Every statement stops the script if it fails (ON_ERROR_STOP). Each step can be run again:',
        'statements use IF NOT EXISTS, and the copy resumes from its high-water mark.',
        'The swap gives up after its lock_timeout if sessions hold the table: run the script again',
        'from the swap (phase B) once they are gone.',
      ].join('\n'),
    ),
    '',
    '\\set ON_ERROR_STOP on',
    '\\timing on',
    // psql reads string literals the way the server says it does: say it first, before any literal.
    'SET standard_conforming_strings = on;',
    "SET TimeZone = 'UTC';",
    "SET DateStyle = 'ISO, MDY';",
    'SET statement_timeout = 0;',
    "SET lock_timeout = '10s';",
    'SET row_security = off;',
    // As the engine's sessions: an operator planted in a schema the database's search_path puts first never runs.
    'SET search_path = pg_catalog, pg_temp;',
    '',
    sqlComment('Run again after the swap, this script would copy the new table once more: stop instead.'),
    doBlock(
      `  IF to_regclass(${ql(rel(spec.names).oldTable)}) IS NOT NULL THEN\n    RAISE EXCEPTION 'The swap already happened (% exists): nothing left to run. Validate, then clean up or roll back.', ${ql(rel(spec.names).oldTable)};\n  END IF;`,
    ),
  ];
  for (const phase of plan.phases) {
    lines.push(
      '',
      sqlComment('='.repeat(76)),
      sqlComment(`Phase ${phase.id}: ${phase.title}`),
      sqlComment(phase.description),
      sqlComment('='.repeat(76)),
    );
    for (const step of phase.steps) {
      if (step.key === 'cleanup' || step.key === 'rollback') {
        lines.push(
          '',
          sqlComment(`${step.title}: ${step.why}`),
          sqlComment('Not run by this script; the statements, to run when you decide:'),
        );
        for (const sql of step.sql) lines.push(sqlComment(sql));
        continue;
      }
      lines.push('', sqlComment(step.title), sqlComment(step.why));
      if (step.key === 'copy') {
        lines.push(copyLoop(ctx));
      } else if (step.key === 'validate') {
        lines.push(
          ...step.sql.filter((s) => !s.startsWith('EXPLAIN')),
          sqlComment(`EXPLAIN of a time-range query should read only some ${targetOf(spec).nouns.pieces}.`),
        );
      } else {
        lines.push(...step.sql);
      }
    }
  }
  lines.push('', sqlComment('End of the plan.'), '');
  const safe = `${spec.names.schema}.${spec.names.table}`.replace(/[^A-Za-z0-9_.-]+/g, '_');
  return { fileName: `tidemark-migration-${safe}-${spec.id}.sql`, script: lines.join('\n') };
}
