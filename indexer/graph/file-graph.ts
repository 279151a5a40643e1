import type { LanguageId } from '../../schemas/index.js';

/** A definition as the graph holds it in memory (the API's `SymbolDefinition` without path and language). */
export interface GraphDefinition {
  name: string;
  kind: string;
  startLine: number;
  endLine: number;
  signature: string;
}

/** A reference as the graph holds it in memory: the name used and its line. */
export interface GraphReference {
  name: string;
  line: number;
}

/**
 * What one file contributes to the repository's symbol graph: the names it defines,
 * the names it uses, and the repository files its imports resolve to. The repo map
 * ranks files over the edges these make (a file that uses a name points at the files
 * that define it; an import points at its file).
 */
export interface FileGraph {
  path: string;
  language: LanguageId;
  definitions: GraphDefinition[];
  references: GraphReference[];
  /** Repository paths (relative, `/`-separated) the file's imports resolve to; unresolved imports are left out. */
  imports: string[];
}
