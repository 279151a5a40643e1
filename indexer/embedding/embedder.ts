/** Options of one `Embedder.embed` call. */
export interface EmbedOptions {
  /** Aborting rejects the call with the signal's reason (an `AbortError` by default). */
  signal?: AbortSignal;
}

/**
 * Turns texts into unit-length vectors. Vectors from different `modelId`s are not
 * comparable, so an index records the id it was built with.
 */
export interface Embedder {
  /** Identifies the model and its conversion, e.g. `all-MiniLM-L6-v2-0.1.0`. */
  readonly modelId: string;
  /** Length of every vector `embed` returns. */
  readonly dimension: number;
  /** One L2-normalized vector per text, in input order. */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
  /** Releases the model (and its worker thread, if any); later calls to `embed` fail. */
  close(): Promise<void>;
}
