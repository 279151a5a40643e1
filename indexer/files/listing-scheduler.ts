import type { DirectoryNode, ListingItem } from './list-directory.js';

/**
 * Starts directory listings ahead of a depth-first walk, so that reads overlap
 * while the walker yields in order. Prefetch is bounded: at most `maxPending`
 * directories are listed and not yet consumed; beyond that, children wait until
 * the walker frees room or reaches them itself. Memory stays proportional to
 * the window, not to the tree.
 */
export class ListingScheduler {
  private readonly listings = new Map<DirectoryNode, Promise<ListingItem[]>>();
  private readonly started = new WeakSet<DirectoryNode>();
  private readonly deferred: DirectoryNode[] = [];
  private pending = 0;
  private closed = false;

  constructor(
    private readonly list: (node: DirectoryNode) => Promise<ListingItem[]>,
    private readonly maxPending: number,
  ) {}

  /** The listing of `node`, started now if prefetch has not started it; the walker owns it afterwards. */
  take(node: DirectoryNode): Promise<ListingItem[]> {
    const listing = this.listings.get(node) ?? this.start(node);
    this.listings.delete(node);
    return listing;
  }

  /** The walker has finished a directory: its slot goes to a waiting prefetch. */
  release(): void {
    this.pending -= 1;
    while (!this.closed && this.pending < this.maxPending) {
      const node = this.deferred.pop();
      if (node === undefined) return;
      if (!this.started.has(node)) this.start(node);
    }
  }

  /** Stops prefetching; listings already running finish and are dropped. */
  close(): void {
    this.closed = true;
    this.deferred.length = 0;
    this.listings.clear();
  }

  private start(node: DirectoryNode): Promise<ListingItem[]> {
    this.started.add(node);
    this.pending += 1;
    const listing = this.list(node).then((items) => {
      this.prefetch(items);
      return items;
    });
    // A prefetched listing may fail (an abort) after the walk has stopped; the walker sees its own.
    listing.catch(() => undefined);
    this.listings.set(node, listing);
    return listing;
  }

  private prefetch(items: readonly ListingItem[]): void {
    for (const item of items) {
      if (this.closed) return;
      if (!('directory' in item)) continue;
      if (this.pending < this.maxPending) this.start(item.directory);
      else this.deferred.push(item.directory);
    }
  }
}
