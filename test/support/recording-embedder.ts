import { createHash } from 'node:crypto';
import type { Embedder, EmbedOptions } from '../../indexer/index.js';

/**
 * A deterministic embedder for tests: a hashed bag of lower-cased words, normalised,
 * so texts sharing words are close. It records every text it is asked to embed.
 */
export class RecordingEmbedder implements Embedder {
  readonly dimension: number;
  readonly calls: string[][] = [];
  closed = false;

  constructor(readonly modelId = 'test-bag-of-words', dimension = 64) {
    this.dimension = dimension;
  }

  /** Every text embedded so far, in order. */
  get texts(): string[] {
    return this.calls.flat();
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    options.signal?.throwIfAborted();
    this.calls.push([...texts]);
    return texts.map((text) => this.vector(text));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private vector(text: string): Float32Array {
    const vector = new Float32Array(this.dimension);
    for (const word of text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)) {
      const slot = createHash('md5').update(word).digest().readUInt16LE(0) % this.dimension;
      vector[slot] = (vector[slot] ?? 0) + 1;
    }
    let norm = 0;
    for (const value of vector) norm += value * value;
    norm = Math.sqrt(norm) || 1;
    return vector.map((value) => value / norm);
  }
}
