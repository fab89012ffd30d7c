import { displayName } from '../../shared/ident';
import './CommandPalette.css';
import { Command } from 'cmdk';
import { useEffect, useId, useRef } from 'react';
import type { RelationRow } from '../../shared/storage';
import { relationKindLabels } from '../lib/format';
import { stateLabels, targetLabels } from '../lib/migration';
import { usePalette, useProfiles, useStores } from '../stores';
import { Modal } from './Modal';

/** The pages of no particular server. */
const appPages = [
  { label: 'Fleet', path: '/' },
  { label: 'Health of all servers', path: '/health' },
  { label: 'Alerts of all servers', path: '/alerts' },
  { label: 'Settings', path: '/settings' },
  { label: 'Add a server', path: '/profiles/new' },
  { label: 'Import servers', path: '/import' },
] as const;

/** The pages of each server, as its tabs name them. */
const serverPages = [
  { label: 'Storage', section: '/storage' },
  { label: 'Health', section: '/health' },
  { label: 'Alerts', section: '/alerts' },
  { label: 'Migrate', section: '/migrate' },
  { label: 'Connection', section: '' },
] as const;

/** Every search word appears somewhere in the item's text: predictable, unlike fuzzy scoring. */
function filterWords(value: string, search: string, keywords?: string[]): number {
  const text = [value, ...(keywords ?? [])].join(' ').toLowerCase();
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => text.includes(word))
    ? 1
    : 0;
}

/**
 * Ctrl/⌘-K: go to any server's pages, any page, a relation of the current
 * server (its chart on the Storage page) or one of its migrations. A native
 * modal dialog, so focus is trapped and goes back where it was on Escape.
 */
export function CommandPalette() {
  const open = usePalette((s) => s.open);
  return open ? <PaletteDialog /> : null;
}

function PaletteDialog() {
  const { palette, navigation, storage } = useStores();
  const titleId = useId();
  const input = useRef<HTMLInputElement>(null);
  // After the Modal's showModal() (a child's effect runs first), which focuses the dialog itself.
  useEffect(() => input.current?.focus(), []);
  const profiles = useProfiles((s) => s.profiles);
  const profileId = usePalette((s) => s.profileId);
  const search = usePalette((s) => s.search);
  const relations = usePalette((s) => s.relations);
  const relationsError = usePalette((s) => s.relationsError);
  const migrations = usePalette((s) => s.migrations);
  const current = profiles.find((p) => p.id === profileId);
  const base = (id: string) => `/profiles/${encodeURIComponent(id)}`;

  const go = (path: string) => {
    palette.getState().hide();
    navigation.getState().navigate(path);
  };
  const chart = (relation: RelationRow) => {
    if (!profileId) return;
    palette.getState().hide();
    // Open the store on this server first, so the Storage page keeps the selection when it mounts.
    storage.getState().open(profileId);
    storage.getState().select({
      relationId: relation.relationId,
      schema: relation.schema,
      name: relation.name,
      kind: relation.kind,
    });
    navigation.getState().navigate(`${base(profileId)}/storage`);
  };

  return (
    <Modal titleId={titleId} onClose={() => palette.getState().hide()} className="palette">
      <h2 id={titleId} className="visually-hidden">
        Command palette
      </h2>
      <Command label="Command palette" filter={filterWords} loop>
        <Command.Input
          value={search}
          onValueChange={(text) => palette.getState().setSearch(text)}
          placeholder={
            current ? `Go to a server, page, or a relation of ${current.name}…` : 'Go to a server or page…'
          }
          aria-label="Go to"
          ref={input}
        />
        <Command.List label="Places to go">
          <Command.Empty>Nothing matches.</Command.Empty>
          {current ? (
            <Command.Group heading={`Relations of ${current.name}`}>
              {relationsError ? (
                <p className="palette-note" role="status">
                  {relationsError}
                </p>
              ) : null}
              {relations.map((r) => (
                <Command.Item
                  key={r.relationId}
                  value={`relation ${r.relationId}`}
                  keywords={[displayName(r.schema, r.name), relationKindLabels[r.kind]]}
                  onSelect={() => chart(r)}
                  data-testid="palette-relation"
                >
                  <span className="palette-label">{displayName(r.schema, r.name)}</span>
                  <span className="palette-meta">{relationKindLabels[r.kind]} · chart</span>
                </Command.Item>
              ))}
            </Command.Group>
          ) : null}
          {current && migrations.length > 0 ? (
            <Command.Group heading={`Migrations of ${current.name}`}>
              {migrations.map((m) => (
                <Command.Item
                  key={m.id}
                  value={`migration ${m.id}`}
                  keywords={[
                    displayName(m.schema, m.table),
                    targetLabels[m.target],
                    stateLabels[m.state],
                    'migrate',
                  ]}
                  onSelect={() => go(`${base(m.profileId)}/migrate/${encodeURIComponent(m.id)}`)}
                >
                  <span className="palette-label">{`${displayName(m.schema, m.table)} → ${targetLabels[m.target]}`}</span>
                  <span className="palette-meta">{stateLabels[m.state]}</span>
                </Command.Item>
              ))}
            </Command.Group>
          ) : null}
          <Command.Group heading="Servers">
            {profiles.flatMap((p) =>
              serverPages.map((page) => (
                <Command.Item
                  key={`${p.id}${page.section}`}
                  value={`server ${p.id} ${page.label}`}
                  keywords={[p.name, page.label]}
                  onSelect={() => go(`${base(p.id)}${page.section}`)}
                >
                  <span className="palette-label">{p.name}</span>
                  <span className="palette-meta">{page.label}</span>
                </Command.Item>
              )),
            )}
          </Command.Group>
          <Command.Group heading="Pages">
            {appPages.map((page) => (
              <Command.Item
                key={page.path}
                value={`page ${page.path}`}
                keywords={[page.label]}
                onSelect={() => go(page.path)}
              >
                <span className="palette-label">{page.label}</span>
              </Command.Item>
            ))}
          </Command.Group>
        </Command.List>
      </Command>
    </Modal>
  );
}
