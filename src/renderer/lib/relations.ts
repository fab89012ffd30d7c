import type { RelationRow } from '../../shared/storage';
import type { Sort, SortKey } from '../stores/storage';

const kindOrder: Record<RelationRow['kind'], number> = {
  table: 0,
  partitioned: 1,
  hypertable: 2,
  matview: 3,
  partition: 4,
  chunk: 5,
};

function sortValue(r: RelationRow, key: SortKey): string | number | null {
  switch (key) {
    case 'schema':
      return r.schema;
    case 'name':
      return r.name;
    case 'kind':
      return kindOrder[r.kind];
    case 'rows':
      return r.rowEstimate;
    case 'heap':
      return r.heapBytes;
    case 'toast':
      return r.toastBytes;
    case 'indexes':
      return r.indexBytes;
    case 'total':
      return r.totalBytes;
    case 'dead':
      return r.deadTuples;
    case 'lastVacuum':
      return r.lastVacuum ? Date.parse(r.lastVacuum) : null;
    case 'lastAnalyze':
      return r.lastAnalyze ? Date.parse(r.lastAnalyze) : null;
    case 'growth':
      return r.growth7dBytes;
  }
}

/**
 * Sorted by the column; rows without a value (not measured, never vacuumed) always last.
 * Only for the chunks or partitions of one opened relation: the table itself is sorted in main.
 */
export function sortRelations(rows: RelationRow[], sort: Sort): RelationRow[] {
  const factor = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, sort.key);
    const vb = sortValue(b, sort.key);
    if (va === null && vb === null) return a.name.localeCompare(b.name);
    if (va === null) return 1;
    if (vb === null) return -1;
    const c =
      typeof va === 'string' && typeof vb === 'string'
        ? va.localeCompare(vb, undefined, { sensitivity: 'base', numeric: true })
        : (va as number) - (vb as number);
    return c !== 0 ? c * factor : a.name.localeCompare(b.name);
  });
}
