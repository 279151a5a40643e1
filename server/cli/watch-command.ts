import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { MinionsError, type WatchEvent } from '../../schemas/index.js';
import { loadConfig, privacyFlag, privacyOptions } from '../config.js';
import { openCodeIndex } from '../runtime.js';
import type { CommandIo } from './io.js';
import { lockWait, watchedError } from './lock-wait.js';
import { formatCount, write } from './output.js';
import { IndexProgress } from './progress.js';
import { watchUsage } from './usage.js';

/**
 * `minions watch <repo>`: reconciles the index with the disk, then keeps it fresh as
 * files change until SIGINT or SIGTERM (exit 0). Prints one line per batch and per
 * error on stderr. A repository that is deleted or moved ends the command (exit 1).
 */
export async function watchCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { 'data-dir': { type: 'string' }, embedder: { type: 'string' }, threads: { type: 'string' }, privacy: privacyOptions.privacy, 'no-privacy': privacyOptions['no-privacy'] },
  });
  const repo = positionals[0];
  if (positionals.length !== 1 || repo === undefined) throw new MinionsError('invalid-argument', `Usage: ${watchUsage}`);
  const config = loadConfig(io.env, { dataDir: values['data-dir'], embedder: values.embedder, threads: values.threads, privacy: privacyFlag(values) }, io.cwd);
  const index = await openCodeIndex(config, undefined, 'minions watch');
  try {
    // A wrong path fails before the embedder loads.
    const repository = await index.repository(resolve(io.cwd, repo), io.signal);
    let progress = new IndexProgress(io.stderr);
    let missing = false;
    const wait = lockWait(io);
    try {
      for await (const event of repository.watch({ signal: wait.signal, lock: wait.lock })) {
        if (event.type === 'watch-reconcile') progress = new IndexProgress(io.stderr);
        if (event.type === 'index-rebuild' || event.type === 'scan-end' || event.type === 'batch-end' || event.type === 'text-end' || event.type === 'vectors-progress') progress.update(event);
        if (event.type === 'index-end') progress.finish();
        if (event.type === 'repository-missing') missing = true;
        const line = describeWatchEvent(event);
        if (line !== undefined) await write(io.stderr, `${line}\n`);
      }
    } catch (error) {
      const watcher = wait.watcher();
      if (watcher === undefined || io.signal.aborted) throw error;
      throw watchedError(repository.root, watcher, 'watch');
    }
    return missing ? 1 : 0;
  } finally {
    await index.close();
  }
}

const reconcileReasons = {
  startup: 'Reconciling the index with the files on disk.',
  'ignore-rules-changed': 'An ignore file changed: reconciling the index with the new rules.',
  'index-missing': 'The index could not be updated in place: reconciling it.',
};

/** The line the command prints for an event, or undefined for events it does not print. */
export function describeWatchEvent(event: WatchEvent): string | undefined {
  switch (event.type) {
    case 'watch-reconcile':
      return reconcileReasons[event.reason];
    case 'index-end': {
      const { summary } = event;
      return `Reconciled: ${formatCount(summary.files)} files, ${formatCount(summary.chunks)} chunks (${formatCount(summary.changed)} changed, ${formatCount(summary.deleted)} deleted, ${formatCount(summary.embedded)} embedded).`;
    }
    case 'watch-ready':
      return `Watching ${event.root} (${formatCount(event.files)} files). Stop with Ctrl-C.`;
    case 'watch-batch-end':
      return (
        `batch ${event.batch}: ${formatCount(event.changed)} changed, ${formatCount(event.deleted)} deleted, ${formatCount(event.unchanged)} unchanged` +
        ` · ${formatCount(event.chunks)} chunks, ${formatCount(event.embedded)} embedded · text ${Math.round(event.textMs)} ms, vectors ${Math.round(event.vectorMs)} ms`
      );
    case 'watch-error': {
      const more = event.files > 5 ? `, +${formatCount(event.files - 5)} more` : '';
      return `error: ${event.message}${event.files > 0 ? ` (${event.paths.slice(0, 5).join(', ')}${more})` : ''}`;
    }
    case 'repository-missing':
      return `minions: ${event.message}`;
    default:
      return undefined;
  }
}
