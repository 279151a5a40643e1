// One wording for a value that does not fit its schema, whoever checked it: Fastify's Ajv
// for an HTTP request, or TypeBox for the same request built by the CLI. `minions query
// --k 0` and `POST /v1/query {"k": 0}` therefore fail with the same sentence.
import type { Static, TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value';
import { MinionsError } from '../schemas/index.js';

/** One way a value misses its schema: where (a JSON pointer), what is wrong, and an unknown field's name. */
export interface ValidationIssue {
  path: string;
  message: string;
  field?: string;
}

/** The part of an Ajv error (as Fastify reports it in `error.validation`) the wording needs. */
export interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string | undefined;
  params: Record<string, unknown>;
}

/** What a request part is called in a message, by Fastify's validation context. */
const subjects: Record<string, string> = { body: 'request', querystring: 'query string', params: 'path', headers: 'headers' };

/** `/filters/languages/0` as `filters.languages[0]`. */
function fieldName(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

function oneOf(values: unknown[]): string {
  return `must be one of ${values.map((value) => String(value)).join(', ')}`;
}

/** The first failure as one readable sentence, and all failures as details. */
export function describeValidation(where: string, issues: ValidationIssue[]): { message: string; details: Record<string, unknown> } {
  const subject = subjects[where] ?? where;
  const first = issues[0];
  const field = first ? fieldName(first.path) : '';
  const message = first
    ? `Invalid ${subject}: ${field === '' ? '' : `${field} `}${first.message}${first.field === undefined ? '' : ` ("${first.field}" is not a known field)`}.`
    : `Invalid ${subject}.`;
  return { message, details: { in: where, errors: issues } };
}

/**
 * Ajv's errors as issues. A union of constants fails once per member and then once as
 * `anyOf`; those collapse into one issue naming the allowed values.
 */
export function issuesOfAjv(errors: readonly AjvIssue[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (let index = 0; index < errors.length; index++) {
    const error = errors[index];
    if (error === undefined) continue;
    if (error.keyword === 'const') {
      const allowed: unknown[] = [];
      let next = index;
      while (errors[next]?.keyword === 'const' && errors[next]?.instancePath === error.instancePath) allowed.push(errors[next++]?.params.allowedValue);
      if (errors[next]?.keyword === 'anyOf' && errors[next]?.instancePath === error.instancePath) {
        issues.push({ path: error.instancePath, message: oneOf(allowed) });
        index = next;
        continue;
      }
    }
    const field = error.params.additionalProperty;
    issues.push({ path: error.instancePath, message: error.message ?? 'is invalid', ...(typeof field === 'string' ? { field } : {}) });
  }
  return issues;
}

/** The pointer of the object holding the property a required/additional-property error names. */
function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

/** A TypeBox error in Ajv's words, so both validators say the same thing. */
function issueOfTypeBox(error: ValueError): ValidationIssue {
  const schema = error.schema;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return { path: parentOf(error.path), message: `must have required property '${error.path.slice(error.path.lastIndexOf('/') + 1)}'` };
    case ValueErrorType.ObjectAdditionalProperties:
      return { path: parentOf(error.path), message: 'must NOT have additional properties', field: error.path.slice(error.path.lastIndexOf('/') + 1) };
    case ValueErrorType.StringMinLength:
      return { path: error.path, message: `must NOT have fewer than ${schema.minLength} characters` };
    case ValueErrorType.StringMaxLength:
      return { path: error.path, message: `must NOT have more than ${schema.maxLength} characters` };
    case ValueErrorType.ArrayMinItems:
      return { path: error.path, message: `must NOT have fewer than ${schema.minItems} items` };
    case ValueErrorType.ArrayMaxItems:
      return { path: error.path, message: `must NOT have more than ${schema.maxItems} items` };
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return { path: error.path, message: `must be >= ${schema.minimum}` };
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return { path: error.path, message: `must be <= ${schema.maximum}` };
    case ValueErrorType.Union: {
      const members: TSchema[] = schema.anyOf ?? [];
      const constants = members.every((member) => 'const' in member);
      return { path: error.path, message: constants ? oneOf(members.map((member) => member.const)) : 'must match a schema in anyOf' };
    }
    default:
      return { path: error.path, message: typeName[error.type] ?? error.message };
  }
}

const typeName: Partial<Record<ValueErrorType, string>> = {
  [ValueErrorType.Array]: 'must be array',
  [ValueErrorType.Boolean]: 'must be boolean',
  [ValueErrorType.Integer]: 'must be integer',
  [ValueErrorType.Number]: 'must be number',
  [ValueErrorType.Object]: 'must be object',
  [ValueErrorType.String]: 'must be string',
};

/**
 * Checks a value the CLI built against the schema the HTTP route validates the same
 * request with; a mismatch is an `invalid-argument` error worded as the route words it.
 */
export function checkRequest<T extends TSchema>(schema: T, value: unknown, where = 'body'): asserts value is Static<T> {
  const first = Value.Errors(schema, value).First();
  if (first === undefined) return;
  const { message, details } = describeValidation(where, [issueOfTypeBox(first)]);
  throw new MinionsError('invalid-argument', message, details);
}
