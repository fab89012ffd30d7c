import type {
  MigrationSettings,
  MigrationTarget,
  PreflightItem,
  TimescalePolicy,
  ValidationCheck,
} from '../../../shared/migration';
import type { ServerProbe } from '../../postgres/server-facts';
import type { Queryable } from '../db';
import type { PlanContext } from '../plan';
import type { MigrationSpec } from '../spec';
import type { StepContext, StepDef } from '../step-types';
import type { UpkeepTable } from '../upkeep-preflight';

/**
 * What a migration target (a TimescaleDB hypertable, native partitions) adds
 * to the engine. Everything target-specific lives in the target's file; a
 * third target is one more file and one more value of MigrationTarget.
 */
export interface Target {
  id: MigrationTarget;
  nouns: {
    /** The target as the plan's headings say it: "a TimescaleDB hypertable". */
    described: string;
    /** What the table is split into: "chunks". */
    pieces: string;
    /** The new table, as a sentence starts: "A hypertable". */
    table: string;
  };
  /** What the dependents move to (foreign keys and triggers have rules of their own on each). */
  newTableKind: 'hypertable' | 'partitioned';
  /** Appended to CREATE TABLE … (LIKE …): e.g. PARTITION BY RANGE. */
  createClause(spec: MigrationSpec): string;
  /** Phase A, after the new table is created. */
  prepareSteps: StepDef[];
  /** Phase B, after the copy and before the indexes are built. */
  afterCopySteps: StepDef[];
  /** After the swap (the finish step): shown in the plan, and run (returning what it ran). */
  finish: { shown(spec: MigrationSpec): string[]; run(ctx: StepContext): Promise<string[]> };
  /** Retention starts with the cleanup, once the DBA has seen the checklist. */
  retention: { shown(ctx: PlanContext): string[]; run(ctx: StepContext): Promise<string[]> };
  /** The pre-flight's word on the server: what the target needs there, and what it keeps doing afterwards. */
  serverChecks(
    db: Queryable,
    server: ServerProbe,
    settings: MigrationSettings,
    table: UpkeepTable,
  ): Promise<PreflightCheck[]>;
  /** The default interval of a time column and why, from the data's span (days, null when empty) and rate. */
  intervalAdvice(days: number | null, rowsPerDay: number | null): { interval: string; reason: string };
  /** For an integer time column: how many pieces the current range should make. */
  integerPieces: number;
  /** Validation: the new table has the target's shape (and compression, where there is any). */
  validate(db: Queryable, spec: MigrationSpec, newOid: number, newRows: number): Promise<ValidationCheck[]>;
  /** The live table's scheduled jobs with their next run (TimescaleDB's policies); absent where there are none. */
  policies?(db: Queryable, spec: MigrationSpec): Promise<TimescalePolicy[]>;
  /** How many chunks or partitions the live table has (for the pruning check). */
  countPieces(db: Queryable, spec: MigrationSpec): Promise<number>;
}

export type PreflightCheck = Omit<PreflightItem, 'fix' | 'sql' | 'objects'> & Partial<PreflightItem>;
