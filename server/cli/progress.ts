import type { Writable } from 'node:stream';
import type { IndexEvent } from '../../schemas/index.js';
import { formatCount } from './output.js';

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/**
 * Renders indexing events as a progress bar per phase: redrawn in place on a terminal,
 * a plain line at most every few seconds otherwise (logs, CI). The text phase counts
 * files (chunking is what it waits on); the vector phase counts chunks, the unit the
 * embedder's time goes by, so its ETA holds however unequal the files are.
 */
export class IndexProgress {
  private readonly started: number;
  private lastPlain = 0;
  /** When the vector phase started, and its count then (its rate is measured from there). */
  private vectorStart: { at: number; done: number } | undefined;

  /** `now` (milliseconds) is injectable so that tests set the pace of a run. */
  constructor(
    private readonly stream: Writable & { isTTY?: boolean },
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
  }

  update(event: IndexEvent): void {
    if (event.type === 'index-rebuild') this.line(`Rebuilding the index: ${event.reason}.`);
    else if (event.type === 'scan-end') {
      this.line(`${formatCount(event.files)} files: ${formatCount(event.toProcess)} to process, ${formatCount(event.unchanged)} unchanged, ${formatCount(event.deleted)} deleted.`);
    } else if (event.type === 'batch-end') this.bar(event);
    else if (event.type === 'text-end') {
      // A run with nothing to chunk or embed says nothing here.
      if (event.files === 0 && event.pending === 0) return;
      this.finish();
      this.line(`Searchable by text after ${duration(event.seconds)}: ${formatCount(event.files)} files (re)chunked, ${formatCount(event.chunks)} chunks; ${formatCount(event.pending)} to embed.`);
    } else if (event.type === 'vectors-progress' && event.total > 0) this.vectorBar(event);
  }

  finish(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private line(text: string): void {
    this.stream.write(`${text}\n`);
  }

  private bar(event: Extract<IndexEvent, { type: 'batch-end' }>): void {
    const elapsed = (this.now() - this.started) / 1000;
    const share = event.filesTotal === 0 ? 1 : event.filesDone / event.filesTotal;
    const eta = share > 0 ? (elapsed / share) * (1 - share) : Number.NaN;
    const width = 24;
    const filled = Math.round(share * width);
    const rate = elapsed > 0 ? event.chunks / elapsed : 0;
    const text =
      `text [${'='.repeat(filled)}${' '.repeat(width - filled)}] ${formatCount(event.filesDone)}/${formatCount(event.filesTotal)} files` +
      ` · ${formatCount(event.chunks)} chunks (${rate.toFixed(0)}/s) · ${formatCount(event.cached)} cached · ETA ${duration(eta)}`;
    this.draw(text, share === 1);
  }

  private vectorBar(event: Extract<IndexEvent, { type: 'vectors-progress' }>): void {
    const now = this.now();
    this.vectorStart ??= { at: now, done: event.done };
    const elapsed = (now - this.vectorStart.at) / 1000;
    const rate = elapsed > 0 ? (event.done - this.vectorStart.done) / elapsed : 0;
    const share = event.total === 0 ? 1 : event.done / event.total;
    const eta = rate > 0 ? (event.total - event.done) / rate : Number.NaN;
    const width = 24;
    const filled = Math.round(share * width);
    const text =
      `vectors [${'='.repeat(filled)}${' '.repeat(width - filled)}] ${formatCount(event.done)}/${formatCount(event.total)} chunks` +
      ` · ${formatCount(event.embedded)} embedded (${rate.toFixed(1)}/s) · ${formatCount(event.cached)} cached · ETA ${duration(eta)}`;
    this.draw(text, share === 1);
  }

  private draw(text: string, last: boolean): void {
    if (this.stream.isTTY) this.stream.write(`\r\x1b[K${text}`);
    else if (this.now() - this.lastPlain > 5000 || last) {
      this.lastPlain = this.now();
      this.line(text);
    }
  }
}
