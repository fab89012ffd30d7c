/**
 * A small reader of our own stylesheets: each style rule's selectors with the at-rules around it
 * (`@media (max-width: 1100px)`), in source order. Enough for the plain CSS we write (no nesting);
 * keyframe steps (`from`, `to`, `50%`) are not selectors and are skipped.
 */
export type CssRule = {
  /** The at-rules the rule sits in, outermost first; empty at the top level. */
  context: string[];
  /** One entry per comma-separated selector, white space folded. */
  selectors: string[];
  /** The declarations, as written. */
  body: string;
};

export function readRules(css: string): CssRule[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const rules: CssRule[] = [];
  const context: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '{') {
      const prelude = fold(text.slice(start, i));
      const end = prelude.startsWith('@') ? i : text.indexOf('}', i);
      if (prelude.startsWith('@')) {
        context.push(prelude);
      } else {
        if (!context.some((at) => at.startsWith('@keyframes'))) {
          rules.push({
            context: [...context],
            selectors: splitSelectors(prelude),
            body: text.slice(i + 1, end),
          });
        }
        i = end;
      }
      start = i + 1;
    } else if (char === '}') {
      context.pop();
      start = i + 1;
    } else if (char === ';' && context.length === 0) {
      start = i + 1; // a statement at-rule such as @import
    }
  }
  return rules;
}

/** Splits on the commas outside parentheses and brackets (`:is(a, b)`, `[x="a,b"]`). */
function splitSelectors(prelude: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < prelude.length; i++) {
    const char = prelude[i];
    if (char === '(' || char === '[') depth++;
    else if (char === ')' || char === ']') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(fold(prelude.slice(from, i)));
      from = i + 1;
    }
  }
  parts.push(fold(prelude.slice(from)));
  return parts;
}

function fold(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export type SelectorRepeat = { selector: string; files: string[] };

/**
 * Selectors defined more than once: in two files (whatever the at-rules around them), or as a rule of
 * their own twice in one file under the same at-rules. Within a file, a selector may also share a group
 * rule (`h1, h2, h3 { … }` then `h1 { … }`); restated inside a media query it is an override.
 */
export function selectorRepeats(files: Record<string, string>): SelectorRepeat[] {
  const filesOf = new Map<string, Set<string>>();
  const alone = new Map<string, number>();
  const repeated = new Set<string>();
  for (const [file, css] of Object.entries(files)) {
    for (const rule of readRules(css)) {
      for (const selector of rule.selectors) {
        const seenIn = filesOf.get(selector) ?? new Set<string>();
        seenIn.add(file);
        filesOf.set(selector, seenIn);
        if (seenIn.size > 1) repeated.add(selector);
      }
      if (rule.selectors.length === 1) {
        const key = [file, ...rule.context, rule.selectors[0]].join('\n');
        alone.set(key, (alone.get(key) ?? 0) + 1);
        if (alone.get(key)! > 1) repeated.add(rule.selectors[0]!);
      }
    }
  }
  return [...repeated].map((selector) => ({ selector, files: [...filesOf.get(selector)!] }));
}
