/** A SQL string literal for LanceDB filters: single quotes doubled. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `column IN ('a', 'b')`, or a filter matching nothing for an empty list. */
export function sqlIn(column: string, values: readonly string[]): string {
  return values.length === 0 ? 'false' : `${column} IN (${values.map(sqlString).join(', ')})`;
}

/** `column LIKE 'prefix%'` with the LIKE wildcards in the prefix escaped. */
export function sqlPrefix(column: string, prefix: string): string {
  const escaped = prefix.replace(/[\\%_]/g, (character) => `\\${character}`);
  return `${column} LIKE ${sqlString(`${escaped}%`)} ESCAPE '\\'`;
}

/** Splits a list into slices of at most `size` (long IN lists are sent in pieces). */
export function slices<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
