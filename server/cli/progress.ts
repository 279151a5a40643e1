import type { Writable } from 'node:stream';
import type { IndexEvent } from '../../schemas/index.js';
import { formatCount } from './output.js';

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/**
 * Renders indexing events as a progress bar: redrawn in place on a terminal,
 * a plain line at most every few seconds otherwise (logs, CI).
 */
export class IndexProgress {
  private readonly started = performance.now();
  private lastPlain = 0;

  constructor(private readonly stream: Writable & { isTTY?: boolean }) {}

  update(event: IndexEvent): void {
    if (event.type === 'index-rebuild') this.line(`Rebuilding the index: ${event.reason}.`);
    else if (event.type === 'scan-end') {
      this.line(`${formatCount(event.files)} files: ${formatCount(event.toProcess)} to process, ${formatCount(event.unchanged)} unchanged, ${formatCount(event.deleted)} deleted.`);
    } else if (event.type === 'batch-end') this.bar(event);
  }

  finish(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private line(text: string): void {
    this.stream.write(`${text}\n`);
  }

  private bar(event: Extract<IndexEvent, { type: 'batch-end' }>): void {
    const elapsed = (performance.now() - this.started) / 1000;
    const share = event.filesTotal === 0 ? 1 : event.filesDone / event.filesTotal;
    const eta = share > 0 ? (elapsed / share) * (1 - share) : Number.NaN;
    const width = 24;
    const filled = Math.round(share * width);
    const rate = elapsed > 0 ? event.embedded / elapsed : 0;
    const text =
      `[${'='.repeat(filled)}${' '.repeat(width - filled)}] ${formatCount(event.filesDone)}/${formatCount(event.filesTotal)} files` +
      ` · ${formatCount(event.chunks)} chunks · ${formatCount(event.embedded)} embedded (${rate.toFixed(1)}/s) · ${formatCount(event.cached)} cached · ETA ${duration(eta)}`;
    if (this.stream.isTTY) this.stream.write(`\r\x1b[K${text}`);
    else if (performance.now() - this.lastPlain > 5000 || share === 1) {
      this.lastPlain = performance.now();
      this.line(text);
    }
  }
}
