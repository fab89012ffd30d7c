import { describe, expect, it } from 'vitest';
import { qi, ql, qn, truncateBytes, withSuffix } from './ident';
import { dollarTag } from './names';
import {
  appendToFirstList,
  balanced,
  orReplaceTrigger,
  referencedColumns,
  replaceReferencedTable,
  replaceTriggerTable,
  splitIndexDef,
} from './sql-text';

describe('quoting names and values from the DBA’s database', () => {
  it('always quotes identifiers, doubling embedded quotes', () => {
    expect(qi('transactions')).toBe('"transactions"');
    expect(qi('Trade "Log"')).toBe('"Trade ""Log"""');
    expect(qn('My Schema', 'a.b')).toBe('"My Schema"."a.b"');
  });

  it('quotes literals whatever standard_conforming_strings says', () => {
    expect(ql("it's")).toBe("'it''s'");
    expect(ql('back\\slash')).toBe("E'back\\\\slash'");
  });

  it('keeps derived names within 63 bytes without splitting a character, shortening the base only', () => {
    const long = 'é'.repeat(40); // 80 bytes
    expect(Buffer.byteLength(truncateBytes(long, 63))).toBe(62);
    const name = withSuffix(long, '_old_abc123');
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    expect(name.endsWith('_old_abc123')).toBe(true);
  });

  it('picks a dollar-quote tag the body does not contain', () => {
    expect(dollarTag('select 1')).toBe('$tdm$');
    expect(dollarTag('a $tdm$ b')).toBe('$tdm1$');
  });
});

describe('editing what PostgreSQL prints', () => {
  it('adds the time column to a key list once, not fooled by quotes or expressions', () => {
    expect(appendToFirstList('PRIMARY KEY (id)', 'executed_at')).toBe('PRIMARY KEY (id, executed_at)');
    expect(appendToFirstList('UNIQUE NULLS NOT DISTINCT ("a)b", c) INCLUDE (d)', '"t"')).toBe(
      'UNIQUE NULLS NOT DISTINCT ("a)b", c, "t") INCLUDE (d)',
    );
    expect(appendToFirstList('PRIMARY KEY (id, executed_at)', 'executed_at')).toBe(
      'PRIMARY KEY (id, executed_at)',
    );
    expect(appendToFirstList('PRIMARY KEY (id, "Executed At")', '"Executed At"')).toBe(
      'PRIMARY KEY (id, "Executed At")',
    );
    // An expression that mentions the column is not the column.
    expect(appendToFirstList('USING btree (lower(t::text))', 't')).toBe('USING btree (lower(t::text), t)');
  });

  it('splits an index definition at USING, for names with spaces, dots and ON', () => {
    expect(
      splitIndexDef('CREATE UNIQUE INDEX "a ON b" ON ONLY "s.x"."t ON u" USING btree (id) WHERE (x > 0)'),
    ).toEqual({
      unique: true,
      tail: 'USING btree (id) WHERE (x > 0)',
    });
    expect(splitIndexDef('CREATE INDEX i ON public.t USING gin (doc jsonb_path_ops)')).toEqual({
      unique: false,
      tail: 'USING gin (doc jsonb_path_ops)',
    });
  });

  it('re-points a foreign key and a trigger at another table', () => {
    expect(
      replaceReferencedTable('FOREIGN KEY (a) REFERENCES "My S"."T t"(id) ON DELETE CASCADE', '"s"."new"'),
    ).toBe('FOREIGN KEY (a) REFERENCES "s"."new"(id) ON DELETE CASCADE');
    expect(referencedColumns('FOREIGN KEY (a, b) REFERENCES public.t("Trade Id", "x,y") NOT VALID')).toEqual([
      'Trade Id',
      'x,y',
    ]);
    expect(
      replaceTriggerTable(
        'CREATE TRIGGER "on" AFTER INSERT OR UPDATE OF "on" ON "Trading Desk"."Trade Log" FOR EACH ROW EXECUTE FUNCTION f()',
        '"s"."n"',
      ),
    ).toBe('CREATE TRIGGER "on" AFTER INSERT OR UPDATE OF "on" ON "s"."n" FOR EACH ROW EXECUTE FUNCTION f()');
    expect(orReplaceTrigger('CREATE CONSTRAINT TRIGGER x AFTER INSERT ON t')).toBe(
      'CREATE OR REPLACE CONSTRAINT TRIGGER x AFTER INSERT ON t',
    );
  });

  it('tells balanced SQL from unbalanced', () => {
    expect(balanced(`SELECT 'a''b', "c""d" FROM t WHERE (x IN (1, 2));`)).toBe(true);
    expect(balanced(`SELECT 'unterminated FROM t;`)).toBe(false);
    expect(balanced(`SELECT (1;`)).toBe(false);
    expect(balanced(`SELECT "open FROM t;`)).toBe(false);
  });
});
