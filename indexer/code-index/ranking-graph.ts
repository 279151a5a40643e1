// The graph signals a repository's queries rank with (centrality, neighbours), kept per
// index version: in memory for the handle's life, and on disk beside the record for the
// next process (`graph/saved-signals.ts`).
import type { RepositoryMeta } from '../repository-meta.js';
import { graphVersion, readFileGraphs } from '../graph/read-graph.js';
import { analysedGraph, type GraphSignals } from '../graph/repo-graph.js';
import { readSavedSignals, saveSignals } from '../graph/saved-signals.js';
import type { RepositoryTables } from '../store/lance-store.js';

/** Graph signals and the index version (record time and table versions) they were made at. */
interface VersionedSignals {
  version: string;
  signals: GraphSignals;
}

/** Runs a read on the repository's open tables and record, under the index's error policy. */
export type GraphRead = <T>(read: (tables: RepositoryTables, meta: RepositoryMeta) => Promise<T>) => Promise<T>;

/** One repository's ranking graph: the analysis at hand, and the refresh of it after an index change. */
export class RankingGraph {
  private current: VersionedSignals | undefined;
  /** The analysis of a newer version being made, so concurrent callers share one. */
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly readGraph: GraphRead,
    private readonly metaFolder: string,
    private readonly repositoryId: string,
  ) {}

  /**
   * The graph signals a query's ranking reads. After an index change the graph is read and
   * analysed again (fastify: about 0.25 s); a query does not wait for that when it has an
   * analysis at hand, it ranks with it (one file's edit barely moves the centrality of
   * the rest) while the new one is made in the background for the next queries. Only a
   * first query waits.
   */
  async signals(signal: AbortSignal | undefined): Promise<GraphSignals> {
    if (this.current === undefined) return (this.current = await this.atVersionOfNow(undefined, signal)).signals;
    // Not under the query's signal: the next queries want it. A failed refresh leaves the
    // older analysis in use, and the next query tries again.
    void this.analyse().catch(() => undefined);
    return this.current.signals;
  }

  /** Brings the analysis to the index's version of now (and saves it); concurrent calls share one analysis. */
  analyse(signal?: AbortSignal): Promise<void> {
    this.refreshing ??= this.atVersionOfNow(this.current, signal)
      .then((current) => void (this.current = current))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /**
   * The graph signals at the index's version of now: `known` when it is of that version,
   * else the ones saved on disk at that version (another process made them), else read and
   * analysed here and saved for the next process. The version includes the record's time,
   * so a rebuild's fresh tables (whose versions start again) never match older signals.
   */
  private atVersionOfNow(known: VersionedSignals | undefined, signal?: AbortSignal): Promise<VersionedSignals> {
    return this.readGraph(async (tables, meta) => {
      const version = `${meta.updatedAt}|${await graphVersion(tables)}`;
      if (known?.version === version) return known;
      const saved = await readSavedSignals(this.metaFolder, this.repositoryId, version);
      if (saved !== undefined) return { version, signals: saved };
      const signals = analysedGraph(await readFileGraphs(tables, signal)).signals;
      // Best effort: a data directory this process cannot write still answers, it only analyses again next time.
      await saveSignals(this.metaFolder, this.repositoryId, version, signals).catch(() => undefined);
      return { version, signals };
    });
  }
}
