import { useState } from 'react';
import { displayName } from '../../../shared/ident';
import type { RelationRow } from '../../../shared/storage';
import { formatCount } from '../../lib/format';
import { sortRelations } from '../../lib/relations';
import { useStorage, useStores } from '../../stores';
import { type Column, RelationCells, selectionOf } from './RelationCells';

const CHILD_LIMIT = 200;

/** The chunks or partitions of an opened relation, biggest first (fetched with `storage:listChildren`). */
export function ChildRows({
  parent,
  shown,
  selectedId,
}: {
  parent: RelationRow;
  shown: Column[];
  selectedId: number | null;
}) {
  const { storage } = useStores();
  const entry = useStorage((s) => s.children[parent.relationId]);
  const [showAll, setShowAll] = useState(false);
  const span = shown.length;
  const what = parent.kind === 'hypertable' ? 'chunks' : 'partitions';
  if (!entry || (entry.loading && !entry.data)) {
    return (
      <tr className="child-row info-row">
        <td colSpan={span} className="muted">
          Loading {what}…
        </td>
      </tr>
    );
  }
  if (entry.error && !entry.data) {
    return (
      <tr className="child-row info-row">
        <td colSpan={span}>
          <span className="field-error">{entry.error.message}</span>{' '}
          <button
            type="button"
            className="small"
            onClick={() => void storage.getState().toggleExpanded(parent.relationId)}
          >
            Close
          </button>
        </td>
      </tr>
    );
  }
  const rows = sortRelations(entry.data ?? [], { key: 'total', dir: 'desc' });
  const listed = showAll ? rows : rows.slice(0, CHILD_LIMIT);
  return (
    <>
      {rows.length === 0 ? (
        <tr className="child-row info-row">
          <td colSpan={span} className="muted">
            No {what} in the latest sample.
          </td>
        </tr>
      ) : null}
      {listed.map((c) => (
        <tr
          key={c.relationId}
          className={`child-row${c.relationId === selectedId ? ' selected' : ''}`}
          data-testid="child-row"
          data-relation={displayName(c.schema, c.name)}
          onClick={() => storage.getState().select(selectionOf(c))}
        >
          <RelationCells
            r={c}
            shown={shown}
            selected={c.relationId === selectedId}
            onSelect={() => storage.getState().select(selectionOf(c))}
          />
        </tr>
      ))}
      {rows.length > listed.length ? (
        <tr className="child-row info-row">
          <td colSpan={span}>
            <button type="button" className="small" onClick={() => setShowAll(true)}>
              Show all {formatCount(rows.length)} {what}
            </button>
          </td>
        </tr>
      ) : null}
    </>
  );
}
