import { useCallback, useEffect, useState } from 'react';
import type { SortKey } from '../../stores/storage';
import { type Column, columns } from './RelationCells';

const KEY = 'tidemark.relationColumns';

function readChosen(): SortKey[] {
  const fallback = columns.filter((c) => c.shownByDefault).map((c) => c.key);
  try {
    const raw = window.localStorage.getItem(KEY);
    if (!raw) return fallback;
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return fallback;
    return columns.filter((c) => !c.always && parsed.includes(c.key)).map((c) => c.key);
  } catch {
    return fallback;
  }
}

/** The columns shown: the four that always are, and those the DBA chose (kept on this computer). */
export function useShownColumns(): { shown: Column[]; chosen: SortKey[]; toggle(key: SortKey): void } {
  const [chosen, setChosen] = useState<SortKey[]>(readChosen);
  useEffect(() => {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(chosen));
    } catch {
      // Storage disabled: the choice holds for this session only.
    }
  }, [chosen]);
  const toggle = useCallback(
    (key: SortKey) => setChosen((c) => (c.includes(key) ? c.filter((k) => k !== key) : [...c, key])),
    [],
  );
  const shown = columns.filter((c) => c.always || chosen.includes(c.key));
  return { shown, chosen, toggle };
}

export function ColumnChooser({ chosen, toggle }: { chosen: SortKey[]; toggle(key: SortKey): void }) {
  return (
    <details className="column-chooser" data-testid="column-chooser">
      <summary>Columns</summary>
      <fieldset>
        <legend className="visually-hidden">Columns shown besides name, kind, total and growth</legend>
        {columns
          .filter((c) => !c.always)
          .map((c) => (
            <label key={c.key} className="checkbox">
              <input type="checkbox" checked={chosen.includes(c.key)} onChange={() => toggle(c.key)} />
              {c.label}
            </label>
          ))}
      </fieldset>
    </details>
  );
}
