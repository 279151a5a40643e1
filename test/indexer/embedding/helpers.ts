// Shared by the embedding tests: one conversion per test file into a temporary cache.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureMiniLmModel } from '../../../indexer/embedding/index.js';

/** The sentence-transformers quickstart sentences and their all-MiniLM-L6-v2 cosine similarities. */
export const quickstart = {
  sentences: ['The weather is lovely today.', "It's so sunny outside!", 'He drove to the stadium.'],
  similarities: { '0-1': 0.666, '0-2': 0.105, '1-2': 0.141 },
} as const;

/** A converted model in a fresh temporary cache; `remove` deletes the cache. */
export async function convertIntoTemporaryCache(): Promise<{ cacheDir: string; modelDir: string; remove: () => Promise<void> }> {
  const cacheDir = await mkdtemp(join(tmpdir(), 'minions-embedding-'));
  const modelDir = await ensureMiniLmModel(cacheDir);
  return { cacheDir, modelDir, remove: () => rm(cacheDir, { recursive: true, force: true }) };
}

/** Dot product, which is the cosine similarity of unit vectors. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index += 1) sum += (a[index] as number) * (b[index] as number);
  return sum;
}

/** Largest element-wise difference between two lists of vectors. */
export function maxDifference(left: readonly Float32Array[], right: readonly Float32Array[]): number {
  let worst = 0;
  left.forEach((vector, row) => {
    const other = right[row];
    if (other === undefined || other.length !== vector.length) throw new Error(`vector ${row} missing or of another length`);
    vector.forEach((value, index) => {
      worst = Math.max(worst, Math.abs(value - (other[index] as number)));
    });
  });
  return worst;
}

/** Source-code-like text of roughly `tokens` WordPiece tokens, different for each `seed`. */
export function codeLikeText(seed: number, tokens = 200): string {
  const lines: string[] = [`export function handler${seed}(request: Request, reply: Reply): Promise<void> {`];
  for (let line = 0; lines.join('\n').length < tokens * 3; line += 1) {
    lines.push(`  const value${line} = await store.load(request.params.id${seed}, { retries: ${line % 5} });`);
  }
  lines.push('}');
  return lines.join('\n');
}
