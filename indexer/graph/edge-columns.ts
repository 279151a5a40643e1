import type { WeightedEdge } from './pagerank.js';

/**
 * A graph's weighted edges as parallel columns, in their order: 16 bytes an edge where an
 * object takes several times that. What large graphs are analysed with (Go's standard
 * library: 1.9M file edges).
 */
export interface EdgeColumns {
  readonly length: number;
  readonly from: Uint32Array;
  readonly to: Uint32Array;
  readonly weight: Float64Array;
}

/** Edge objects as columns, in their order. */
export function edgeColumns(edges: readonly WeightedEdge[]): EdgeColumns {
  const builder = new EdgeColumnsBuilder(edges.length);
  for (const { from, to, weight } of edges) builder.push(from, to, weight);
  return builder.build();
}

/** Appends edges to columns that grow by doubling. */
export class EdgeColumnsBuilder {
  private from: Uint32Array;
  private to: Uint32Array;
  private weight: Float64Array;
  private count = 0;

  constructor(capacity = 1024) {
    this.from = new Uint32Array(Math.max(1, capacity));
    this.to = new Uint32Array(this.from.length);
    this.weight = new Float64Array(this.from.length);
  }

  push(from: number, to: number, weight: number): void {
    if (!(from >= 0 && to >= 0 && Number.isInteger(from) && Number.isInteger(to))) throw new RangeError(`edge ${from}->${to}: nodes are numbered from 0`);
    if (this.count === this.from.length) this.grow(this.count * 2);
    this.from[this.count] = from;
    this.to[this.count] = to;
    this.weight[this.count++] = weight;
  }

  /** These edges, then `after`'s. */
  concat(after: EdgeColumnsBuilder): EdgeColumns {
    this.grow(this.count + after.count);
    this.from.set(after.from.subarray(0, after.count), this.count);
    this.to.set(after.to.subarray(0, after.count), this.count);
    this.weight.set(after.weight.subarray(0, after.count), this.count);
    this.count += after.count;
    return this.build();
  }

  build(): EdgeColumns {
    return { length: this.count, from: this.from.subarray(0, this.count), to: this.to.subarray(0, this.count), weight: this.weight.subarray(0, this.count) };
  }

  private grow(capacity: number): void {
    if (capacity <= this.from.length) return;
    const grown = (old: Uint32Array) => {
      const next = new Uint32Array(capacity);
      next.set(old.subarray(0, this.count));
      return next;
    };
    this.from = grown(this.from);
    this.to = grown(this.to);
    const weight = new Float64Array(capacity);
    weight.set(this.weight.subarray(0, this.count));
    this.weight = weight;
  }
}
