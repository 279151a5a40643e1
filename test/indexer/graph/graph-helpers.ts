import type { FileGraph } from '../../../indexer/graph/file-graph.js';
import type { WeightedEdge } from '../../../indexer/graph/pagerank.js';

/** A small seeded generator (mulberry32): random graphs that are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` random edges over `nodeCount` nodes, self-edges and repeats included, weights in (0, 3]. */
export function randomEdges(random: () => number, nodeCount: number, count: number): WeightedEdge[] {
  return Array.from({ length: count }, () => ({ from: Math.floor(random() * nodeCount), to: Math.floor(random() * nodeCount), weight: 3 - random() * 2.999 }));
}

/** A copy of a list in a random order (Fisher-Yates). */
export function shuffled<T>(random: () => number, list: readonly T[]): T[] {
  const copy = [...list];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

/**
 * A random repository's graphs: files under a few folders, each defining a few names
 * (some nested in a class, some private, some shared across files), referencing others
 * and importing a few files.
 */
export function randomRepository(random: () => number, fileCount: number, nameCount: number): FileGraph[] {
  const names = Array.from({ length: nameCount }, (_, index) => (index % 7 === 3 ? `_helper${index}` : `name${index}`));
  const paths = Array.from({ length: fileCount }, (_, index) => `src/${['core', 'http', 'util'][index % 3]}/file${index}.ts`);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  return paths.map((path) => {
    const definitions: FileGraph['definitions'] = [];
    let line = 1;
    const classed = random() < 0.4;
    if (classed) definitions.push({ name: `Class${path.length}${Math.floor(random() * 99)}`, kind: 'class', startLine: 1, endLine: 1000, signature: `export class C${line} {` });
    for (let count = Math.floor(random() * 6); count > 0; count--) {
      line += 1 + Math.floor(random() * 20);
      const name = pick(names);
      const span = Math.floor(random() * 15);
      definitions.push({ name, kind: classed ? 'method' : 'function', startLine: line, endLine: line + span, signature: `${classed ? '  ' : 'export function '}${name}(value: number, other: string): Promise<void> {\n  body();` });
      line += span;
    }
    const references = Array.from({ length: Math.floor(random() * 12) }, () => ({ name: pick(names), line: 1 + Math.floor(random() * 200) }));
    const imports = Array.from({ length: Math.floor(random() * 3) }, () => pick(paths));
    return { path, language: 'typescript', definitions, references, imports };
  });
}
