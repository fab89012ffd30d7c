import { describe, expect, it } from 'vitest';
import { displayIdent, displayName } from './ident';

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
});
