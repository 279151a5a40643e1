/** Token ids of one batch, right-padded to a common length, as the model's int64 inputs. */
export interface PaddedBatch {
  batchSize: number;
  sequenceLength: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
}

/** Right-pads token id lists with `padId`; the mask marks real tokens with 1. */
export function padBatch(sequences: readonly number[][], padId: number): PaddedBatch {
  const batchSize = sequences.length;
  const sequenceLength = Math.max(1, ...sequences.map((ids) => ids.length));
  const inputIds = new BigInt64Array(batchSize * sequenceLength).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(batchSize * sequenceLength);
  sequences.forEach((ids, row) => {
    ids.forEach((id, column) => {
      inputIds[row * sequenceLength + column] = BigInt(id);
      attentionMask[row * sequenceLength + column] = 1n;
    });
  });
  return { batchSize, sequenceLength, inputIds, attentionMask, tokenTypeIds: new BigInt64Array(batchSize * sequenceLength) };
}

/**
 * Mean of the token vectors of each row that the mask keeps, scaled to unit length
 * (sentence-transformers' mean pooling followed by normalization). `hidden` is
 * `[batch, sequence, dimension]`, row-major. Sums run in float64 for stability.
 */
export function meanPoolNormalize(hidden: Float32Array, mask: BigInt64Array, batch: number, sequence: number, dimension: number): Float32Array[] {
  const vectors: Float32Array[] = [];
  const sum = new Float64Array(dimension);
  for (let row = 0; row < batch; row += 1) {
    sum.fill(0);
    let count = 0;
    for (let token = 0; token < sequence; token += 1) {
      if (mask[row * sequence + token] === 0n) continue;
      count += 1;
      const offset = (row * sequence + token) * dimension;
      for (let index = 0; index < dimension; index += 1) sum[index] = (sum[index] as number) + (hidden[offset + index] as number);
    }
    let squares = 0;
    for (const value of sum) squares += value * value;
    // The mean's 1/count cancels in the normalization; only an all-zero row needs care.
    const scale = count === 0 || squares === 0 ? 0 : 1 / Math.sqrt(squares);
    vectors.push(Float32Array.from(sum, (value) => value * scale));
  }
  return vectors;
}
