import { describe, expect, it } from 'vitest';
import { escapeJsonControls, sanitizeForTerminal } from '../src/terminal-text.js';

describe('the one terminal sanitizer', () => {
  it.each([
    ['colour (CSI)', 'a\u001b[31mred\u001b[0m b', 'ared b'],
    ['clear screen', 'x\u001b[2Jy', 'xy'],
    ['window title (OSC, BEL)', 'x\u001b]0;owned\u0007y', 'xy'],
    ['clipboard write (OSC 52, ST)', 'x\u001b]52;c;ZXZpbA==\u001b\\y', 'xy'],
    ['hyperlink (OSC 8)', '\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007', 'click'],
    ['8-bit CSI', 'x\u009b31my', 'xy'],
    ['8-bit OSC', 'x\u009d0;owned\u009cy', 'xy'],
    ['carriage return hides a prefix', 'to: eve\rto: bob', 'to: eveto: bob'],
    ['bidi override', 'bob\u202eelpmaxe.eve', 'bobelpmaxe.eve'],
    ['keeps newlines, tabs and unicode', 'a\n\tb café 😀', 'a\n\tb café 😀'],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeForTerminal(input)).toBe(expected);
  });

  it('JSON keeps the data and escapes what a terminal could act on', () => {
    const value = { text: 'a\u009b31m\u007fb\u202e' };
    const json = escapeJsonControls(JSON.stringify(value));
    expect(json).not.toMatch(/[\u007f-\u009f\u202e]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});
