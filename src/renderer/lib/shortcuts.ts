/**
 * Every keyboard shortcut of the app, in one table: the global key handler
 * (components/Keyboard.tsx) acts on it and the help overlay lists it.
 */

export type ShortcutId =
  | 'palette'
  | 'help'
  | 'sample'
  | 'nextServer'
  | 'previousServer'
  | 'search'
  | 'sidebar';

/** The parts of a KeyboardEvent a shortcut looks at (plain data, so it can be tested without a DOM). */
export type KeyPress = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>;

export type Shortcut = {
  id: ShortcutId;
  /** As shown in the help overlay; any one of them works. */
  keys: readonly string[];
  description: string;
  /** A chord with Ctrl/⌘ also works while typing in a field; single keys never do. */
  inFields: boolean;
  matches(press: KeyPress): boolean;
};

const plain = (press: KeyPress, key: string) =>
  press.key === key && !press.ctrlKey && !press.metaKey && !press.altKey;
const alt = (press: KeyPress, key: string) =>
  press.key === key && press.altKey && !press.ctrlKey && !press.metaKey;

export const shortcuts: readonly Shortcut[] = [
  {
    id: 'palette',
    keys: ['Ctrl+K', '⌘K'],
    description: 'Open the command palette: go to a server, page, relation or migration',
    inFields: true,
    matches: (p) => p.key.toLowerCase() === 'k' && (p.ctrlKey || p.metaKey) && !p.altKey,
  },
  {
    id: 'sample',
    keys: ['S'],
    description: 'Sample the current server now (opens its Storage page)',
    inFields: false,
    matches: (p) => plain(p, 's') || plain(p, 'S'),
  },
  {
    id: 'nextServer',
    keys: [']', 'Alt+↓'],
    description: 'Next server in the sidebar, on the same page',
    inFields: false,
    matches: (p) => plain(p, ']') || alt(p, 'ArrowDown'),
  },
  {
    id: 'previousServer',
    keys: ['[', 'Alt+↑'],
    description: 'Previous server in the sidebar, on the same page',
    inFields: false,
    matches: (p) => plain(p, '[') || alt(p, 'ArrowUp'),
  },
  {
    id: 'search',
    keys: ['/'],
    description: 'Search the relations table (on a Storage page)',
    inFields: false,
    matches: (p) => plain(p, '/'),
  },
  {
    id: 'sidebar',
    keys: ['Ctrl+B', '⌘B'],
    description: 'Fold or unfold the server list',
    inFields: true,
    matches: (p) => p.key.toLowerCase() === 'b' && (p.ctrlKey || p.metaKey) && !p.altKey,
  },
  {
    id: 'help',
    keys: ['?'],
    description: 'Show this list of shortcuts',
    inFields: false,
    // "?" is Shift+/ on most layouts; Shift is not checked so any layout that types "?" works.
    matches: (p) => p.key === '?' && !p.ctrlKey && !p.metaKey && !p.altKey,
  },
];

/** The shortcut a key press means, or null; `typing` is whether focus is in a text field. */
export function shortcutFor(press: KeyPress, typing: boolean): Shortcut | null {
  return shortcuts.find((s) => (s.inFields || !typing) && s.matches(press)) ?? null;
}

/** Whether keys typed at this element are text for it (so single-key shortcuts stay away). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  return element.closest('input, textarea, select, [contenteditable="true"]') !== null;
}

/** The server pages whose section the next/previous server keeps; other sections fall back to Storage. */
const keptSections = new Set(['storage', 'health', 'alerts', 'rules', 'migrate']);

/**
 * The page of the next (step 1) or previous (step -1) server, in sidebar order,
 * keeping the section the user is on; from a page of no server, the first (or last) one.
 */
export function neighbourServerPath(
  path: string,
  profileIds: readonly string[],
  step: 1 | -1,
): string | null {
  if (profileIds.length === 0) return null;
  const match = /^\/profiles\/([^/]+)(?:\/([^/]+))?/.exec(path);
  const current = match ? profileIds.indexOf(decodeURIComponent(match[1]!)) : -1;
  const section = match?.[2] && keptSections.has(match[2]) ? match[2] : 'storage';
  const index =
    current === -1
      ? step === 1
        ? 0
        : profileIds.length - 1
      : (current + step + profileIds.length) % profileIds.length;
  return `/profiles/${encodeURIComponent(profileIds[index]!)}/${section}`;
}

/** The id of the server whose page this is, or null (the Add server page is no server's). */
export function serverOfPath(path: string): string | null {
  const match = /^\/profiles\/([^/]+)/.exec(path);
  if (!match || match[1] === 'new') return null;
  return decodeURIComponent(match[1]!);
}
