// How `minions index` and `minions watch` wait for another writer of the same index:
// they wait for an indexing run (it ends), but not for a watcher, which holds the lock for
// as long as it runs and already keeps the index fresh, so waiting would only time out.
import { describeHolder, type LockHolder } from '../../platform/index.js';
import { MinionsError } from '../../schemas/index.js';
import { LOCK_WAIT_MS } from '../runtime.js';
import type { CommandIo } from './io.js';
import { write } from './output.js';

/** The signal and lock options of one command's write, and who stopped it if a watcher did. */
export interface LockWait {
  signal: AbortSignal;
  lock: { waitMs: number; onWait(holder: LockHolder): void };
  /** The watcher found holding the lock (the command's run was stopped for it), if any. */
  watcher(): LockHolder | undefined;
}

/** Waits (saying for whom) for an indexing holder; stops at once for a watching one. */
export function lockWait(io: CommandIo): LockWait {
  const watched = new AbortController();
  let watcher: LockHolder | undefined;
  const onWait = (holder: LockHolder): void => {
    if (/\(watching /.test(holder.command)) {
      watcher = holder;
      watched.abort();
      return;
    }
    void write(io.stderr, `minions: waiting for ${describeHolder(holder)} to release the index (up to ${LOCK_WAIT_MS / 60_000} min; Ctrl-C stops)...\n`);
  };
  return { signal: AbortSignal.any([io.signal, watched.signal]), lock: { waitMs: LOCK_WAIT_MS, onWait }, watcher: () => watcher };
}

/** The error for a command that found a watcher holding the index it wanted to write. */
export function watchedError(root: string, watcher: LockHolder, doing: string): MinionsError {
  return new MinionsError(
    'conflict',
    `${root} is watched by ${describeHolder(watcher)}, which keeps its index up to date: queries already see your changes. To ${doing} it here, stop that process first.`,
  );
}
