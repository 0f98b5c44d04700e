/**
 * Arguments for `gagent tools call`, read the way the tool's input schema says: `--arg k=v` gives
 * a string parameter the text as written, and parses numbers, booleans, arrays and objects only
 * where the schema asks for them. A value that does not fit — or a number that JSON would change
 * (too large to send exactly, or infinite) — is a usage error naming the parameter, never a
 * silent change.
 */
import { checkValue, fromJsonSchema, type ParamType, SchemaError } from '../agent/actions/param-types.js';
import { UsageError } from '../errors.js';

type Schema = { properties?: Record<string, unknown>; required?: unknown; additionalProperties?: unknown };

/** JSON.parse that refuses numbers it would not keep exactly (Node ≥ 22 gives the reviver the source text). */
export function parseExactJson(text: string, what: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) => {
    if (typeof value === 'number') {
      const source = context?.source ?? String(value);
      if (!Number.isFinite(value))
        throw new UsageError(`${what} has the number ${source}, which is out of range.`);
      if (/^-?\d+$/.test(source) && !Number.isSafeInteger(value))
        throw new UsageError(
          `${what} has the number ${source}, which is too large to send exactly.`,
          'Pass it as text ("…") if the tool accepts text.',
        );
    }
    return value;
  });
}

function typeOf(schema: Schema, name: string): ParamType | null {
  const property = schema.properties?.[name];
  if (property === undefined) return null;
  try {
    return fromJsonSchema(property);
  } catch (err) {
    if (err instanceof SchemaError) return { kind: 'any' };
    throw err;
  }
}

/** The value of one `--arg name=text`, as the parameter's type reads it. */
function readValue(name: string, text: string, type: ParamType | null): unknown {
  const what = `--arg ${name}`;
  const kind = type?.kind ?? 'any';
  if (type?.nullable && text === 'null') return null;
  switch (kind) {
    case 'string':
      return text;
    case 'integer':
    case 'number': {
      const trimmed = text.trim();
      if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed))
        throw new UsageError(
          `${what} must be ${kind === 'integer' ? 'a whole number' : 'a number'}, got "${text}".`,
        );
      return parseExactJson(trimmed.replace(/^(-?)\./, '$10.').replace(/\.($|[eE])/, '$1'), what);
    }
    case 'boolean':
      if (text === 'true' || text === 'false') return text === 'true';
      throw new UsageError(`${what} must be true or false, got "${text}".`);
    case 'array':
    case 'object':
      try {
        return parseExactJson(text, what);
      } catch (err) {
        if (err instanceof UsageError) throw err;
        throw new UsageError(
          `${what} must be JSON (${kind === 'array' ? 'a list such as ["a","b"]' : 'an object such as {"k":"v"}'}), got "${text}".`,
        );
      }
    default:
      // No type to go by: JSON where it parses exactly, else the text as written.
      try {
        return parseExactJson(text, what);
      } catch (err) {
        if (err instanceof UsageError) throw err;
        return text;
      }
  }
}

export function toolArguments(
  inputSchema: unknown,
  pairs: readonly string[],
  argsJson: string | undefined,
): Record<string, unknown> {
  const schema = (inputSchema ?? {}) as Schema;
  const known = Object.keys(schema.properties ?? {});
  let args: Record<string, unknown> = {};
  if (argsJson !== undefined) {
    let parsed: unknown;
    try {
      parsed = parseExactJson(argsJson, '--args-json');
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(
        '--args-json is not valid JSON.',
        'Pass one JSON object, for example --args-json \'{"to":"bob@example.com"}\'.',
      );
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new UsageError(
        '--args-json must be a JSON object.',
        'For example --args-json \'{"to":"bob@example.com"}\'.',
      );
    }
    args = { ...(parsed as Record<string, unknown>) };
  }
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--arg "${pair}" is not of the form key=value.`);
    const name = pair.slice(0, eq);
    const type = typeOf(schema, name);
    if (!type && schema.additionalProperties === false) {
      throw new UsageError(
        `The tool has no parameter "${name}".`,
        `Its parameters: ${known.join(', ') || '(none)'}.`,
      );
    }
    args[name] = readValue(name, pair.slice(eq + 1), type);
  }
  for (const [name, value] of Object.entries(args)) {
    const type = typeOf(schema, name);
    const problem = type ? checkValue(value, type) : null;
    if (problem) throw new UsageError(`The argument "${name}" ${problem}.`);
  }
  return args;
}

/** A parameter's type as a person reads it in `tools list`. */
export function typeLabel(type: ParamType): string {
  const base = (() => {
    switch (type.kind) {
      case 'string':
        return type.enum ? `one of ${type.enum.join('|')}` : 'string';
      case 'array':
        return type.items ? `list of ${typeLabel({ ...type.items, nullable: false })}` : 'list';
      case 'any':
        return 'any';
      default:
        return type.kind;
    }
  })();
  return type.nullable && type.kind !== 'any' ? `${base} or null` : base;
}

/** The tool's parameters: name, type and whether it is required, in the schema's order. */
export function toolParameters(inputSchema: unknown): { name: string; type: string; required: boolean }[] {
  const schema = (inputSchema ?? {}) as Schema;
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.keys(schema.properties ?? {}).map((name) => ({
    name,
    type: typeLabel(typeOf(schema, name) ?? { kind: 'any' }),
    required: required.has(name),
  }));
}
