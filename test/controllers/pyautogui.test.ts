import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Desktop, pythonString, renderPrograms } from '../../src/controllers/pyautogui.js';
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
    imports = [n.names[0].name for n in tree.body if isinstance(n, ast.Import)]
    top = []
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            args = [a.value if isinstance(a, ast.Constant) else ast.unparse(a) for a in node.value.args]
            top.append([ast.unparse(node.value.func), args])
        elif isinstance(node, ast.FunctionDef):
            top.append(["def " + node.name, [ast.dump(node)]])
        elif not isinstance(node, ast.Import):
            top.append([type(node).__name__ + " " + ast.unparse(node), []])
    out.append({"calls": calls, "imports": imports, "top": top})
print(json.dumps(out))
`;

interface Analysis {
  /** Every call anywhere, with its constant arguments. */
  calls: [string, unknown[]][];
  /** Top-level imports. */
  imports: string[];
  /** Top-level statements: calls with their arguments, "def name" with the function's AST, anything else as text. */
  top: [string, unknown[]][];
}

function analyze(sources: string[]): Analysis[] {
  return JSON.parse(execFileSync('python3', ['-c', ANALYZE], { input: JSON.stringify(sources) }).toString());
}

/** The one program an action renders to (every action here is short). */
const render = (action: ScreenAction, desktop?: Desktop) => {
  const programs = renderPrograms(action, desktop);
  expect(programs).toHaveLength(1);
  return (programs[0] as { code: string }).code;
};

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
    const results = analyze(actions.map((a) => render(a)));
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
    expect(results[2]?.calls.find((c) => c[0] === 'gagent_paste')?.[1]).toEqual(['naïve café 😀']);
    expect(results[3]?.calls.at(-1)).toEqual(['pyautogui.hscroll', ['-3']]);
  });

  it('keeps adversarial text inside one string literal: the program only ever types it', () => {
    const attacks = [
      '"); import os; os.system("touch /tmp/x',
      "'''\nimport os\n'''",
      '\\"); os.system(\\"id',
      '\u0000\u001b[2J\r\n',
      `${'\\'.repeat(5)}"`,
      'é"); import os; os.system("id',
      "é'''\nimport os\n'''",
    ];
    const desktops: Desktop[] = [
      { system: 'Linux', clipboardUnusable: false },
      { system: 'Linux', clipboardUnusable: true },
      { system: 'Darwin', clipboardUnusable: false },
      { system: 'Windows', clipboardUnusable: false },
      { system: 'unknown', clipboardUnusable: false },
    ];
    for (const desktop of desktops) {
      const results = analyze(
        attacks.map((text) => render({ type: 'type', text, overwrite: false, enter: false }, desktop)),
      );
      // The helpers are the same fixed functions in every program: no text reaches them.
      const helpers = new Set(
        results.flatMap((r) => r.top.filter((t) => t[0].startsWith('def ')).map((t) => JSON.stringify(t))),
      );
      expect(helpers.size).toBeLessThanOrEqual(2);
      results.forEach((r, i) => {
        expect(r.imports.sort()).toEqual(['pyautogui', 'time']);
        const statements = r.top.filter((t) => !t[0].startsWith('def '));
        expect(statements.map((t) => t[0])).toEqual([
          'Assign pyautogui.FAILSAFE = False',
          expect.stringMatching(/^(pyautogui\.write|gagent_paste|gagent_type_keys)$/),
        ]);
        expect(statements[1]?.[1]).toEqual([attacks[i]]);
      });
    }
  });

  it('uses the shortcuts of the remote system, and key input only on a desktop without a clipboard', () => {
    const overwrite: ScreenAction = { type: 'type', text: 'café', overwrite: true, enter: false };
    const [mac, linux, noClipboard, windows] = analyze([
      render(overwrite, { system: 'Darwin', clipboardUnusable: false }),
      render(overwrite, { system: 'Linux', clipboardUnusable: false }),
      render(overwrite, { system: 'Linux', clipboardUnusable: true }),
      render(overwrite, { system: 'Windows', clipboardUnusable: false }),
    ]);
    const hotkeys = (a?: Analysis) => a?.calls.filter((c) => c[0] === 'pyautogui.hotkey').map((c) => c[1]);
    expect(hotkeys(mac)).toEqual([
      ['command', 'a'],
      ['command', 'v'],
    ]);
    expect(hotkeys(linux)).toEqual([
      ['ctrl', 'a'],
      ['ctrl', 'v'],
    ]);
    expect(hotkeys(windows)).toEqual([
      ['ctrl', 'a'],
      ['ctrl', 'v'],
    ]);
    // Linux tries the clipboard and falls back to keys; once it is known unusable, keys only.
    expect(linux?.top.map((t) => t[0]).filter((n) => n.startsWith('def '))).toEqual([
      'def gagent_type_keys',
      'def gagent_paste',
    ]);
    expect(noClipboard?.calls.some((c) => c[0].includes('pyperclip'))).toBe(false);
    expect(noClipboard?.top.at(-1)).toEqual(['gagent_type_keys', ['café']]);
    // Windows and macOS have a clipboard of their own: no X11 key input there.
    expect(windows?.calls.some((c) => c[0] === 'gagent_type_keys')).toBe(false);
    const [spotlight] = analyze([
      render({ type: 'open', target: 'Safari' }, { system: 'Darwin', clipboardUnusable: false }),
    ]);
    expect(spotlight?.calls[0]).toEqual(['pyautogui.hotkey', ['command', 'space']]);
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
    expect(() => renderPrograms({ type: 'hotkey', keys: ['ctrl', 'explode'] })).toThrow(
      'not a pyautogui key',
    );
  });
});
