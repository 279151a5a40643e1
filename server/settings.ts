// The one reader of settings: explicit option, then environment variable, then the
// schema's default, each checked against `Settings` (schemas/config.ts), whose metadata
// names the option and the variable that a message tells the user to fix.
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { MinionsError, Settings, type SettingName, type SettingSource } from '../schemas/index.js';

/** Explicit values by setting name: text as typed on the command line, or a parsed flag. */
export type SettingOptions = Partial<Record<SettingName, string | boolean | undefined>>;

type SettingSchema = TSchema & SettingSource & { default?: unknown; minimum?: number; maximum?: number; anyOf?: { const: unknown }[] };

function isSettingSchema(schema: TSchema): schema is SettingSchema {
  return typeof schema.env === 'string' && typeof schema.label === 'string';
}

function schemaOf(name: SettingName): SettingSchema {
  const schema: TSchema = Settings.properties[name];
  if (!isSettingSchema(schema)) throw new MinionsError('internal', `The setting ${name} names no environment variable and no label.`);
  return schema;
}

/** The option and variable that set a setting, for messages: `--threads or MINIONS_THREADS`. */
export function settingSource(name: SettingName): string {
  const schema = schemaOf(name);
  return schema.option ? `${schema.option} or ${schema.env}` : schema.env;
}

/**
 * `1|true|yes|on` or `0|false|no|off` (any case) as a boolean; the one parser of flags
 * set through the environment, where they are text.
 */
export function parseFlag(text: string, variable: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new MinionsError('invalid-argument', `${variable} must be 1 or 0, not "${text}".`);
}

/** Text to the setting's type, or a message saying what it must be and where it is set. */
function convert(name: SettingName, schema: SettingSchema, text: string): unknown {
  const where = settingSource(name);
  if (schema.type === 'boolean') return parseFlag(text, schema.env);
  if (schema.type === 'integer') {
    const value = Number(text);
    if (text.trim() === '' || !Value.Check(schema, value)) {
      throw new MinionsError('invalid-argument', `${schema.label} must be an integer from ${schema.minimum} to ${schema.maximum}, not "${text}" (${where}).`);
    }
    return value;
  }
  if (schema.type === 'number') {
    const value = Number(text);
    if (text.trim() === '' || !Value.Check(schema, value)) {
      throw new MinionsError('invalid-argument', `${schema.label} must be a number from ${schema.minimum} to ${schema.maximum}, not "${text}" (${where}).`);
    }
    return value;
  }
  if (Value.Check(schema, text)) return text;
  if (schema.anyOf) {
    const allowed = schema.anyOf.map((member) => String(member.const)).join(', ');
    throw new MinionsError('invalid-argument', `${schema.label} must be one of ${allowed}, not "${text}" (${where}).`);
  }
  throw new MinionsError('invalid-argument', `${schema.label} is not valid: "${text}" (${where}).`);
}

/**
 * One setting, resolved: the explicit option if given, else its environment variable
 * (an empty variable counts as unset), else the schema's default (undefined if it has none).
 */
export function readSetting<N extends SettingName>(name: N, env: NodeJS.ProcessEnv, options: SettingOptions = {}): Settings[N] {
  const schema = schemaOf(name);
  const given: string | boolean | undefined = options[name];
  if (typeof given === 'boolean') {
    if (schema.type !== 'boolean') throw new MinionsError('invalid-argument', `${schema.label} takes a value (${settingSource(name)}).`);
    return given as Settings[N];
  }
  const fromEnv = env[schema.env];
  const text = given ?? (fromEnv === '' ? undefined : fromEnv);
  return (text === undefined ? schema.default : convert(name, schema, text)) as Settings[N];
}
