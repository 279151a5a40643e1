// JSON as small models print it: raw newlines and tabs inside strings, single-quoted
// strings (Python dicts), trailing commas, Python's True/False/None. A failed parse
// says where and why, because that message goes back to the model.

/** A parsed value, or why the text is not JSON even after repair. */
export type NearJsonResult = { ok: true; value: unknown } | { ok: false; error: string };

/** Parses JSON strictly first, then after repairing the usual mistakes of small models. */
export function parseNearJson(text: string): NearJsonResult {
  const strict = tryParse(text);
  if (strict.ok) return strict;
  const repaired = tryParse(repairJson(text));
  return repaired.ok ? repaired : { ok: false, error: describeJsonError(text, strict.error) };
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: Error } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** Words a JSON.parse failure for the model: where it broke, and what was open at the end. */
function describeJsonError(text: string, error: Error): string {
  const position = /position (\d+)/.exec(error.message)?.[1];
  if (/end of (JSON )?input|Unterminated string/i.test(error.message)) {
    const open = unclosed(text);
    return `the JSON ended early at character ${text.length}${open ? ` (${open} never closed)` : ''}`;
  }
  const at = position === undefined ? firstBadCharacter(text) : Number(position);
  return `the JSON is invalid at character ${at}: unexpected ${JSON.stringify(text[at] ?? '')}`;
}

/** Where a text stops being a JSON prefix (V8 does not always say): the shortest prefix that fails other than by ending. */
function firstBadCharacter(text: string): number {
  let low = 1;
  let high = text.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const prefix = tryParse(text.slice(0, middle));
    if (!prefix.ok && !/end of (JSON )?input|Unterminated string/i.test(prefix.error.message)) high = middle;
    else low = middle + 1;
  }
  return low - 1;
}

/** What is still open at the end of a text: a string, or brackets. */
function unclosed(text: string): string {
  const stack: string[] = [];
  let quote = '';
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index] ?? '';
    if (quote !== '') {
      if (character === '\\') index += 1;
      else if (character === quote) quote = '';
    } else if (character === '"') quote = character;
    else if (character === '{' || character === '[') stack.push(character);
    else if (character === '}' || character === ']') stack.pop();
  }
  if (quote !== '') return 'a string';
  return stack.length === 0 ? '' : stack.reverse().map((bracket) => `"${bracket}"`).join(', ');
}

/**
 * Rewrites near-JSON into JSON: strings in single quotes become double-quoted, raw
 * control characters inside strings are escaped, trailing commas and Python literals
 * outside strings are fixed. Valid JSON passes through unchanged.
 */
export function repairJson(text: string): string {
  let output = '';
  let quote = '';
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index] ?? '';
    if (quote !== '') {
      if (character === '\\' && index + 1 < text.length) {
        const next = text[index + 1] ?? '';
        // \' is only an escape in single-quoted strings; JSON wants a bare '.
        output += next === "'" ? "'" : `\\${next}`;
        index += 1;
      } else if (character === quote) {
        output += '"';
        quote = '';
      } else output += escapeInString(character, quote);
      continue;
    }
    if (character === '"' || character === "'") {
      quote = character;
      output += '"';
    } else if (character === ',' && /^\s*[}\]]/.test(text.slice(index + 1))) continue;
    else {
      const literal = /^(True|False|None)\b/.exec(text.slice(index));
      if (literal && !/\w/.test(text[index - 1] ?? '')) {
        output += literal[1] === 'True' ? 'true' : literal[1] === 'False' ? 'false' : 'null';
        index += (literal[1] ?? '').length - 1;
      } else output += character;
    }
  }
  return output;
}

function escapeInString(character: string, quote: string): string {
  if (character === '\n') return '\\n';
  if (character === '\r') return '\\r';
  if (character === '\t') return '\\t';
  if (character === '"' && quote === "'") return '\\"';
  return character;
}
