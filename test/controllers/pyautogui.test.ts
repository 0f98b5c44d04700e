import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pythonString, renderPyautogui } from '../../src/controllers/pyautogui.js';
import type { ScreenAction } from '../../src/controllers/types.js';
import { unavailable } from '../helpers/binaries.js';

/** Python's own parser tells us what each program would call, with which constant arguments. */
const ANALYZE = `
import ast, json, sys
out = []
for src in json.load(sys.stdin):
    tree = ast.parse(src)
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            args = [a.value if isinstance(a, ast.Constant) else ast.unparse(a) for a in node.args]
            calls.append([name, args])
    imports = [n.names[0].name for n in ast.walk(tree) if isinstance(n, ast.Import)]
    out.append({"calls": calls, "imports": imports, "statements": len(tree.body)})
print(json.dumps(out))
`;

function analyze(
  sources: string[],
): { calls: [string, unknown[]][]; imports: string[]; statements: number }[] {
  return JSON.parse(execFileSync('python3', ['-c', ANALYZE], { input: JSON.stringify(sources) }).toString());
}

const noPython = unavailable(['python3'], 'the Python checks of the pyautogui renderer');

describe.skipIf(noPython)('pyautogui renderer, checked by Python', () => {
  it('renders every action as valid, self-contained Python', () => {
    const actions: ScreenAction[] = [
      { type: 'click', at: { x: 10.4, y: 20.6 }, clicks: 2, button: 'right', holdKeys: ['ctrl', 'shift'] },
      { type: 'type', text: 'hello\nworld', at: { x: 1, y: 2 }, overwrite: true, enter: true },
      { type: 'type', text: 'naïve café 😀', overwrite: false, enter: false },
      { type: 'scroll', at: { x: 5, y: 6 }, clicks: -3, horizontal: true },
      { type: 'drag', from: { x: 1, y: 1 }, to: { x: 9, y: 9 }, holdKeys: ['alt'] },
      { type: 'hotkey', keys: ['ctrl', 'c'] },
      { type: 'hold_and_press', holdKeys: ['shift'], pressKeys: ['tab', 'tab'] },
      { type: 'open', target: 'gedit' },
      { type: 'switch_app', app: 'Terminal' },
      { type: 'wait', seconds: 1.5 },
    ];
    const results = analyze(actions.map(renderPyautogui));
    for (const r of results) expect(r.imports).toEqual(expect.arrayContaining(['pyautogui', 'time']));
    expect(results[0]?.calls.map((c) => c[0])).toEqual([
      'pyautogui.keyDown',
      'pyautogui.keyDown',
      'pyautogui.click',
      'pyautogui.keyUp',
      'pyautogui.keyUp',
    ]);
    expect(results[0]?.calls[2]).toEqual(['pyautogui.click', [10, 21]]);
    expect(results[1]?.calls.find((c) => c[0] === 'pyautogui.write')?.[1]).toEqual(['hello\nworld']);
    expect(results[2]?.calls.find((c) => c[0] === 'pyperclip.copy')?.[1]).toEqual(['naïve café 😀']);
    expect(results[3]?.calls.at(-1)).toEqual(['pyautogui.hscroll', ['-3']]);
  });

  it('keeps adversarial text inside one string literal: the program only ever types it', () => {
    const attacks = [
      '"); import os; os.system("touch /tmp/x',
      "'''\nimport os\n'''",
      '\\"); os.system(\\"id',
      '\u0000\u001b[2J\r\n',
      `${'\\'.repeat(5)}"`,
    ];
    const results = analyze(
      attacks.map((text) => renderPyautogui({ type: 'type', text, overwrite: false, enter: false })),
    );
    results.forEach((r, i) => {
      expect(r.imports.sort()).toEqual(
        attacks[i]?.match(/^[\x20-\x7e\n\t]*$/) ? ['pyautogui', 'time'] : ['pyautogui', 'pyperclip', 'time'],
      );
      const typed = r.calls.find((c) => c[0] === 'pyautogui.write' || c[0] === 'pyperclip.copy');
      expect(typed?.[1][0]).toBe(attacks[i]);
      expect(
        r.calls.map((c) => c[0]).every((name) => name.startsWith('pyautogui.') || name === 'pyperclip.copy'),
      ).toBe(true);
    });
  });

  it('round-trips any text through the Python literal encoder (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { minLength: 1, maxLength: 30 }),
        (texts) => {
          // One assignment of one string constant per program, whose value is exactly the text.
          const program =
            'import ast,json,sys\nout=[]\nfor s in json.load(sys.stdin):\n    t=ast.parse(s)\n    assert len(t.body)==1 and isinstance(t.body[0].value, ast.Constant)\n    out.append(t.body[0].value.value)\nprint(json.dumps(out))';
          const values = JSON.parse(
            execFileSync('python3', ['-c', program], {
              input: JSON.stringify(texts.map((t) => `x = ${pythonString(t)}`)),
            }).toString(),
          );
          expect(values).toEqual(texts);
        },
      ),
      { numRuns: 10 },
    );
  });

  it('refuses a key name pyautogui does not know', () => {
    expect(() => renderPyautogui({ type: 'hotkey', keys: ['ctrl', 'explode'] })).toThrow(
      'not a pyautogui key',
    );
  });
});
