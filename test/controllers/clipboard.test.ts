import { describe, expect, it } from 'vitest';
import { clipboardWriter } from '../../src/controllers/clipboard.js';
import { pathWithout } from '../helpers/binaries.js';

describe('the clipboard helper of the local controller', () => {
  it('falls back to the xsel shipped with the desktop driver on a machine without xsel or xclip', () => {
    const writer = clipboardWriter('linux', pathWithout(['xsel', 'xclip']));
    expect(writer).not.toBeNull();
    expect(writer?.[0]).toMatch(/clipboardy[\\/]fallbacks[\\/]linux[\\/]xsel$/);
    expect(writer?.slice(1)).toEqual(['--clipboard', '--input']);
  });

  it('finds no helper on Windows, and pbcopy on macOS', () => {
    expect(clipboardWriter('win32', '')).toBeNull();
    expect(clipboardWriter('darwin', '')).toEqual(['pbcopy']);
  });
});
