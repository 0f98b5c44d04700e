import { describe, expect, it } from 'vitest';
import { closeNames, editDistance } from '../../src/composio/close-names.js';

describe('close toolkit names', () => {
  it('counts a swap of two neighbours as one edit', () => {
    expect(editDistance('gmial', 'gmail')).toBe(1);
    expect(editDistance('slak', 'slack')).toBe(1);
    expect(editDistance('github', 'gitlab')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('stops counting past the limit', () => {
    expect(editDistance('a'.repeat(500), 'b'.repeat(500), 2)).toBe(3);
    expect(editDistance('short', 'a much longer name', 1)).toBe(2);
  });

  it('suggests the nearest names first, and names that start with what was typed', () => {
    const listed = ['gmail', 'slack', 'github', 'gitlab', 'googlecalendar', 'googledrive', 'notion'];
    expect(closeNames('gmial', listed)).toEqual(['gmail']);
    expect(closeNames('gihub', listed)).toEqual(['github']);
    expect(closeNames('google', listed)).toEqual(['googlecalendar', 'googledrive']);
    expect(closeNames('nosuchtoolkit', listed)).toEqual([]);
    // At most three, never the name itself, never twice.
    expect(closeNames('ab', ['ab', 'aa', 'ac', 'ad', 'ae', 'aa'])).toEqual(['aa', 'ac', 'ad']);
  });
});
