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

/**
 * Control characters a terminal would act on: C0 but tab and newline, DEL, C1, and the
 * bidirectional overrides (they reorder what is shown). ESC starts every CSI and OSC
 * sequence, so rendering it visibly defuses them all.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const terminalControls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a repository or a model made safe to print on a terminal: each control
 * character shows as `\x1b` (or `\u202e`), so a file name or a snippet holding
 * `ESC ] 0 ; title BEL` or `ESC [ 2 J` is shown, not obeyed. Newlines and tabs stay.
 */
export function terminalSafe(text: string): string {
  return text.replace(terminalControls, (character) => {
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}
