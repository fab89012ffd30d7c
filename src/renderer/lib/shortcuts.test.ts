import { describe, expect, it } from 'vitest';
import { neighbourServerPath, serverOfPath, shortcutFor, shortcuts } from './shortcuts';

const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('the shortcut table', () => {
  it('maps each key to its shortcut', () => {
    expect(shortcutFor(press('k', { ctrlKey: true }), false)?.id).toBe('palette');
    expect(shortcutFor(press('k', { metaKey: true }), false)?.id).toBe('palette');
    expect(shortcutFor(press('s'), false)?.id).toBe('sample');
    expect(shortcutFor(press(']'), false)?.id).toBe('nextServer');
    expect(shortcutFor(press('ArrowDown', { altKey: true }), false)?.id).toBe('nextServer');
    expect(shortcutFor(press('['), false)?.id).toBe('previousServer');
    expect(shortcutFor(press('ArrowUp', { altKey: true }), false)?.id).toBe('previousServer');
    expect(shortcutFor(press('/'), false)?.id).toBe('search');
    expect(shortcutFor(press('?'), false)?.id).toBe('help');
    expect(shortcutFor(press('b', { ctrlKey: true }), false)?.id).toBe('sidebar');
    expect(shortcutFor(press('b', { metaKey: true }), false)?.id).toBe('sidebar');
    expect(shortcutFor(press('b'), false)).toBeNull();
  });

  it('leaves keys with other modifiers alone (Ctrl+S, Alt+S, plain K)', () => {
    expect(shortcutFor(press('s', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutFor(press('s', { altKey: true }), false)).toBeNull();
    expect(shortcutFor(press('k'), false)).toBeNull();
    expect(shortcutFor(press('ArrowDown'), false)).toBeNull();
  });

  it('never fires a single key while typing in a field; the Ctrl/⌘-K chord still opens the palette', () => {
    for (const key of ['s', 'S', ']', '[', '/', '?']) expect(shortcutFor(press(key), true)).toBeNull();
    expect(shortcutFor(press('ArrowDown', { altKey: true }), true)).toBeNull();
    expect(shortcutFor(press('k', { ctrlKey: true }), true)?.id).toBe('palette');
  });

  it('lists every shortcut once, with keys and words for the help overlay', () => {
    expect(new Set(shortcuts.map((s) => s.id)).size).toBe(shortcuts.length);
    for (const s of shortcuts) {
      expect(s.keys.length).toBeGreaterThan(0);
      expect(s.description).not.toBe('');
    }
  });
});

describe('next and previous server', () => {
  const ids = ['a', 'b b', 'c'];
  it('keeps the section and wraps around the sidebar order', () => {
    expect(neighbourServerPath('/profiles/a/health', ids, 1)).toBe('/profiles/b%20b/health');
    expect(neighbourServerPath('/profiles/b%20b/migrate', ids, 1)).toBe('/profiles/c/migrate');
    expect(neighbourServerPath('/profiles/c/storage', ids, 1)).toBe('/profiles/a/storage');
    expect(neighbourServerPath('/profiles/a/alerts', ids, -1)).toBe('/profiles/c/alerts');
  });

  it('lands on Storage from a section of no list (Connection, Edit, a migration run)', () => {
    expect(neighbourServerPath('/profiles/a', ids, 1)).toBe('/profiles/b%20b/storage');
    expect(neighbourServerPath('/profiles/a/edit', ids, 1)).toBe('/profiles/b%20b/storage');
  });

  it('starts at the first (or last) server from a page of no server, and does nothing without servers', () => {
    expect(neighbourServerPath('/settings', ids, 1)).toBe('/profiles/a/storage');
    expect(neighbourServerPath('/profiles/new', ids, -1)).toBe('/profiles/c/storage');
    expect(neighbourServerPath('/', [], 1)).toBeNull();
  });

  it('knows the server of a page', () => {
    expect(serverOfPath('/profiles/b%20b/storage')).toBe('b b');
    expect(serverOfPath('/profiles/new')).toBeNull();
    expect(serverOfPath('/health')).toBeNull();
  });
});
