// Where the default model's time goes: runs the converted graph (fp32 or int8) on a few
// batch shapes with ONNX Runtime's profiler on, and prints the kernel time per operator type.
//   npx tsx scripts/profile-embed.ts [int8|fp32] [--threads 2]
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { ensureMiniLmModel } from '../indexer/embedding/index.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { threads: { type: 'string', default: '2' } } });
const precision = positionals[0] === 'fp32' ? 'fp32' : 'int8';
const folder = await mkdtemp(join(tmpdir(), 'minions-profile-'));
try {
  const model = await readFile(join(await ensureMiniLmModel(folder, { precision }), 'onnx', 'model.onnx'));
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: Number(values.threads), interOpNumThreads: 1, enableProfiling: true, profileFilePrefix: join(folder, 'profile') });
  // The shapes the embedder's batches take: 32 short texts down to 4 of 256 tokens (1,024 padded tokens each).
  const shapes: [number, number][] = [[32, 32], [16, 64], [8, 128], [4, 256]];
  const rounds = 4;
  for (let round = 0; round < rounds; round += 1) {
    for (const [batch, length] of shapes) {
      const size = batch * length;
      const ids = BigInt64Array.from({ length: size }, (_, index) => BigInt(1000 + ((index * 7919) % 20000)));
      const tensor = (data: BigInt64Array): ort.Tensor => new ort.Tensor('int64', data, [batch, length]);
      const started = performance.now();
      await session.run({ input_ids: tensor(ids), attention_mask: tensor(new BigInt64Array(size).fill(1n)), token_type_ids: tensor(new BigInt64Array(size)) });
      if (round === rounds - 1) console.log(`${batch} x ${length} tokens: ${(performance.now() - started).toFixed(1)} ms`);
    }
  }
  session.endProfiling();
  await session.release();
  const file = (await readdir(folder)).find((name) => name.startsWith('profile') && name.endsWith('.json'));
  const events = JSON.parse(await readFile(join(folder, file ?? ''), 'utf8')) as { cat: string; name: string; dur: number; args?: { op_name?: string } }[];
  const byOperator = new Map<string, number>();
  for (const event of events) {
    if (event.cat !== 'Node' || !event.name.endsWith('_kernel_time')) continue;
    const operator = event.args?.op_name ?? '?';
    byOperator.set(operator, (byOperator.get(operator) ?? 0) + event.dur);
  }
  const total = [...byOperator.values()].reduce((sum, duration) => sum + duration, 0);
  console.log(`\n${precision}, ${values.threads} intra-op threads, ${rounds} rounds: kernel time by operator`);
  for (const [operator, duration] of [...byOperator].sort((a, b) => b[1] - a[1])) {
    console.log(`${operator.padEnd(28)} ${(duration / 1000).toFixed(0).padStart(7)} ms ${((100 * duration) / total).toFixed(1).padStart(5)}%`);
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}
