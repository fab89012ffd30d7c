import { describe, expect, it } from 'vitest';
import { displayIdent, displayName, displayQuoted, relationKey } from './ident';

describe('names as Tidemark shows them', () => {
  it('quotes only the parts that must be, so two relations never read the same', () => {
    expect(displayName('public', 'orders')).toBe('public.orders');
    expect(displayName('public', 'Trades')).toBe('public."Trades"');
    expect(displayIdent('say "hi"')).toBe('"say ""hi"""');
    expect(displayIdent('2026_q1')).toBe('"2026_q1"');
    // With a bare dot both would be public.a.b.
    expect(displayName('public', 'a.b')).toBe('public."a.b"');
    expect(displayName('public.a', 'b')).toBe('"public.a".b');
  });

  it('quotes the keywords psql would not take as a bare name, and no other word', () => {
    expect(displayName('public', 'user')).toBe('public."user"');
    expect(displayName('select', 'order')).toBe('"select"."order"');
    expect(displayIdent('int')).toBe('"int"');
    expect(displayIdent('left')).toBe('"left"');
    // Unreserved keywords are names like any other (quote_ident leaves them bare too).
    expect(displayIdent('name')).toBe('name');
    expect(displayIdent('data')).toBe('data');
    expect(displayIdent('users')).toBe('users');
  });

  it('reads a name quoted for SQL in words, dots and doubled quotes inside parts kept', () => {
    expect(displayQuoted('"public"."transactions_old_ab12"')).toBe('public.transactions_old_ab12');
    expect(displayQuoted('"public"."Trades"')).toBe('public."Trades"');
    expect(displayQuoted('"a.b"."c"')).toBe('"a.b".c');
    expect(displayQuoted('"a"."b.c"')).toBe('a."b.c"');
    expect(displayQuoted('"public"."x""y"')).toBe('public."x""y"');
    expect(displayQuoted('"tidemark_migration"')).toBe('tidemark_migration');
    expect(displayQuoted('"public"."user"')).toBe('public."user"');
    expect(displayQuoted('not quoted')).toBe('not quoted');
  });

  it('keys two relations apart even where a bare dot joins them into one string', () => {
    expect(relationKey('a.b', 'c')).not.toBe(relationKey('a', 'b.c'));
    expect(relationKey('public', 'orders')).toBe(relationKey('public', 'orders'));
  });
});
