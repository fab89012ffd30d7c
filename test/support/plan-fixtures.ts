import type { ColumnInfo, IndexInfo, TableInfo } from '../../src/main/migration/catalog';
import type { TableObjects } from '../../src/main/migration/dependents';
import { migrationNames } from '../../src/main/migration/names';
import { buildPlan, type PlanContext } from '../../src/main/migration/plan';
import { copyColumnsOf, type MigrationSpec, planIndexes } from '../../src/main/migration/spec';
import type { MigrationSettings, MigrationTarget } from '../../src/shared/migration';

/**
 * A table with awkward names and every kind of dependent, and the plan context
 * built for it without a server: what the plan and export tests build on.
 */

export const SCHEMA = 'My "Desk"';
export const TABLE = 'Trade Log';

const column = (name: string, type: string, extra: Partial<ColumnInfo> = {}): ColumnInfo => ({
  name,
  attnum: 1,
  type,
  notNull: true,
  default: null,
  identity: null,
  generated: false,
  ...extra,
});

const index = (name: string, definition: string, extra: Partial<IndexInfo>): IndexInfo => ({
  oid: 1,
  name,
  definition,
  unique: false,
  primary: false,
  constraint: null,
  keys: [],
  keyColumns: [],
  leading: null,
  partial: false,
  valid: true,
  replicaIdentity: false,
  ...extra,
});

export const info: TableInfo = {
  oid: 42,
  schema: SCHEMA,
  table: TABLE,
  owner: 'app',
  relkind: 'r',
  kind: 'table',
  persistence: 'p',
  isPartition: false,
  inheritsFrom: [],
  inheritedBy: [],
  columns: [
    column('Trade Id', 'bigint', { default: `nextval('"My ""Desk"""."Trade Log_Trade Id_seq"'::regclass)` }),
    column('Executed At', 'timestamp with time zone'),
    column("it's", 'text', { notNull: false }),
    column('Gross', 'numeric', { generated: true }),
  ],
  indexes: [
    index(
      'Trade Log_pkey',
      `CREATE UNIQUE INDEX "Trade Log_pkey" ON "My ""Desk"""."Trade Log" USING btree ("Trade Id")`,
      {
        unique: true,
        primary: true,
        constraint: {
          name: 'Trade Log_pkey',
          type: 'p',
          definition: 'PRIMARY KEY ("Trade Id")',
          deferrable: false,
        },
        keys: ['"Trade Id"'],
        keyColumns: ['Trade Id'],
        leading: 'Trade Id',
      },
    ),
    index(
      'by time',
      `CREATE INDEX "by time" ON "My ""Desk"""."Trade Log" USING btree ("Executed At" DESC) WHERE ("it's" <> 'x;y')`,
      {
        keys: ['"Executed At"'],
        keyColumns: ['Executed At'],
        leading: 'Executed At',
        partial: true,
      },
    ),
  ],
  totalBytes: 1e9,
  tableBytes: 8e8,
  indexBytes: 2e8,
  toastBytes: 0,
  rowEstimate: 1e7,
  extension: null,
};

export const objects = (): TableObjects => ({
  oid: 42,
  schema: SCHEMA,
  name: TABLE,
  owner: 'app',
  kind: 'table',
  grants: [{ grantee: 'Report Reader', privilege: 'SELECT', grantable: false, column: null }],
  comment: "Trades; it's all here",
  replicaIdentity: 'd',
  replicaIndex: null,
  rowSecurity: false,
  forceRowSecurity: false,
  policies: [],
  triggers: [
    {
      name: 'audit',
      definition: `CREATE TRIGGER audit AFTER INSERT ON "My ""Desk"""."Trade Log" FOR EACH ROW EXECUTE FUNCTION audit_fn()`,
      enabled: 'O',
      constraint: false,
    },
  ],
  fksOut: [],
  fksIn: [],
  partComments: [],
  constraintNames: [],
  publications: [],
  views: [
    {
      oid: 7,
      schema: SCHEMA,
      name: 'recent; trades',
      kind: 'view',
      definition: ` SELECT "Trade Id" FROM "My ""Desk"""."Trade Log";`,
      options: null,
      owner: 'app',
      grants: [],
      comment: null,
      indexes: [],
      populated: true,
      tablespace: null,
      dependents: [],
    },
  ],
  functions: [],
  ownedSequences: [{ sequence: '"My ""Desk"""."Trade Log_Trade Id_seq"', column: 'Trade Id' }],
  identitySequences: [{ sequence: '"My ""Desk"""."Trade Log_Trade Id_seq1"', column: 'Trade Id' }],
  statisticsTargets: [],
  reloptions: [],
  columnOptions: [],
  statistics: [],
  partitions: [],
  rules: [],
  rowTypeUsers: [],
  others: [],
  securityLabels: 0,
  subscribed: false,
});

export const settings: MigrationSettings = {
  interval: '1 day',
  compressAfter: '7 days',
  segmentBy: ["it's"],
  orderBy: [{ column: 'Executed At', direction: 'desc' }],
  retention: null,
  partitionsAhead: 3,
  keepOldDays: 7,
  batchRows: 50_000,
  syncMode: 'capture',
  acceptCompositeKey: true,
  dropUnsupportedForeignKeys: false,
  confirmedFreeBytes: null,
  swap: { lockTimeoutMs: 2000, attempts: 10, backoffMs: 1000, mode: 'auto' },
};

export function context(
  options: {
    target?: MigrationTarget;
    tsVersion?: string;
    versionNum?: number;
    syncMode?: 'capture' | 'offline';
  } = {},
): PlanContext {
  const target = options.target ?? 'timescaledb';
  const names = migrationNames(SCHEMA, TABLE, 'abc123');
  const newTable = `"My ""Desk"""."${names.newTable}"`;
  const syncMode = options.syncMode ?? 'capture';
  const spec: MigrationSpec = {
    id: 'abc123def456',
    profileId: 'p',
    sourceOid: 42,
    timeColumn: 'Executed At',
    timeKind: 'timestamptz',
    timeType: 'timestamp with time zone',
    target,
    settings: { ...settings, syncMode },
    server: {
      versionNum: options.versionNum ?? 180000,
      version: '18.0',
      user: 'postgres',
      isSuperuser: true,
      timescaledb: {
        installed: target === 'timescaledb' ? (options.tsVersion ?? '2.23.0') : null,
        available: null,
        api: target === 'timescaledb' ? 'columnstore' : null,
      },
    },
    timescaleSchema: target === 'timescaledb' ? 'public' : null,
    names,
    copyColumns: copyColumnsOf(info.columns),
    allColumns: info.columns.map((c) => c.name),
    overridingSystemValue: false,
    captureKey: syncMode === 'capture' ? ['Trade Id'] : null,
    indexes: planIndexes(info, 'Executed At', '"Executed At"', names, newTable),
    unsupportedInbound: [],
  };
  return {
    spec,
    columns: info.columns,
    objects: objects(),
    partitions: [
      { name: 'Trade Log_p20260101', from: '2026-01-01 00:00:00+00', to: '2026-01-02 00:00:00+00' },
      { name: 'Trade Log_p20260102', from: '2026-01-02 00:00:00+00', to: '2026-01-03 00:00:00+00' },
    ],
    batchWidth: 3600,
  };
}

export const stepSql = (ctx: PlanContext, key: string) =>
  buildPlan(ctx)
    .phases.flatMap((p) => p.steps)
    .find((s) => s.key === key)
    ?.sql.join('\n') ?? '';

/** SQL with psql's meta-commands taken out (\gset ends a query like ';'). */
export const withoutPsql = (sql: string) =>
  sql
    .split('\n')
    .filter((l) => !/^\\(if|endif|set|timing)\b/.test(l.trim()))
    .map((l) => l.replace(/\s\\gset$/, ';'))
    .join('\n');
