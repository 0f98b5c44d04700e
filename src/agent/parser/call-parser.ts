/**
 * Parses exactly one `agent.<name>(…)` call whose arguments are Python literals, by recursive
 * descent over the tokens. Nothing is evaluated: a name, call, attribute, operator or second
 * statement anywhere is an error with a sentence the model can act on.
 */
import { SyntaxProblem, type Token, tokenize } from './tokenizer.js';

export interface ParsedCall {
  name: string;
  positional: unknown[];
  keyword: [string, unknown][];
}

const MAX_DEPTH = 32;
/** The only names that are values. A Map, so `constructor` or `__proto__` can never resolve to anything. */
const LITERAL_NAMES: ReadonlyMap<string, boolean | null> = new Map([
  ['True', true],
  ['False', false],
  ['None', null],
  ['true', true],
  ['false', false],
  ['none', null],
]);

/** A dict as plain data: no prototype, so a key such as "__proto__" is an ordinary key. */
export function plainObject(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (this.index < this.tokens.length - 1) this.index += 1;
    return token;
  }

  private isOp(value: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.value === value;
  }

  private expectOp(value: string, context: string): void {
    const t = this.next();
    if (t.kind !== 'op' || t.value !== value)
      throw new SyntaxProblem(`expected "${value}" ${context}, found ${describe(t)}`, t.pos);
  }

  parseCall(): ParsedCall {
    while (this.peek().kind === 'newline') this.next();
    const head = this.next();
    if (head.kind !== 'name' || head.value !== 'agent') {
      throw new SyntaxProblem(
        `the code must be a single call agent.<action>(…), but it starts with ${describe(head)}`,
        head.pos,
      );
    }
    this.expectOp('.', 'after "agent"');
    const name = this.next();
    if (name.kind !== 'name')
      throw new SyntaxProblem(`expected an action name after "agent.", found ${describe(name)}`, name.pos);
    if (this.isOp('.'))
      throw new SyntaxProblem(
        `attribute chains such as agent.${name.value}.… are not allowed; call one action`,
        this.peek().pos,
      );
    this.expectOp('(', `after agent.${name.value}`);
    const call: ParsedCall = { name: name.value, positional: [], keyword: [] };
    while (!this.isOp(')')) {
      this.parseArgument(call);
      if (this.isOp(',')) {
        this.next();
        continue;
      }
      if (!this.isOp(')'))
        throw new SyntaxProblem(
          `expected "," or ")" between arguments, found ${describe(this.peek())}`,
          this.peek().pos,
        );
    }
    this.next();
    while (this.peek().kind === 'newline') this.next();
    const rest = this.peek();
    if (rest.kind !== 'eof') {
      throw new SyntaxProblem(
        rest.kind === 'op' && rest.value === ';'
          ? 'only one action per reply: found ";" and more code after the call'
          : `only one action per reply: found more code after the call (${describe(rest)})`,
        rest.pos,
      );
    }
    return call;
  }

  private parseArgument(call: ParsedCall): void {
    const t = this.peek();
    if (t.kind === 'op' && (t.value === '*' || t.value === '**')) {
      throw new SyntaxProblem(`${t.value}-unpacking is not allowed; pass each argument literally`, t.pos);
    }
    if (t.kind === 'name' && this.isOp('=', 1) && !LITERAL_NAMES.has(t.value)) {
      this.next();
      this.next();
      if (call.keyword.some(([k]) => k === t.value))
        throw new SyntaxProblem(`the argument ${t.value} is given twice`, t.pos);
      call.keyword.push([t.value, this.parseLiteral(0)]);
      return;
    }
    if (call.keyword.length > 0)
      throw new SyntaxProblem('a positional argument cannot follow a keyword argument', t.pos);
    call.positional.push(this.parseLiteral(0));
  }

  private parseLiteral(depth: number): unknown {
    if (depth > MAX_DEPTH) throw new SyntaxProblem('the arguments are nested too deeply', this.peek().pos);
    const t = this.next();
    switch (t.kind) {
      case 'string': {
        let value = t.value;
        // Adjacent literals concatenate, as in Python.
        while (this.peek().kind === 'string') value += (this.next() as { value: string }).value;
        return this.noTrailer(value);
      }
      case 'number':
        return this.noTrailer(t.value);
      case 'name':
        if (LITERAL_NAMES.has(t.value)) return this.noTrailer(LITERAL_NAMES.get(t.value));
        if (t.value === 'lambda')
          throw new SyntaxProblem('lambdas are not allowed; arguments must be literal values', t.pos);
        if (t.value === 'null') throw new SyntaxProblem('"null" is not a Python literal; write None', t.pos);
        throw new SyntaxProblem(
          `arguments must be literal values (strings, numbers, True/False/None, lists, dicts); "${t.value}" is a name${this.isOp('(') ? ' being called' : ''}, not a value`,
          t.pos,
        );
      case 'op':
        if (t.value === '-' || t.value === '+') {
          const n = this.next();
          if (n.kind !== 'number')
            throw new SyntaxProblem(`"${t.value}" must be followed by a number`, n.pos);
          return this.noTrailer(t.value === '-' ? -n.value : n.value);
        }
        if (t.value === '[') return this.noTrailer(this.parseSequence(']', depth));
        if (t.value === '(') return this.noTrailer(this.parseParenthesized(depth));
        if (t.value === '{') return this.noTrailer(this.parseDict(depth));
        throw new SyntaxProblem(`expected a literal value, found ${describe(t)}`, t.pos);
      default:
        throw new SyntaxProblem(`expected a literal value, found ${describe(t)}`, t.pos);
    }
  }

  /** A literal followed by (, [, ., or an operator is an expression, not a literal. */
  private noTrailer<T>(value: T): T {
    const t = this.peek();
    if (t.kind === 'op' && !['.', ',', ')', ']', '}', ':'].includes(t.value)) {
      throw new SyntaxProblem(
        `arguments must be plain literals; found the operator "${t.value}" after a value`,
        t.pos,
      );
    }
    if (t.kind === 'op' && t.value === '.')
      throw new SyntaxProblem('attribute access is not allowed in arguments', t.pos);
    if (t.kind === 'string' || t.kind === 'number' || t.kind === 'name')
      throw new SyntaxProblem(`expected "," between values, found ${describe(t)}`, t.pos);
    return value;
  }

  private parseSequence(close: string, depth: number): unknown[] {
    const items: unknown[] = [];
    while (!this.isOp(close)) {
      items.push(this.parseLiteral(depth + 1));
      if (this.isOp(',')) this.next();
      else if (!this.isOp(close))
        throw new SyntaxProblem(
          `expected "," or "${close}", found ${describe(this.peek())}`,
          this.peek().pos,
        );
    }
    this.next();
    return items;
  }

  /** (x) is x; (x,) and (x, y) are tuples, which become lists. */
  private parseParenthesized(depth: number): unknown {
    if (this.isOp(')')) {
      this.next();
      return [];
    }
    const first = this.parseLiteral(depth + 1);
    if (this.isOp(')')) {
      this.next();
      return first;
    }
    this.expectOp(',', 'in a tuple');
    const rest = this.parseSequence(')', depth);
    return [first, ...rest];
  }

  private parseDict(depth: number): Record<string, unknown> {
    const out = plainObject();
    while (!this.isOp('}')) {
      const key = this.next();
      if (key.kind !== 'string') {
        throw new SyntaxProblem(
          key.kind === 'op' && key.value === '**'
            ? '**-unpacking is not allowed in a dict'
            : `dict keys must be strings, found ${describe(key)}`,
          key.pos,
        );
      }
      let name = key.value;
      while (this.peek().kind === 'string') name += (this.next() as { value: string }).value;
      if (!this.isOp(':'))
        throw new SyntaxProblem(
          `expected ":" after a dict key (sets are not allowed), found ${describe(this.peek())}`,
          this.peek().pos,
        );
      this.next();
      if (Object.hasOwn(out, name))
        throw new SyntaxProblem(`the dict key ${JSON.stringify(name)} is given twice`, key.pos);
      out[name] = this.parseLiteral(depth + 1);
      if (this.isOp(',')) this.next();
      else if (!this.isOp('}'))
        throw new SyntaxProblem(`expected "," or "}", found ${describe(this.peek())}`, this.peek().pos);
    }
    this.next();
    return out;
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the code';
    case 'newline':
      return 'a new line';
    case 'string':
      return 'a string';
    case 'number':
      return `the number ${t.value}`;
    default:
      return `"${t.value}"`;
  }
}

/** Parses one call; throws SyntaxProblem with a message for the model. */
export function parseCall(code: string): ParsedCall {
  return new Parser(tokenize(code)).parseCall();
}
