/**
 * The parameter types of actions: a small subset of JSON Schema that both the hand-written GUI
 * actions and the MCP tools' input schemas map onto, with a validator and Python-style names
 * for the prompt. Remote schemas are data: nothing here compiles them to code.
 */

export interface ObjectProperty {
  type: ParamType;
  required: boolean;
}

export type ParamType =
  | { kind: 'string'; enum?: string[]; maxLength?: number; nullable?: boolean }
  | { kind: 'integer'; minimum?: number; maximum?: number; nullable?: boolean }
  | { kind: 'number'; minimum?: number; maximum?: number; nullable?: boolean }
  | { kind: 'boolean'; nullable?: boolean }
  | { kind: 'array'; items?: ParamType; maxItems?: number; nullable?: boolean }
  | {
      kind: 'object';
      /** Known keys, when the schema lists them (nested objects keep theirs). */
      properties?: Record<string, ObjectProperty>;
      /** false: keys other than `properties` are refused. */
      additionalProperties?: boolean;
      nullable?: boolean;
    }
  | { kind: 'any'; nullable?: boolean };

export class SchemaError extends Error {}

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SIMPLE = ['string', 'integer', 'number', 'boolean', 'array', 'object'] as const;

/** Converts one JSON Schema to a ParamType. Throws SchemaError for schemas that are not schemas. */
export function fromJsonSchema(schema: unknown, depth = 0): ParamType {
  if (schema === true || schema === undefined) return { kind: 'any' };
  if (!isSchema(schema)) throw new SchemaError('a property schema is not an object');
  if (depth > 16) return { kind: 'any' };

  const variants = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(variants)) {
    const nonNull = variants.filter((v) => !(isSchema(v) && v.type === 'null'));
    const nullable = nonNull.length < variants.length;
    if (nonNull.length === 1) return { ...fromJsonSchema(nonNull[0], depth + 1), nullable };
    return { kind: 'any', nullable };
  }

  let type = schema.type;
  let nullable = schema.nullable === true;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    nullable ||= nonNull.length < type.length;
    type = nonNull.length === 1 ? nonNull[0] : undefined;
  }
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string')) {
    return { kind: 'string', enum: schema.enum as string[], nullable };
  }
  const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);
  if (type === undefined) return { kind: 'any', nullable };
  if (typeof type !== 'string' || !(SIMPLE as readonly string[]).includes(type)) {
    if (type === 'null') return { kind: 'any', nullable: true };
    throw new SchemaError(`unsupported type ${JSON.stringify(type)}`);
  }
  switch (type) {
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
      const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
      return {
        kind: type,
        ...(min !== undefined ? { minimum: min } : {}),
        ...(max !== undefined ? { maximum: max } : {}),
        nullable,
      };
    }
    case 'array': {
      const maxItems = count(schema.maxItems);
      return {
        kind: 'array',
        ...(schema.items !== undefined ? { items: fromJsonSchema(schema.items, depth + 1) } : {}),
        ...(maxItems !== undefined ? { maxItems } : {}),
        nullable,
      };
    }
    case 'string': {
      const maxLength = count(schema.maxLength);
      return { kind: 'string', ...(maxLength !== undefined ? { maxLength } : {}), nullable };
    }
    case 'object':
      return { kind: 'object', ...objectShape(schema, depth), nullable };
    default:
      return { kind: type as 'boolean', nullable };
  }
}

/** An object schema's known keys (each typed, required or not) and whether others are allowed. */
function objectShape(
  schema: Schema,
  depth: number,
): { properties?: Record<string, ObjectProperty>; additionalProperties?: boolean } {
  const out: { properties?: Record<string, ObjectProperty>; additionalProperties?: boolean } = {};
  if (isSchema(schema.properties)) {
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const properties: Record<string, ObjectProperty> = Object.create(null);
    for (const [name, property] of Object.entries(schema.properties))
      properties[name] = { type: fromJsonSchema(property, depth + 1), required: required.has(name) };
    out.properties = properties;
  }
  if (schema.additionalProperties === false) out.additionalProperties = false;
  return out;
}

function describeValue(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a dict';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a bool';
  return Number.isInteger(value) ? 'an int' : 'a float';
}

/** Null when `value` fits `type`, else a short reason ("must be an int, got a string"). */
export function checkValue(value: unknown, type: ParamType): string | null {
  if (value === null) return type.nullable || type.kind === 'any' ? null : `must not be None`;
  switch (type.kind) {
    case 'any':
      return null;
    case 'string':
      if (typeof value !== 'string') return `must be a string, got ${describeValue(value)}`;
      if (type.enum && !type.enum.includes(value))
        return `must be one of ${type.enum.map((v) => JSON.stringify(v)).join(', ')}`;
      if (type.maxLength !== undefined && value.length > type.maxLength)
        return `must be at most ${type.maxLength} characters, got ${value.length}`;
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : `must be True or False, got ${describeValue(value)}`;
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        return `must be ${type.kind === 'integer' ? 'an int' : 'a number'}, got ${describeValue(value)}`;
      if (type.kind === 'integer' && !Number.isInteger(value)) return `must be a whole number, got ${value}`;
      if (type.minimum !== undefined && value < type.minimum)
        return `must be at least ${type.minimum}, got ${value}`;
      if (type.maximum !== undefined && value > type.maximum)
        return `must be at most ${type.maximum}, got ${value}`;
      return null;
    }
    case 'array': {
      if (!Array.isArray(value)) return `must be a list, got ${describeValue(value)}`;
      if (type.maxItems !== undefined && value.length > type.maxItems)
        return `must have at most ${type.maxItems} items, got ${value.length}`;
      if (!type.items) return null;
      for (const [i, item] of value.entries()) {
        const problem = checkValue(item, type.items);
        if (problem) return `item ${i} ${problem}`;
      }
      return null;
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value))
        return `must be a dict, got ${describeValue(value)}`;
      const record = value as Record<string, unknown>;
      for (const [key, property] of Object.entries(type.properties ?? {})) {
        if (!Object.hasOwn(record, key)) {
          if (property.required) return `is missing the key ${JSON.stringify(key)}`;
          continue;
        }
        const problem = checkValue(record[key], property.type);
        if (problem) return `key ${JSON.stringify(key)} ${problem}`;
      }
      if (type.additionalProperties === false) {
        const unknown = Object.keys(record).filter((k) => !Object.hasOwn(type.properties ?? {}, k));
        if (unknown.length > 0)
          return `has unknown key${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => JSON.stringify(k)).join(', ')} (allowed: ${Object.keys(type.properties ?? {}).join(', ') || 'none'})`;
      }
      return null;
    }
  }
}

function range(min: number | undefined, max: number | undefined): string {
  if (min === undefined && max === undefined) return '';
  if (min !== undefined && max !== undefined) return ` ${min}..${max}`;
  return min !== undefined ? ` ≥${min}` : ` ≤${max}`;
}

/**
 * How the type reads in a Python-style signature for the model: compact, but keeping what a call
 * must respect — nested keys (required, or optional with `?`), enums, ranges and lengths.
 */
export function pythonTypeName(type: ParamType, depth = 0, limits = true): string {
  const base = (() => {
    switch (type.kind) {
      case 'string':
        if (type.enum) return `Literal[${type.enum.map((v) => JSON.stringify(v)).join(', ')}]`;
        return limits && type.maxLength !== undefined ? `str(≤${type.maxLength} chars)` : 'str';
      case 'integer':
        return `int${limits ? range(type.minimum, type.maximum) : ''}`;
      case 'number':
        return `float${limits ? range(type.minimum, type.maximum) : ''}`;
      case 'boolean':
        return 'bool';
      case 'array': {
        const items = type.items
          ? `[${pythonTypeName({ ...type.items, nullable: false }, depth + 1, limits)}]`
          : '';
        return `list${items}${limits && type.maxItems !== undefined ? `(≤${type.maxItems} items)` : ''}`;
      }
      case 'object': {
        const keys = Object.entries(type.properties ?? {});
        if (keys.length === 0 || depth > 3) return 'dict';
        const fields = keys.map(
          ([k, p]) =>
            `${JSON.stringify(k)}${p.required ? '' : '?'}: ${pythonTypeName(p.type, depth + 1, limits)}`,
        );
        return `{${fields.join(', ')}${type.additionalProperties === false ? '' : ', ...'}}`;
      }
      case 'any':
        return 'Any';
    }
  })();
  return type.nullable && type.kind !== 'any' ? `Optional[${base}]` : base;
}

/** A value as a Python literal, for defaults in signatures. */
export function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${JSON.stringify(k)}: ${pythonLiteral(v)}`)
    .join(', ')}}`;
}
