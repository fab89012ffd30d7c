import { describe, expect, it } from 'vitest';
import { escapeControls, sqlComment } from './psql';

describe('comments in a psql script', () => {
  it('starts every line with --, whatever line break the text holds', () => {
    const text = 'a\nb\r\\! id\r\nc\vd\fe\u0085f\u2028g\u2029h';
    const lines = sqlComment(text).split('\n');
    expect(lines).toEqual(['-- a', '-- b', '-- \\! id', '-- c', '-- d', '-- e', '-- f', '-- g', '-- h']);
    expect(sqlComment(text)).not.toMatch(/\r/);
  });

  it('writes control characters and direction overrides as escapes', () => {
    expect(escapeControls('x\u001b[2Jy\u0000z\u202eq\tt')).toBe('x\\u001b[2Jy\\u0000z\\u202eq\tt');
    expect(sqlComment('name \u001b]0;title\u0007')).toBe('-- name \\u001b]0;title\\u0007');
  });

  it('keeps an empty line a comment', () => {
    expect(sqlComment('one\n\ntwo')).toBe('-- one\n--\n-- two');
  });
});
