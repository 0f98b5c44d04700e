import { describe, expect, it } from 'vitest';
import { MessageLines, MessageTooLargeError } from '../../src/mcp/message-lines.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('MessageLines', () => {
  it('cuts lines wherever the chunks fall, dropping a carriage return before the newline', () => {
    const lines = new MessageLines(1024);
    expect(lines.push(bytes('{"a":'))).toEqual([]);
    expect(lines.push(bytes('1}\r\n{"b":2}\n{"c"'))).toEqual(['{"a":1}', '{"b":2}']);
    expect(lines.push(bytes(':3}\n'))).toEqual(['{"c":3}']);
  });

  it('keeps a character split between chunks whole', () => {
    const lines = new MessageLines(1024);
    const euro = bytes('"€"\n');
    expect(lines.push(euro.subarray(0, 2))).toEqual([]);
    expect(lines.push(euro.subarray(2))).toEqual(['"€"']);
  });

  it('holds each line, not the stream, to the limit, and starts afresh after a line too long', () => {
    const lines = new MessageLines(8);
    expect(lines.push(bytes('12345678\n12345678\n'))).toEqual(['12345678', '12345678']);
    expect(() => lines.push(bytes('1234'))).not.toThrow();
    expect(() => lines.push(bytes('56789'))).toThrow(MessageTooLargeError);
    expect(lines.push(bytes('ok\n'))).toEqual(['ok']);
  });

  it('refuses a line past the limit even when its newline is in the same chunk', () => {
    expect(() => new MessageLines(8).push(bytes('123456789\n'))).toThrow('a message longer than 8 bytes');
  });
});
