import type { Writable } from 'node:stream';

/** Writes to a stream and waits when it is full, so printing a large repository's chunks keeps memory flat. */
export async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}

/** `12,345` */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** Pads or cuts text to a column width. */
export function column(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}
