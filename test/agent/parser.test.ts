import { describe, expect, it } from 'vitest';
import { registerGuiActions } from '../../src/agent/actions/gui-actions.js';
import { ActionRegistry } from '../../src/agent/actions/registry.js';
import { parseAction } from '../../src/agent/parser/parse-action.js';

const registry = new ActionRegistry();
registerGuiActions(registry, { screen: true });

const block = (code: string) =>
  `(Previous action verification)\nok\n(Grounded Action)\n\`\`\`python\n${code}\n\`\`\``;
const parse = (code: string) => parseAction(block(code), registry);

describe('parser: what parses', () => {
  it.each([
    [
      'positional',
      'agent.click("The blue Send button", 2, "right")',
      { element_description: 'The blue Send button', num_clicks: 2, button_type: 'right', hold_keys: [] },
    ],
    [
      'keyword',
      "agent.click(element_description='OK', hold_keys=['ctrl'])",
      { element_description: 'OK', num_clicks: 1, button_type: 'left', hold_keys: ['ctrl'] },
    ],
    [
      'mixed + trailing comma',
      'agent.scroll("the list", -3, shift=True,)',
      { element_description: 'the list', clicks: -3, shift: true },
    ],
    [
      'unicode and escaped quotes',
      'agent.type("le champ « nom »", "Zoë said \\"héllo\\" 😀", True, enter=False)',
      { element_description: 'le champ « nom »', text: 'Zoë said "héllo" 😀', overwrite: true, enter: false },
    ],
    [
      'raw string keeps backslashes',
      "agent.type(None, r'C:\\Users\\bob')",
      { element_description: null, text: 'C:\\Users\\bob', overwrite: false, enter: false },
    ],
    [
      'triple-quoted multi-line',
      'agent.type(text="""line one\nline two""")',
      { element_description: null, text: 'line one\nline two', overwrite: false, enter: false },
    ],
    ['tuple becomes a list', "agent.hotkey(('ctrl', 'shift', 't'))", { keys: ['ctrl', 'shift', 't'] }],
    ['no arguments', 'agent.done()', {}],
    [
      'single string to save_to_knowledge',
      'agent.save_to_knowledge("the code is 4417")',
      { text: 'the code is 4417' },
    ],
    ['a comment line before the call', '# click it\nagent.wait(1.5)', { time: 1.5 }],
    ['concatenated literals', 'agent.open("fire" "fox")', { app_or_filename: 'firefox' }],
  ])('%s', (_name, code, args) => {
    const result = parse(code);
    expect(result).toMatchObject({ ok: true, args });
  });

  it('takes the LAST code block and ignores earlier ones', () => {
    const result = parseAction(
      '```python\nagent.fail()\n```\nOn reflection:\n```\nagent.done()\n```',
      registry,
    );
    expect(result).toMatchObject({ ok: true, action: { name: 'done' } });
  });

  it('keeps a string that contains a fence', () => {
    expect(parse('agent.type(text="```js\\nx\\n```")')).toMatchObject({
      ok: true,
      args: { text: '```js\nx\n```' },
    });
  });
});

describe('parser: injection attempts are refused, never run', () => {
  it.each([
    [
      'second statement after ;',
      'agent.click("x"); __import__("os").system("touch /tmp/pwned")',
      /only one action/,
    ],
    ['second statement on a new line', 'agent.click("x")\nimport os', /only one action/],
    ['hidden after a comment', 'agent.click("x") # fine\nos.system("touch /tmp/pwned")', /only one action/],
    [
      'call inside an argument',
      'agent.click(__import__("os").system("id"))',
      /"__import__" is a name being called/,
    ],
    ['name inside an argument', 'agent.click(element_description=secret)', /"secret" is a name/],
    ['attribute access in an argument', 'agent.click("x".join(["a"]))', /attribute access/],
    ['attribute chain on agent', 'agent.click.__globals__("x")', /attribute chains/],
    ['lambda', 'agent.click(lambda: 1)', /lambdas are not allowed/],
    ['f-string', 'agent.type(text=f"{__import__(\'os\').getcwd()}")', /f-strings are not allowed/],
    ['**kwargs', 'agent.click(**{"element_description": "x"})', /unpacking is not allowed/],
    ['*args', 'agent.click(*["x"])', /unpacking is not allowed/],
    ['string escape trick', 'agent.click("\\"); os.system(\\"id")', /^(?!.*ok)/],
    ['operators between literals', 'agent.click("a" + "b")', /operator "\+"/],
    ['not agent', 'os.system("id")', /starts with "os"/],
    ['unterminated string', 'agent.click("x)', /not closed/],
    ['unbalanced parenthesis', 'agent.click("x"', /expected "," or "\)"/],
    ['bytes', "agent.type(text=b'x')", /bytes literals/],
    ['set literal', 'agent.hotkey({"ctrl", "c"})', /sets are not allowed/],
    ['walrus', 'agent.click((x := "a"))', /"x" is a name/],
    ['subscript', 'agent.click(["a"][0])', /expected "," between values|operator/],
  ])('%s', (_name, code, pattern) => {
    const result = parse(code);
    if (result.ok) {
      // The only acceptable "ok" is a harmless literal string (the escape trick stays inside the string).
      expect(_name).toBe('string escape trick');
      expect(result.args.element_description).toBe('"); os.system("id');
    } else {
      expect(result.error).toMatch(pattern);
    }
  });
});

describe('parser: validation against the action', () => {
  it.each([
    [
      'unknown action',
      'agent.rm_rf("/")',
      /agent\.rm_rf is not an available action; use one of: click, type/,
    ],
    ['missing required', 'agent.scroll("list")', /missing required argument: clicks/],
    [
      'unknown keyword',
      'agent.click("x", speed=3)',
      /has no argument "speed" \(its arguments: element_description, num_clicks, button_type, hold_keys\)/,
    ],
    ['wrong type', 'agent.click("x", "twice")', /argument "num_clicks" must be an int, got a string/],
    ['out of range', 'agent.click("x", 7)', /at most 3/],
    ['enum', 'agent.click("x", 1, "sideways")', /must be one of "left", "middle", "right"/],
    ['unknown key', "agent.hotkey(['ctrl', 'kaboom'])", /unknown key names: "kaboom"/],
    ['too many positional', 'agent.done(1)', /takes at most 0 arguments/],
    ['twice', 'agent.wait(1, time=2)', /got "time" twice/],
    ['no code block', 'I will click the button now.', /no action found/],
  ])('%s', (_name, code, pattern) => {
    const result = _name === 'no code block' ? parseAction(code, registry) : parse(code);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(pattern);
  });

  it('validates without side effects: no handler runs and nothing is grounded', () => {
    let grounded = 0;
    const result = parse('agent.click("the OK button")');
    expect(result.ok).toBe(true);
    // Parsing returned a description of the call; running it is a separate, explicit step.
    expect(grounded).toBe(0);
    if (result.ok) {
      void result.action.handler(result.args, {
        ground: async () => {
          grounded += 1;
          return { x: 1, y: 2 };
        },
      });
    }
    expect(grounded).toBe(1);
  });
});

describe('parser: plain data only', () => {
  const withDict = new ActionRegistry();
  withDict.register({
    kind: 'gui',
    name: 'fill',
    description: 'fill a form',
    params: [{ name: 'fields', type: { kind: 'object' }, required: true }],
    handler: async () => ({ type: 'done' }),
  });
  const parseDict = (code: string) => parseAction(block(code), withDict);

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'null', 'undefined'])(
    'the identifier %s is a parse error, never a JavaScript value',
    (name) => {
      const result = parse(`agent.save_to_knowledge(${name})`);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(new RegExp(`"${name}" is (a name|not a Python literal)`));
    },
  );

  it.each([
    ['True', true],
    ['true', true],
    ['False', false],
    ['false', false],
    ['None', null],
    ['none', null],
  ])('%s is the literal it names', (name, value) => {
    const result = parseDict(`agent.fill({"v": ${name}})`);
    expect(result).toMatchObject({ ok: true, args: { fields: { v: value } } });
  });

  it('keeps "__proto__", "constructor" and "toString" as ordinary dict keys: nothing vanishes', () => {
    const result = parseDict(
      'agent.fill({"__proto__": {"admin": True}, "constructor": "c", "toString": 1, "to": "bob@example.com"})',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const fields = result.args.fields as Record<string, unknown>;
    expect(Object.getPrototypeOf(fields)).toBe(null);
    expect(Object.getPrototypeOf(result.args)).toBe(null);
    expect(Object.keys(fields)).toEqual(['__proto__', 'constructor', 'toString', 'to']);
    expect(JSON.parse(JSON.stringify(fields))).toEqual({
      ['__proto__']: { admin: true },
      constructor: 'c',
      toString: 1,
      to: 'bob@example.com',
    });
    expect(({} as { admin?: boolean }).admin).toBeUndefined();
  });

  it('refuses a dict key given twice, which could hide a value', () => {
    const result = parseDict('agent.fill({"to": "bob@example.com", "to": "eve@evil.example"})');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/dict key "to" is given twice/);
  });
});
