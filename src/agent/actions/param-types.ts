/**
 * The parameter types of actions: a small subset of JSON Schema that both the hand-written GUI
 * actions and the MCP tools' input schemas map onto, with a validator and Python-style names
 * for the prompt. Remote schemas are data: nothing here compiles them to code.
 */

export type ParamType =
  | { kind: 'string'; enum?: string[]; nullable?: boolean }
  | { kind: 'integer'; minimum?: number; maximum?: number; nullable?: boolean }
  | { kind: 'number'; minimum?: number; maximum?: number; nullable?: boolean }
  | { kind: 'boolean'; nullable?: boolean }
  | { kind: 'array'; items?: ParamType; nullable?: boolean }
  | { kind: 'object'; nullable?: boolean }
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
    case 'array':
      return {
        kind: 'array',
        ...(schema.items !== undefined ? { items: fromJsonSchema(schema.items, depth + 1) } : {}),
        nullable,
      };
    default:
      return { kind: type as 'string' | 'boolean' | 'object', nullable };
  }
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
      if (!type.items) return null;
      for (const [i, item] of value.entries()) {
        const problem = checkValue(item, type.items);
        if (problem) return `item ${i} ${problem}`;
      }
      return null;
    }
    case 'object':
      return typeof value === 'object' && !Array.isArray(value)
        ? null
        : `must be a dict, got ${describeValue(value)}`;
  }
}

/** How the type reads in a Python-style signature for the model. */
export function pythonTypeName(type: ParamType): string {
  const base = (() => {
    switch (type.kind) {
      case 'string':
        return type.enum ? `Literal[${type.enum.map((v) => JSON.stringify(v)).join(', ')}]` : 'str';
      case 'integer':
        return 'int';
      case 'number':
        return 'float';
      case 'boolean':
        return 'bool';
      case 'array':
        return type.items ? `list[${pythonTypeName({ ...type.items, nullable: false })}]` : 'list';
      case 'object':
        return 'dict';
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
