/**
 * Just enough of a tokenizer to edit the definitions PostgreSQL prints
 * (pg_get_indexdef, pg_get_constraintdef, pg_get_triggerdef) without being
 * fooled by names or strings that contain parentheses, dots or keywords.
 */

export interface Token {
  kind: 'word' | 'quoted' | 'string' | 'punct';
  text: string;
  start: number;
  end: number;
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    // Comments are skipped: a quote inside one must not open a string.
    if (ch === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
      continue;
    }
    const start = i;
    if (ch === '"') {
      i++;
      while (i < sql.length) {
        if (sql[i] === '"' && sql[i + 1] === '"') i += 2;
        else if (sql[i] === '"') break;
        else i++;
      }
      i++;
      tokens.push({ kind: 'quoted', text: sql.slice(start, i), start, end: i });
      continue;
    }
    const dollar = ch === '$' ? /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i)) : null;
    if (dollar) {
      const close = sql.indexOf(dollar[0], i + dollar[0].length);
      i = close < 0 ? sql.length : close + dollar[0].length;
      tokens.push({ kind: 'string', text: sql.slice(start, i), start, end: i });
      continue;
    }
    const escaped = (ch === 'E' || ch === 'e') && sql[i + 1] === "'";
    if (ch === "'" || escaped) {
      i += escaped ? 2 : 1;
      while (i < sql.length) {
        if (escaped && sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      i++;
      tokens.push({ kind: 'string', text: sql.slice(start, i), start, end: i });
      continue;
    }
    if (/[A-Za-z0-9_\x80-\uffff]/.test(ch) || (ch === '$' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      while (i < sql.length && /[A-Za-z0-9_$\x80-\uffff]/.test(sql[i] as string)) i++;
      tokens.push({ kind: 'word', text: sql.slice(start, i), start, end: i });
      continue;
    }
    i++;
    tokens.push({ kind: 'punct', text: ch, start, end: i });
  }
  return tokens;
}

const isWord = (t: Token | undefined, word: string) => t?.kind === 'word' && t.text.toUpperCase() === word;

/** Where a (possibly schema-qualified) relation name starting at token i ends (exclusive token index). */
function relationEnd(tokens: Token[], i: number): number {
  let j = i + 1;
  while (tokens[j]?.text === '.' && (tokens[j + 1]?.kind === 'word' || tokens[j + 1]?.kind === 'quoted'))
    j += 2;
  return j;
}

/** The first top-level parenthesised list after token index `from`: [openIndex, closeIndex] in tokens. */
function firstParenList(tokens: Token[], from = 0): [number, number] {
  const open = tokens.findIndex((t, i) => i >= from && t.text === '(');
  if (open < 0) throw new Error('no parenthesised list found');
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'punct') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')' && --depth === 0) return [open, i];
  }
  throw new Error('unbalanced parentheses');
}

/**
 * Adds `column` (already quoted) at the end of the first column list, unless the list
 * already names it: `PRIMARY KEY (id)` → `PRIMARY KEY (id, executed_at)`.
 */
export function appendToFirstList(sql: string, quotedColumn: string, from = 0): string {
  const tokens = tokenize(sql);
  const [open, close] = firstParenList(tokens, from);
  // Only a top-level item equal to the column counts (an expression that mentions it does not).
  const items: string[] = [];
  let depth = 0;
  let itemStart = open + 1;
  for (let i = open + 1; i <= close; i++) {
    const t = tokens[i] as Token;
    if (t.text === '(') depth++;
    else if (t.text === ')' && depth > 0) depth--;
    else if ((t.text === ',' && depth === 0) || i === close) {
      items.push(
        tokens
          .slice(itemStart, i)
          .map((x) => x.text)
          .join(' '),
      );
      itemStart = i + 1;
    }
  }
  const bare = quotedColumn.startsWith('"') ? quotedColumn.slice(1, -1).replace(/""/g, '"') : quotedColumn;
  const present = items.some(
    (item) => item === quotedColumn || (item === bare && /^[a-z_][a-z0-9_$]*$/.test(bare)),
  );
  if (present) return sql;
  const at = (tokens[close] as Token).start;
  return `${sql.slice(0, at)}, ${quotedColumn}${sql.slice(at)}`;
}

export interface IndexDefParts {
  unique: boolean;
  /** From `USING method (...)` to the end: the part that does not name the index or the table. */
  tail: string;
}

/** Splits `CREATE [UNIQUE] INDEX name ON [ONLY] rel USING ...`. */
export function splitIndexDef(def: string): IndexDefParts {
  const tokens = tokenize(def);
  const on = tokens.findIndex((t, i) => i > 2 && isWord(t, 'ON'));
  if (on < 0) throw new Error(`not an index definition: ${def}`);
  let rel = on + 1;
  if (isWord(tokens[rel], 'ONLY')) rel++;
  const using = relationEnd(tokens, rel);
  if (!isWord(tokens[using], 'USING')) throw new Error(`unexpected index definition: ${def}`);
  return { unique: isWord(tokens[1], 'UNIQUE'), tail: def.slice((tokens[using] as Token).start) };
}

/** Adds a column to the key list of an index tail (`USING btree (id)` → `USING btree (id, t)`). */
export function appendToIndexTail(tail: string, quotedColumn: string): string {
  return appendToFirstList(tail, quotedColumn);
}

/** Replaces the relation after `REFERENCES` in a foreign key definition. */
export function replaceReferencedTable(fkDef: string, relation: string): string {
  const tokens = tokenize(fkDef);
  const ref = tokens.findIndex((t) => isWord(t, 'REFERENCES'));
  if (ref < 0) throw new Error(`not a foreign key definition: ${fkDef}`);
  const end = relationEnd(tokens, ref + 1);
  const from = (tokens[ref + 1] as Token).start;
  const to = (tokens[end - 1] as Token).end;
  return `${fkDef.slice(0, from)}${relation}${fkDef.slice(to)}`;
}

/** Replaces the table in `CREATE [CONSTRAINT] TRIGGER name ... ON rel ...`. */
export function replaceTriggerTable(def: string, relation: string): string {
  const tokens = tokenize(def);
  const on = tokens.findIndex((t, i) => i > 3 && isWord(t, 'ON'));
  if (on < 0) throw new Error(`not a trigger definition: ${def}`);
  const end = relationEnd(tokens, on + 1);
  const from = (tokens[on + 1] as Token).start;
  const to = (tokens[end - 1] as Token).end;
  return `${def.slice(0, from)}${relation}${def.slice(to)}`;
}

/** `CREATE TRIGGER` → `CREATE OR REPLACE TRIGGER` (PostgreSQL 14+), so the step can run twice. */
export function orReplaceTrigger(def: string): string {
  return def.replace(/^CREATE (CONSTRAINT )?TRIGGER/i, (_m, c: string | undefined) =>
    c ? `CREATE OR REPLACE CONSTRAINT TRIGGER` : 'CREATE OR REPLACE TRIGGER',
  );
}

/** True when quotes, dollar quotes and parentheses in a script are balanced (used by tests and export). */
export function balanced(sql: string): boolean {
  let depth = 0;
  try {
    for (const t of tokenize(sql)) {
      if (t.kind === 'quoted' && !t.text.endsWith('"')) return false;
      if (t.kind === 'string' && t.text.startsWith('$')) {
        const tag = /^\$[A-Za-z0-9_]*\$/.exec(t.text)?.[0] ?? '$$';
        if (t.text.length < tag.length * 2 || !t.text.endsWith(tag)) return false;
      } else if (t.kind === 'string' && (t.text.length < 2 || !t.text.endsWith("'"))) return false;
      if (t.text === '(') depth++;
      if (t.text === ')') depth--;
      if (depth < 0) return false;
    }
  } catch {
    return false;
  }
  return depth === 0;
}

/** The column names of the first list after `from` (a token index): quoted names unquoted. */
function namesInList(tokens: Token[], from: number): string[] {
  const [open, close] = firstParenList(tokens, from);
  return tokens
    .slice(open + 1, close)
    .filter((t) => t.kind === 'word' || t.kind === 'quoted')
    .map((t) => (t.kind === 'quoted' ? t.text.slice(1, -1).replace(/""/g, '"') : t.text));
}

/** Referenced columns of `FOREIGN KEY (a) REFERENCES t(b, c) …` → ['b', 'c']. */
export function referencedColumns(fkDef: string): string[] {
  const tokens = tokenize(fkDef);
  const ref = tokens.findIndex((t) => isWord(t, 'REFERENCES'));
  if (ref < 0) return [];
  return namesInList(tokens, relationEnd(tokens, ref + 1));
}

/** Top-level statements of a script (psql meta-commands and comments removed first), each without its ';'. */
export function statements(sql: string): { text: string; terminated: boolean }[] {
  const out: { text: string; terminated: boolean }[] = [];
  let start = 0;
  for (const t of tokenize(sql)) {
    if (t.kind === 'punct' && t.text === ';') {
      out.push({ text: sql.slice(start, t.start).trim(), terminated: true });
      start = t.end;
    }
  }
  const rest = sql.slice(start).trim();
  if (rest) out.push({ text: rest, terminated: false });
  return out;
}
