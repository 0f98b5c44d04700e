/**
 * Tokenizes the small part of Python an action call may use: names, numbers, string literals,
 * brackets and punctuation. Anything else is a token the parser will reject by name. Strings
 * are decoded here (escapes, raw strings); f-strings and bytes are refused, because their
 * contents would be code or not text.
 */

export type Token =
  | { kind: 'name'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'op'; value: string; pos: number }
  | { kind: 'newline'; pos: number }
  | { kind: 'eof'; pos: number };

export class SyntaxProblem extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const OPERATORS = [
  '**',
  '//',
  '==',
  '!=',
  '<=',
  '>=',
  '->',
  ':=',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '=',
  '.',
  ';',
  '+',
  '-',
  '*',
  '/',
  '%',
  '@',
  '<',
  '>',
  '&',
  '|',
  '^',
  '~',
  '!',
  '`',
  '$',
  '?',
];
const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
  a: '\u0007',
};

function decodeEscapes(body: string, start: number): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) throw new SyntaxProblem('a string ends with a lone backslash', start + i);
    if (next === '\n') {
      i += 1; // line continuation inside the string
      continue;
    }
    if (next in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[next];
      i += 1;
      continue;
    }
    const hex = (len: number) => {
      const digits = body.slice(i + 2, i + 2 + len);
      if (digits.length !== len || !/^[0-9a-fA-F]+$/.test(digits))
        throw new SyntaxProblem(`a \\${next} escape needs ${len} hex digits`, start + i);
      const code = Number.parseInt(digits, 16);
      if (code > 0x10ffff)
        throw new SyntaxProblem('an escape names a character that does not exist', start + i);
      i += 1 + len;
      return String.fromCodePoint(code);
    };
    if (next === 'x') out += hex(2);
    else if (next === 'u') out += hex(4);
    else if (next === 'U') out += hex(8);
    else if (/[0-7]/.test(next)) {
      const digits = /^[0-7]{1,3}/.exec(body.slice(i + 1))?.[0] as string;
      out += String.fromCodePoint(Number.parseInt(digits, 8));
      i += digits.length;
    } else if (next === 'N') {
      throw new SyntaxProblem('\\N{…} escapes are not supported; write the character itself', start + i);
    } else {
      out += `\\${next}`; // Python keeps unknown escapes as written
      i += 1;
    }
  }
  return out;
}

function readString(src: string, pos: number, prefix: string): { value: string; end: number } {
  const lower = prefix.toLowerCase();
  if (lower.includes('f'))
    throw new SyntaxProblem('f-strings are not allowed; write the final text as a plain string literal', pos);
  if (lower.includes('b')) throw new SyntaxProblem('bytes literals are not allowed; use a plain string', pos);
  const raw = lower.includes('r');
  const quoteStart = pos + prefix.length;
  const quote = src[quoteStart] as string;
  const triple = src.startsWith(quote.repeat(3), quoteStart);
  const delimiter = triple ? quote.repeat(3) : quote;
  let i = quoteStart + delimiter.length;
  const bodyStart = i;
  for (;;) {
    if (i >= src.length) throw new SyntaxProblem('a string is not closed', pos);
    const ch = src[i];
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (!triple && ch === '\n')
      throw new SyntaxProblem('a string is not closed on its line (use \\n or a triple-quoted string)', pos);
    if (src.startsWith(delimiter, i)) break;
    i += 1;
  }
  const body = src.slice(bodyStart, i);
  return { value: raw ? body : decodeEscapes(body, bodyStart), end: i + delimiter.length };
}

const DIGITS = String.raw`\d(?:_?\d)*`;
const EXPONENT = `[eE][+-]?${DIGITS}`;
const NUMBER = new RegExp(
  `^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|${DIGITS}\\.(?:${DIGITS})?(?:${EXPONENT})?|\\.${DIGITS}(?:${EXPONENT})?|${DIGITS}(?:${EXPONENT})?)`,
);

function readNumber(src: string, pos: number): { value: number; end: number } {
  const match = NUMBER.exec(src.slice(pos));
  if (!match || match[0] === '') throw new SyntaxProblem('a malformed number', pos);
  const text = match[0];
  const end = pos + text.length;
  if (/[jJ]/.test(src[end] ?? '')) throw new SyntaxProblem('complex numbers are not allowed', pos);
  if (/[A-Za-z_]/.test(src[end] ?? '')) throw new SyntaxProblem('a malformed number', pos);
  const clean = text.replace(/_/g, '');
  if (/^0\d+$/.test(clean)) throw new SyntaxProblem('numbers cannot start with 0 (write 7, not 07)', pos);
  let value: number;
  if (/^0[xX]/.test(clean)) value = Number.parseInt(clean.slice(2), 16);
  else if (/^0[oO]/.test(clean)) value = Number.parseInt(clean.slice(2), 8);
  else if (/^0[bB]/.test(clean)) value = Number.parseInt(clean.slice(2), 2);
  else value = Number(clean);
  if (!Number.isFinite(value)) throw new SyntaxProblem('a number is too large', pos);
  return { value, end };
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let depth = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (ch === '#') {
      while (i < src.length && src[i] !== '\n') i += 1;
      continue;
    }
    if (ch === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (ch === '\n' || ch === '\r') {
      // Inside brackets a newline is only whitespace, as in Python.
      if (depth === 0 && tokens.at(-1)?.kind !== 'newline') tokens.push({ kind: 'newline', pos: i });
      i += 1;
      continue;
    }
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const prefix = /^[rRuUbBfF]{0,2}(?=['"])/.exec(src.slice(i, i + 3))?.[0];
    if (ch === '"' || ch === "'" || (prefix !== undefined && prefix.length > 0)) {
      const p = prefix ?? '';
      if (p.length > 0 && !/^(r|u|b|f|br|rb|fr|rf)$/i.test(p))
        throw new SyntaxProblem(`"${p}" is not a string prefix`, i);
      const { value, end } = readString(src, i, p);
      tokens.push({ kind: 'string', value, pos: i });
      i = end;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const { value, end } = readNumber(src, i);
      tokens.push({ kind: 'number', value, pos: i });
      i = end;
      continue;
    }
    const name = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(src.slice(i, i + 256))?.[0];
    if (name) {
      tokens.push({ kind: 'name', value: name, pos: i });
      i += name.length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      if (op === '(' || op === '[' || op === '{') depth += 1;
      if (op === ')' || op === ']' || op === '}') depth = Math.max(0, depth - 1);
      tokens.push({ kind: 'op', value: op, pos: i });
      i += op.length;
      continue;
    }
    throw new SyntaxProblem(`unexpected character ${JSON.stringify(ch)}`, i);
  }
  tokens.push({ kind: 'eof', pos: src.length });
  return tokens;
}
