import { displayName } from '../../shared/ident';
import './relations/relations.css';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { RelationRow } from '../../shared/storage';
import { formatCount, relationKindLabels } from '../lib/format';
import { useRelationWindow, useStorage, useStores } from '../stores';
import type { KindFilter } from '../stores/storage';
import { ChildRows } from './relations/ChildRows';
import { ColumnChooser, useShownColumns } from './relations/ColumnChooser';
import { type Column, RelationCells, selectionOf } from './relations/RelationCells';
import { useScrollCue } from './relations/scroll-cue';
import { UpkeepReadAt } from './relations/UpkeepReadAt';

const kindFilters: Array<{ value: KindFilter; label: string }> = [
  { value: 'all', label: 'All kinds' },
  { value: 'table', label: 'Tables' },
  { value: 'partitioned', label: 'Partitioned tables' },
  { value: 'hypertable', label: 'Hypertables' },
  { value: 'matview', label: 'Materialized views' },
];

/** A row's height before it is measured (rows with roll-up details are taller). */
const ROW_ESTIMATE = 34;

/** One relation and, when opened, its chunks or partitions: one measured item of the virtual list. */
function RelationItem({
  r,
  shown,
  selectedId,
}: {
  r: RelationRow;
  shown: Column[];
  selectedId: number | null;
}) {
  const { storage } = useStores();
  const open = useStorage((s) => s.expanded.includes(r.relationId));
  const canOpen = (r.kind === 'hypertable' || r.kind === 'partitioned') && (r.children ?? 1) > 0;
  const selected = r.relationId === selectedId;
  return (
    <>
      <tr
        className={`${selected ? 'selected' : ''}${r.measured ? '' : ' unmeasured'}`}
        data-testid="relation-row"
        data-relation={displayName(r.schema, r.name)}
        data-kind={r.kind}
        onClick={() => storage.getState().select(selectionOf(r))}
      >
        <RelationCells
          r={r}
          shown={shown}
          selected={selected}
          onSelect={() => storage.getState().select(selectionOf(r))}
          disclosure={
            canOpen ? (
              <button
                type="button"
                className="disclosure"
                aria-expanded={open}
                aria-label={`${open ? 'Hide' : 'Show'} the ${r.kind === 'hypertable' ? 'chunks' : 'partitions'} of ${displayName(r.schema, r.name)}`}
                onClick={(e) => {
                  e.stopPropagation();
                  void storage.getState().toggleExpanded(r.relationId);
                }}
              >
                <span aria-hidden="true">{open ? '▾' : '▸'}</span>
              </button>
            ) : null
          }
        />
      </tr>
      {open ? <ChildRows parent={r} shown={shown} selectedId={selectedId} /> : null}
    </>
  );
}

/** Sort and search go to main with the window; a new sample reads the windows already read again. */
function useRelationQuery(): void {
  const { relationWindow } = useStores();
  const profileId = useStorage((s) => s.profileId);
  const sort = useStorage((s) => s.sort);
  const search = useStorage((s) => s.filterText.trim());
  const kind = useStorage((s) => s.filterKind);
  const overview = useStorage((s) => s.overview.data);
  useEffect(() => {
    if (!profileId) return;
    relationWindow.getState().setQuery({ profileId, sort, search, kind: kind === 'all' ? null : kind });
  }, [relationWindow, profileId, sort, search, kind]);
  const seen = useRef(overview);
  useEffect(() => {
    if (seen.current === overview) return;
    seen.current = overview;
    relationWindow.getState().reload();
  }, [relationWindow, overview]);
}

/** The relations of the latest sample: read from main in windows, rendered as they scroll into view. */
export function RelationsTable() {
  const { storage, relationWindow } = useStores();
  const sort = useStorage((s) => s.sort);
  const filterText = useStorage((s) => s.filterText);
  const filterKind = useStorage((s) => s.filterKind);
  const selectedId = useStorage((s) => s.selected?.relationId ?? null);
  const total = useRelationWindow((s) => s.total);
  const rows = useRelationWindow((s) => s.rows);
  const blocks = useRelationWindow((s) => s.blocks);
  const error = useRelationWindow((s) => s.error);
  const { shown, chosen, toggle } = useShownColumns();
  const scrollRef = useRef<HTMLDivElement>(null);
  const cue = useScrollCue(scrollRef);
  useRelationQuery();

  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: blocks change when a new query forgets them
  useEffect(() => {
    if (items.length > 0) relationWindow.getState().ensure(first, last);
  }, [relationWindow, first, last, items.length, blocks]);

  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = items.length > 0 ? virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0) : 0;
  const searching = filterText.trim() !== '' || filterKind !== 'all';

  return (
    <section className="card relations" aria-labelledby="relations-title">
      <div className="card-head">
        <h2 id="relations-title">Relations</h2>
        <div className="table-filters">
          <label className="visually-hidden" htmlFor="rel-filter">
            Filter relations by schema or name
          </label>
          <input
            id="rel-filter"
            type="search"
            placeholder="Filter by schema or name (also partitions and chunks)"
            value={filterText}
            onChange={(e) => storage.getState().setFilterText(e.target.value)}
          />
          <label className="visually-hidden" htmlFor="rel-kind">
            Kind
          </label>
          <select
            id="rel-kind"
            value={filterKind}
            onChange={(e) => storage.getState().setFilterKind(e.target.value as KindFilter)}
          >
            {kindFilters.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
          <ColumnChooser chosen={chosen} toggle={toggle} />
          <span className="muted table-count" aria-live="polite" data-testid="relations-count">
            {total === null
              ? 'Loading…'
              : `${formatCount(total)} ${total === 1 ? 'relation' : 'relations'}${searching ? ' match' : ''}`}
          </span>
        </div>
      </div>
      <UpkeepReadAt />
      {error ? (
        <p className="field-error" role="alert">
          Could not read the relations: {error.message}
        </p>
      ) : null}
      <div className="table-frame" data-overflow-left={cue.left} data-overflow-right={cue.right}>
        <div className="table-scroll relations-scroll" ref={scrollRef} data-testid="relations-scroll">
          <table className="data-table" data-testid="relations-table">
            <caption className="visually-hidden">
              Relations of the latest sample. Chunks and partitions are rolled up into their hypertable or
              partitioned table; open one to see them. Select a relation to chart it.
            </caption>
            <thead>
              <tr>
                {shown.map((c) => {
                  const active = sort.key === c.key;
                  return (
                    <th
                      key={c.key}
                      className={`${c.numeric ? 'num' : ''}${c.key === 'name' ? ' sticky-col' : ''}`}
                      aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                      title={c.title}
                    >
                      <button
                        type="button"
                        className="sort"
                        onClick={() => storage.getState().setSort(c.key)}
                      >
                        {c.label}
                        <span className={`sort-mark${active ? ' on' : ''}`} aria-hidden="true">
                          {active ? (sort.dir === 'asc' ? '▲' : '▼') : '▾'}
                        </span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            </thead>
            {paddingTop > 0 ? (
              <tbody aria-hidden="true">
                <tr className="spacer-row" style={{ height: paddingTop }} />
              </tbody>
            ) : null}
            {items.map((v) => {
              const r = rows[v.index];
              return (
                <tbody
                  key={r ? `r${r.relationId}` : `i${v.index}`}
                  data-index={v.index}
                  ref={virtualizer.measureElement}
                >
                  {r ? (
                    <RelationItem r={r} shown={shown} selectedId={selectedId} />
                  ) : (
                    <tr className="info-row placeholder-row" style={{ height: ROW_ESTIMATE }}>
                      <td colSpan={shown.length} className="faint">
                        …
                      </td>
                    </tr>
                  )}
                </tbody>
              );
            })}
            {paddingBottom > 0 ? (
              <tbody aria-hidden="true">
                <tr className="spacer-row" style={{ height: paddingBottom }} />
              </tbody>
            ) : null}
            {total === 0 ? (
              <tbody>
                <tr className="info-row">
                  <td colSpan={shown.length} className="muted empty-row">
                    {!searching
                      ? 'This database has no tables or materialized views yet.'
                      : `No ${filterKind === 'all' ? 'relation' : relationKindLabels[filterKind].toLowerCase()} matches “${filterText}”.`}
                  </td>
                </tr>
              </tbody>
            ) : null}
          </table>
        </div>
        {cue.right ? (
          <span className="scroll-cue" data-testid="scroll-cue" aria-hidden="true">
            More columns →
          </span>
        ) : null}
      </div>
    </section>
  );
}
