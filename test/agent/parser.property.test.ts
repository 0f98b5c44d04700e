import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionRegistry } from '../../src/agent/actions/registry.js';
import type { GuiAction } from '../../src/agent/actions/types.js';
import { parseAction } from '../../src/agent/parser/parse-action.js';

/** An action that accepts any literal, so round trips test the parser alone. */
const echo: GuiAction = {
  kind: 'gui',
  name: 'echo',
  description: 'test',
  params: [
    { name: 'a', type: { kind: 'any' }, required: true },
    { name: 'b', type: { kind: 'any' }, required: false },
  ],
  handler: async () => ({ type: 'done' }),
};
const registry = new ActionRegistry();
registry.register(echo);

type Literal = null | boolean | number | string | Literal[] | { [key: string]: Literal };

/** Renders a value as Python source, choosing quote styles and escapes at random. */
function pyString(s: string, style: number): string {
  const quote = style % 2 === 0 ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += style % 3 === 0 ? '\\n' : '\\x0a';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code > 0xffff && style % 5 === 0) out += `\\U${code.toString(16).padStart(8, '0')}`;
    else if (code > 0x7f && code <= 0xffff && style % 7 === 0)
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

function py(value: Literal, style: number): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toExponential();
  if (typeof value === 'string') return pyString(value, style);
  if (Array.isArray(value)) {
    const items = value.map((v, i) => py(v, style + i));
    return style % 4 === 0 && items.length > 0
      ? `(${items.join(', ')},)`
      : `[${items.join(', ')}${style % 3 === 1 && items.length > 0 ? ',' : ''}]`;
  }
  return `{${Object.entries(value)
    .map(([k, v], i) => `${pyString(k, style + i)}: ${py(v, style + i + 1)}`)
    .join(', ')}}`;
}

const literal: fc.Arbitrary<Literal> = fc.letrec<{ value: Literal }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -1e12, max: 1e12 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
    fc.string({ unit: 'binary' }),
    fc.constantFrom('"', "'", '\\', '\\"', '"); __import__("os").system("x', '```', '\n', 'a\tb', '😀', 'é'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('action parser (property)', () => {
  it('round-trips any literal arguments, positional or keyword, with any quoting', () => {
    fc.assert(
      fc.property(
        literal,
        literal,
        fc.nat(1000),
        fc.boolean(),
        fc.boolean(),
        (a, b, style, keywordA, trailingComma) => {
          const first = keywordA ? `a=${py(a, style)}` : py(a, style);
          const code = `agent.echo(${first}, b=${py(b, style + 1)}${trailingComma ? ',' : ''})`;
          const parsed = parseAction(`(Grounded Action)\n\`\`\`python\n${code}\n\`\`\``, registry);
          expect(parsed).toMatchObject({ ok: true });
          if (parsed.ok) expect(parsed.args).toEqual({ a, b });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary text: it returns a format error or a valid call', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (garbage) => {
        const result = parseAction(`\`\`\`\n${garbage}\n\`\`\``, registry);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it('never accepts code that contains a call or a name outside string literals', () => {
    const token = fc.constantFrom(
      'agent',
      '.',
      'echo',
      '(',
      ')',
      '"x"',
      "'y'",
      ',',
      '=',
      'a',
      'os',
      'system',
      '__import__',
      ';',
      '\n',
      '#',
      '[',
      ']',
      '{',
      '}',
      ':',
      '1',
      '-',
      '+',
      '*',
      '**',
      'lambda',
      'f"z"',
      'True',
      'None',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 20 }), (parts) => {
        const code = parts.join(' ');
        const result = parseAction(`\`\`\`python\n${code}\n\`\`\``, registry);
        if (result.ok) {
          // Whatever parsed must be literal data only: no function-like objects, no names.
          const values = JSON.stringify(result.args);
          expect(values).not.toMatch(/os|system|__import__|lambda/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
