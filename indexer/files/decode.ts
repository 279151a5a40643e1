import type { ClassifyResult } from './types.js';

/** Binary sniffing looks at this many leading bytes, as git and grep do. */
const SAMPLE_BYTES = 8 * 1024;
/** More control characters than this share of the sample means binary. */
const MAX_CONTROL_SHARE = 0.1;
/** More U+FFFD than this share of the decoded characters means the encoding is not the one assumed. */
const MAX_REPLACEMENT_SHARE = 0.02;

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32';

/**
 * Turns bytes into text, or says why not ('binary', 'encoding'). A byte-order
 * mark decides the encoding and is stripped; without one the bytes are sniffed
 * for binary content and decoded as UTF-8, invalid sequences becoming U+FFFD.
 * A few of those are tolerated (a stray Latin-1 byte in a comment); a text made
 * largely of them was written in another encoding and would embed as noise.
 */
export function decodeText(bytes: Uint8Array): ClassifyResult {
  const encoding = sniffByteOrderMark(bytes);
  if (encoding === 'utf-32') return { ok: false, reason: 'encoding', detail: 'UTF-32 text is not supported' };
  if (encoding === 'utf-8') {
    const binary = describeBinary(bytes.subarray(0, SAMPLE_BYTES));
    if (binary !== undefined) return { ok: false, reason: 'binary', detail: binary };
  }
  // TextDecoder drops a leading byte-order mark of its own encoding.
  const text = new TextDecoder(encoding).decode(bytes);
  const share = replacementShare(text);
  if (share > MAX_REPLACEMENT_SHARE) {
    const name = encoding === 'utf-8' ? 'UTF-8' : 'UTF-16';
    return { ok: false, reason: 'encoding', detail: `not valid ${name}: ${formatPercent(share)} of the characters could not be decoded` };
  }
  if (encoding !== 'utf-8' && text.slice(0, SAMPLE_BYTES).includes('\u0000')) {
    return { ok: false, reason: 'binary', detail: 'contains NUL characters' };
  }
  return { ok: true, text };
}

function sniffByteOrderMark(bytes: Uint8Array): Encoding {
  const [first, second, third, fourth] = bytes;
  if (first === 0xff && second === 0xfe) return third === 0 && fourth === 0 ? 'utf-32' : 'utf-16le';
  if (first === 0xfe && second === 0xff) return 'utf-16be';
  if (first === 0 && second === 0 && third === 0xfe && fourth === 0xff) return 'utf-32';
  return 'utf-8';
}

/** Why a sample looks binary (a NUL byte, or many control characters), or undefined. */
function describeBinary(sample: Uint8Array): string | undefined {
  let controls = 0;
  for (const byte of sample) {
    if (byte === 0) return 'contains NUL bytes';
    if (isControl(byte)) controls += 1;
  }
  const share = sample.length === 0 ? 0 : controls / sample.length;
  if (share <= MAX_CONTROL_SHARE) return undefined;
  const span = sample.length === SAMPLE_BYTES ? 'of the first 8 KiB' : 'of the bytes';
  return `${formatPercent(share)} ${span} are control characters`;
}

/** C0 controls and DEL, except those text uses: tab, newlines, form feed, backspace, escape. */
function isControl(byte: number): boolean {
  if (byte === 0x7f) return true;
  if (byte >= 0x20) return false;
  return byte !== 0x09 && byte !== 0x0a && byte !== 0x0b && byte !== 0x0c && byte !== 0x0d && byte !== 0x08 && byte !== 0x1b;
}

function replacementShare(text: string): number {
  if (text.length === 0) return 0;
  let count = 0;
  for (let index = text.indexOf('\ufffd'); index !== -1; index = text.indexOf('\ufffd', index + 1)) count += 1;
  return count / text.length;
}

function formatPercent(share: number): string {
  const percent = share * 100;
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent).toString()}%`;
}
