import type { RepoMapFile } from '../../schemas/index.js';
import type { GraphDefinition } from './file-graph.js';

/** The longest signature row the map prints; longer ones end in `…`. */
const MAX_SIGNATURE_CHARS = 120;

/** One file as the map renders it: all of its definitions (for nesting) and which are chosen. */
export interface MapSection {
  path: string;
  rank: number;
  definitions: readonly GraphDefinition[];
  /** Indices into `definitions` of the ones the ranking chose; their enclosing definitions are shown with them. */
  chosen: ReadonlySet<number>;
}

/** A file's definitions' nesting: the index of each one's innermost enclosing definition, or -1. */
export function enclosingDefinitions(definitions: readonly GraphDefinition[]): Int32Array {
  const parents = new Int32Array(definitions.length).fill(-1);
  // Outer before inner: by start line, then the longer range first, then index (stable).
  const order = definitions.map((_, index) => index).sort((a, b) => {
    const left = definitions[a]!;
    const right = definitions[b]!;
    return left.startLine - right.startLine || right.endLine - left.endLine || a - b;
  });
  const open: number[] = [];
  for (const index of order) {
    const definition = definitions[index]!;
    while (open.length > 0 && definitions[open[open.length - 1]!]!.endLine < definition.endLine) open.pop();
    if (open.length > 0) parents[index] = open[open.length - 1]!;
    open.push(index);
  }
  return parents;
}

/** A signature as one row: its first non-blank line, spaces collapsed, cut to a bounded length. */
export function signatureRow(definition: GraphDefinition): string {
  const line = definition.signature.split('\n').find((text) => text.trim() !== '') ?? '';
  const text = line.trim().replace(/\s+/g, ' ') || `${definition.kind} ${definition.name}`;
  return text.length > MAX_SIGNATURE_CHARS ? `${text.slice(0, MAX_SIGNATURE_CHARS - 1)}…` : text;
}

interface Row {
  line: number;
  depth: number;
  definition: GraphDefinition;
}

/** The chosen definitions plus every definition enclosing one (a method reads better under its class), one row per line. */
function rowsOf(section: MapSection, parents: Int32Array): Row[] {
  const shown = new Set<number>();
  for (const index of section.chosen) for (let at = index; at !== -1 && !shown.has(at); at = parents[at]!) shown.add(at);
  const depthOf = (index: number): number => {
    let depth = 0;
    for (let at = parents[index]!; at !== -1; at = parents[at]!) depth++;
    return depth;
  };
  const byLine = new Map<number, Row>();
  for (const index of [...shown].sort((a, b) => a - b)) {
    const definition = section.definitions[index]!;
    const row = { line: definition.startLine, depth: depthOf(index), definition };
    const present = byLine.get(row.line);
    // Two definitions on one line (`const a = 1, b = 2`) print once: the outer one.
    if (!present || row.depth < present.depth) byLine.set(row.line, row);
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}

/**
 * Renders one file of the map: `path:`, then a `line│ signature` row per shown
 * definition, indented by nesting, with `⋮` where lines are left out.
 */
export function renderSection(section: MapSection, parents: Int32Array): { text: string; file: RepoMapFile } {
  const rows = rowsOf(section, parents);
  const width = String(rows.reduce((most, row) => Math.max(most, row.line), 0)).length;
  const lines = [`${section.path}:`];
  let previous = 0;
  for (const row of rows) {
    if (row.line > previous + 1) lines.push('⋮');
    lines.push(`  ${String(row.line).padStart(width)}│ ${'  '.repeat(row.depth)}${signatureRow(row.definition)}`);
    previous = row.line;
  }
  const definitions = rows.map(({ line, definition }) => ({ name: definition.name, kind: definition.kind, line, signature: signatureRow(definition) }));
  return { text: lines.join('\n'), file: { path: section.path, rank: section.rank, definitions } };
}
