// The graph signals ranking reads, kept on disk beside the repository's record, so a
// short-lived process (one `minions query`) does not read the whole symbol table and run
// PageRank before its first answer (fastify: ~70 ms of a ~400 ms command). Keyed by the
// index version they were computed at; any other version reads as absent.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GraphSignals } from './repo-graph.js';

/** Bumped when the saved shape or the way the signals are computed changes. */
const FORMAT = 1;

interface SavedSignals {
  format: number;
  version: string;
  centrality: [string, number][];
  neighbours: [string, string[]][];
}

/** Where a repository's saved signals live: `<id>.graph.json` beside its record (the records' listing matches `<id>.json` only). */
export function savedSignalsPath(metaFolder: string, repositoryId: string): string {
  return join(metaFolder, `${repositoryId}.graph.json`);
}

/** The signals saved at `version`, or undefined when none are, they are of another version or format, or the file is damaged (then they are computed again). */
export async function readSavedSignals(metaFolder: string, repositoryId: string, version: string): Promise<GraphSignals | undefined> {
  let saved: SavedSignals;
  try {
    saved = JSON.parse(await readFile(savedSignalsPath(metaFolder, repositoryId), 'utf8')) as SavedSignals;
  } catch {
    return undefined;
  }
  if (saved?.format !== FORMAT || saved.version !== version || !Array.isArray(saved.centrality) || !Array.isArray(saved.neighbours)) return undefined;
  return { centrality: new Map(saved.centrality), neighbours: new Map(saved.neighbours) };
}

/** Saves the signals computed at `version`, atomically (temporary file, then rename): a reader sees the old file or the new one. */
export async function saveSignals(metaFolder: string, repositoryId: string, version: string, signals: GraphSignals): Promise<void> {
  const target = savedSignalsPath(metaFolder, repositoryId);
  const saved: SavedSignals = { format: FORMAT, version, centrality: [...signals.centrality], neighbours: [...signals.neighbours].map(([path, ties]) => [path, [...ties]]) };
  const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
  await mkdir(metaFolder, { recursive: true });
  try {
    await writeFile(temporary, JSON.stringify(saved));
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
