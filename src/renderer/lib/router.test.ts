import { describe, expect, it } from 'vitest';
import { matchPattern, pathFromHash } from './router';

describe('the hash router', () => {
  it('reads the path from the hash', () => {
    expect(pathFromHash('')).toBe('/');
    expect(pathFromHash('#')).toBe('/');
    expect(pathFromHash('#/')).toBe('/');
    expect(pathFromHash('#/profiles/abc/')).toBe('/profiles/abc');
    expect(pathFromHash('#profiles/new')).toBe('/profiles/new');
  });

  it('matches patterns and decodes parameters', () => {
    expect(matchPattern('/', '/')).toEqual({});
    expect(matchPattern('/profiles/new', '/profiles/new')).toEqual({});
    expect(matchPattern('/profiles/:id', '/profiles/a%20b')).toEqual({ id: 'a b' });
    expect(matchPattern('/profiles/:id', '/profiles/a/edit')).toBeNull();
    expect(matchPattern('/profiles/:id/edit', '/profiles/a/edit')).toEqual({ id: 'a' });
    expect(matchPattern('/profiles/:id', '/profiles/%E0%A4%A')).toBeNull();
  });
});
