// Ollama's `format` for the scripted server. Since 0.5 Ollama turns a JSON schema given as
// `format` (or `"json"`) into a grammar that constrains sampling: the reply cannot break
// the schema, only end early (cut at num_predict, `done_reason: "length"`). Older servers
// ignore the schema. The scripted server holds scripts to the same rule: a scripted reply
// that breaks the request's schema is an impossible reply, refused loudly, so a test
// cannot pass on a reply a real Ollama would never send.

/** True when `version` (as /api/version reports it) constrains replies to `format`: 0.5.0 (structured outputs, December 2024) and later. */
export function constrainsFormat(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  return major > 0 || minor >= 5;
}

/**
 * Why a reply's content could not come from a server constraining it to `format`
 * (undefined when it could). Covers what Ollama's schema-to-grammar conversion enforces:
 * type, const, enum, anyOf, properties, required, additionalProperties, items, min/maxItems,
 * min/maxLength and minimum/maximum.
 */
export function formatViolation(format: unknown, content: string): string | undefined {
  if (format === undefined || format === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    return `the reply is not JSON (${(error as Error).message})`;
  }
  if (format === 'json') return undefined;
  return schemaViolation(format, value, '$');
}

type Schema = Record<string, unknown>;

function schemaViolation(schema: unknown, value: unknown, path: string): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const rules = schema as Schema;
  if ('const' in rules && rules.const !== value) return `${path} must be ${JSON.stringify(rules.const)}`;
  if (Array.isArray(rules.enum) && !rules.enum.includes(value)) return `${path} must be one of ${JSON.stringify(rules.enum)}`;
  if (Array.isArray(rules.anyOf) && rules.anyOf.every((member) => schemaViolation(member, value, path) !== undefined)) return `${path} matches none of anyOf`;
  if (rules.type !== undefined && !typeMatches(rules.type, value)) return `${path} must be of type ${JSON.stringify(rules.type)}`;
  if (typeof value === 'string') return stringViolation(rules, value, path);
  if (typeof value === 'number') return numberViolation(rules, value, path);
  if (Array.isArray(value)) return arrayViolation(rules, value, path);
  if (typeof value === 'object' && value !== null) return objectViolation(rules, value as Record<string, unknown>, path);
  return undefined;
}

function typeMatches(type: unknown, value: unknown): boolean {
  if (Array.isArray(type)) return type.some((member) => typeMatches(member, value));
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number';
    case 'boolean': return typeof value === 'boolean';
    case 'null': return value === null;
    case 'array': return Array.isArray(value);
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
    default: return true;
  }
}

function stringViolation(rules: Schema, value: string, path: string): string | undefined {
  if (typeof rules.minLength === 'number' && value.length < rules.minLength) return `${path} is shorter than ${rules.minLength}`;
  if (typeof rules.maxLength === 'number' && value.length > rules.maxLength) return `${path} is longer than ${rules.maxLength}`;
  return undefined;
}

function numberViolation(rules: Schema, value: number, path: string): string | undefined {
  if (typeof rules.minimum === 'number' && value < rules.minimum) return `${path} is below ${rules.minimum}`;
  if (typeof rules.maximum === 'number' && value > rules.maximum) return `${path} is above ${rules.maximum}`;
  return undefined;
}

function arrayViolation(rules: Schema, value: unknown[], path: string): string | undefined {
  if (typeof rules.minItems === 'number' && value.length < rules.minItems) return `${path} has fewer than ${rules.minItems} items`;
  if (typeof rules.maxItems === 'number' && value.length > rules.maxItems) return `${path} has more than ${rules.maxItems} items`;
  for (const [index, item] of value.entries()) {
    const violation = schemaViolation(rules.items, item, `${path}[${index}]`);
    if (violation !== undefined) return violation;
  }
  return undefined;
}

function objectViolation(rules: Schema, value: Record<string, unknown>, path: string): string | undefined {
  const properties = (typeof rules.properties === 'object' && rules.properties !== null ? rules.properties : {}) as Record<string, unknown>;
  for (const name of Array.isArray(rules.required) ? rules.required : []) {
    if (!(String(name) in value)) return `${path}.${String(name)} is required`;
  }
  for (const [name, item] of Object.entries(value)) {
    if (name in properties) {
      const violation = schemaViolation(properties[name], item, `${path}.${name}`);
      if (violation !== undefined) return violation;
    } else if (rules.additionalProperties === false) return `${path}.${name} is not allowed`;
  }
  return undefined;
}
