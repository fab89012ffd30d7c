import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRules, selectorRepeats } from '../support/css-rules';

// Each selector is styled in one place: the shared blocks in src/renderer/styles/, a component's own
// look beside it. A selector defined in two files is how the old stylesheets drifted apart.
const renderer = resolve(__dirname, '../../src/renderer');

function stylesheets(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.css')) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(renderer, path)] = readFileSync(path, 'utf8');
  }
  return files;
}

describe('renderer stylesheets', () => {
  it('define no selector twice', () => {
    const files = stylesheets(renderer);
    expect(Object.keys(files).length).toBeGreaterThan(20);
    expect(selectorRepeats(files)).toEqual([]);
  });

  it('keep the design tokens in theme.css only', () => {
    const elsewhere = Object.entries(stylesheets(renderer)).filter(
      ([file, css]) => file !== join('styles', 'theme.css') && /^\s*--[\w-]+\s*:/m.test(css),
    );
    // Components may set a custom property of their own (check-icon's --icon-on); none redefines a token.
    const tokens = new Set(
      readRules(readFileSync(join(renderer, 'styles', 'theme.css'), 'utf8')).flatMap((rule) =>
        [...rule.body.matchAll(/(--[\w-]+)\s*:/g)].map((match) => match[1]),
      ),
    );
    const redefined = elsewhere.flatMap(([file, css]) =>
      [...css.matchAll(/(--[\w-]+)\s*:/g)].filter((match) => tokens.has(match[1])).map(() => file),
    );
    expect(redefined).toEqual([]);
  });
});

describe('selectorRepeats', () => {
  it('finds a selector defined in two files, alone or in a group, inside a media query or not', () => {
    const repeats = selectorRepeats({
      'a.css': '.card { padding: 4px; }\n.tabs, .tabs a { gap: 2px; }',
      'b.css': '/* .card { } in a comment is no rule */\n@media (max-width: 900px) { .card { padding: 0; } }',
      'c.css': '.tabs a { white-space: nowrap; }',
    });
    expect(repeats).toEqual([
      { selector: '.card', files: ['a.css', 'b.css'] },
      { selector: '.tabs a', files: ['a.css', 'c.css'] },
    ]);
  });

  it('finds a rule restated in one file, and allows a group then a rule of its own, and media overrides', () => {
    const repeats = selectorRepeats({
      'a.css': [
        'h1, h2 { margin: 0; }',
        'h1 { font-size: 2rem; }',
        '.grid { display: grid; }',
        '@media (max-width: 900px) { .grid { display: block; } }',
        '.table-filters select { width: auto; }',
        '.table-filters select { min-height: 30px; }',
        '@keyframes spin { to { transform: rotate(1turn); } }',
        '@keyframes pulse { to { opacity: 0; } }',
      ].join('\n'),
    });
    expect(repeats).toEqual([{ selector: '.table-filters select', files: ['a.css'] }]);
  });

  it('reads selectors with commas inside brackets and parentheses as one', () => {
    const rules = readRules('.a:is(.b, .c), [data-x="1,2"] { color: red; }');
    expect(rules[0]?.selectors).toEqual(['.a:is(.b, .c)', '[data-x="1,2"]']);
  });
});
