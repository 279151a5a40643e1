// Several sessions of one model, each in its own worker thread: onnxruntime-node runs a
// session synchronously on its thread, so independent sessions are how batches run on
// several cores at once without the per-operator synchronisation of intra-op threads.
import { MinionsError } from '../../schemas/index.js';
import type { EmbedOptions, Embedder } from './embedder.js';

/**
 * One `Embedder` over `members` (sessions of the same model): each call's texts are
 * dealt out in equal contiguous parts, one per member, embedded concurrently and joined
 * back in input order. A call smaller than the pool uses only the members it needs,
 * starting with the next member in turn, so concurrent small calls (queries) spread.
 */
export function createEmbedderPool(members: readonly Embedder[]): Embedder {
  const first = members[0];
  if (first === undefined) throw new MinionsError('invalid-argument', 'An embedder pool needs at least one member');
  if (members.some((member) => member.modelId !== first.modelId || member.dimension !== first.dimension)) {
    throw new MinionsError('invalid-argument', 'The members of an embedder pool must run the same model');
  }
  if (members.length === 1) return first;
  return new EmbedderPool(first.modelId, first.dimension, members);
}

class EmbedderPool implements Embedder {
  private next = 0;

  constructor(
    readonly modelId: string,
    readonly dimension: number,
    private readonly members: readonly Embedder[],
  ) {}

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const parts = Math.min(this.members.length, texts.length);
    if (parts === 0) return [];
    const bound = (part: number): number => Math.floor((part * texts.length) / parts);
    const start = this.next;
    this.next = (this.next + parts) % this.members.length;
    const results = await Promise.all(
      Array.from({ length: parts }, (_, part) => {
        const member = this.members[(start + part) % this.members.length] as Embedder;
        return member.embed(texts.slice(bound(part), bound(part + 1)), options);
      }),
    );
    return results.flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((member) => member.close()));
  }
}
