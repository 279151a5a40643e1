import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureMiniLmModel, locateMiniLmPackage, type MiniLmSource } from '../../../indexer/embedding/index.js';
import { decodeOnnxModel, encodeOnnxModel } from '../../../indexer/embedding/onnx-proto.js';
import { halfToFloat32, parseSafetensors } from '../../../indexer/embedding/safetensors.js';
import { MinionsError } from '../../../schemas/index.js';
import { isAbortError } from '../../../platform/index.js';
import { convertIntoTemporaryCache } from './helpers.js';

/** A copy of the package's model folder whose weights file `damage` rewrites (or deletes, when it returns undefined). */
async function damagedSource(root: string, damage: (weights: Buffer) => Buffer | undefined): Promise<MiniLmSource> {
  const original = await locateMiniLmPackage();
  const dir = join(root, 'source');
  await mkdir(dir, { recursive: true });
  await copyFile(join(original.dir, 'config.json'), join(dir, 'config.json'));
  await copyFile(join(original.dir, 'tokenizer.json'), join(dir, 'tokenizer.json'));
  const weights = damage(await readFile(join(original.dir, 'model.fp16.safetensors')));
  if (weights !== undefined) await writeFile(join(dir, 'model.fp16.safetensors'), weights);
  return { dir, version: 'damaged' };
}

/** A copy of safetensors bytes with `count` halves of tensor `name`, from element `first`, set to the bit pattern `bits`. */
function withHalves(weights: Buffer, name: string, first: number, count: number, bits: number): Buffer {
  const copy = Buffer.from(weights);
  const entry = parseSafetensors(copy).entries.get(name);
  assert.ok(entry, `${name} is in the weights`);
  const start = 8 + Number(copy.readBigUInt64LE(0)) + entry.offsets[0] + 2 * first;
  for (let element = 0; element < count; element++) copy.writeUInt16LE(bits, start + 2 * element);
  return copy;
}

async function assertModelUnavailable(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof MinionsError, `expected a MinionsError, got ${String(error)}`);
    assert.equal(error.code, 'model-unavailable');
    assert.match(error.message, pattern);
    assert.match(error.message, /npm install/, 'the message says how to fix it');
    return true;
  });
}

describe('ensureMiniLmModel', () => {
  let converted: Awaited<ReturnType<typeof convertIntoTemporaryCache>>;
  let scratch: string;
  before(async () => {
    converted = await convertIntoTemporaryCache();
    scratch = await mkdtemp(join(tmpdir(), 'minions-convert-'));
  });
  after(async () => {
    await converted.remove();
    await rm(scratch, { recursive: true, force: true });
  });

  it('writes the transformers.js folder layout under models/all-MiniLM-L6-v2-<weights version>', async () => {
    const { version } = await locateMiniLmPackage();
    assert.equal(converted.modelDir, join(converted.cacheDir, 'models', `all-MiniLM-L6-v2-${version}`));
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) {
      assert.ok((await stat(join(converted.modelDir, file))).size > 0, `${file} exists`);
    }
    assert.deepEqual(await readdir(join(converted.cacheDir, 'models')), [`all-MiniLM-L6-v2-${version}`], 'no temporary folder is left');
    const tokenizer = JSON.parse(await readFile(join(converted.modelDir, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(tokenizer.padding, null, 'the fixed 128-token padding of the source tokenizer is removed');
  });

  it('returns the cached folder at once on the second call', async () => {
    const started = performance.now();
    assert.equal(await ensureMiniLmModel(converted.cacheDir), converted.modelDir);
    assert.ok(performance.now() - started < 200, 'no second conversion');
  });

  it('builds an opset-17 graph with dynamic int64 inputs, float32 weights and last_hidden_state', async () => {
    const model = decodeOnnxModel(await readFile(join(converted.modelDir, 'onnx', 'model.onnx')));
    assert.deepEqual(model.opsetImport.map((entry) => entry.version), [17]);
    const { graph } = model;
    assert.deepEqual(graph.input.map((input) => input.name), ['input_ids', 'attention_mask', 'token_type_ids']);
    for (const input of graph.input) {
      assert.equal(input.type.tensorType.elemType, 7);
      assert.deepEqual(input.type.tensorType.shape.dim, [{ dimParam: 'batch_size' }, { dimParam: 'sequence_length' }]);
    }
    assert.deepEqual(graph.output.map((output) => output.name), ['last_hidden_state']);
    const weights = graph.initializer.filter((tensor) => tensor.dims.length === 2 && tensor.dataType === 1);
    assert.equal(weights.length, 2 + 6 * 6, 'the position and type tables and six linear layers per encoder layer');
    const halves = graph.initializer.filter((tensor) => tensor.dataType === 10);
    assert.deepEqual(halves.map((tensor) => [tensor.name, tensor.dims]), [['embeddings.word_embeddings.weight', [30522, 384]]], 'the word table stays in half precision');
    const read = new Set(graph.node.flatMap((node) => node.input));
    assert.deepEqual(graph.initializer.filter((tensor) => !read.has(tensor.name)).map((tensor) => tensor.name), [], 'every initializer is read by a node');
    assert.equal(graph.node.filter((node) => node.opType === 'LayerNormalization').length, 1 + 6 * 2);
    assert.equal(graph.node.filter((node) => node.opType === 'Softmax').length, 6);
  });

  it('computes with the half-precision word table exactly what a float32 table gives', async () => {
    const bytes = await readFile(join(converted.modelDir, 'onnx', 'model.onnx'));
    const model = decodeOnnxModel(bytes);
    const widened = decodeOnnxModel(bytes);
    const table = widened.graph.initializer.find((tensor) => tensor.name === 'embeddings.word_embeddings.weight');
    assert.ok(table && table.dataType === 10);
    const half = new Uint16Array(new Uint8Array(table.rawData).buffer);
    const float = halfToFloat32(half);
    Object.assign(table, { dataType: 1, rawData: new Uint8Array(float.buffer) });
    const ort = await import('onnxruntime-node');
    const run = async (proto: typeof model): Promise<Float32Array> => {
      const session = await ort.InferenceSession.create(encodeOnnxModel(proto), { intraOpNumThreads: 1, logSeverityLevel: 3 });
      // Two sequences over the whole vocabulary's range, the second padded.
      const ids = BigInt64Array.from([101, 7592, 30521, 2088, 1000, 102, 101, 29999, 5, 102, 0, 0], BigInt);
      const mask = BigInt64Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0], BigInt);
      const feeds = { input_ids: new ort.Tensor('int64', ids, [2, 6]), attention_mask: new ort.Tensor('int64', mask, [2, 6]), token_type_ids: new ort.Tensor('int64', new BigInt64Array(12), [2, 6]) };
      const output = (await session.run(feeds)).last_hidden_state;
      await session.release();
      return output?.data as Float32Array;
    };
    const [fromHalf, fromFloat] = await Promise.all([run(model), run(widened)]);
    assert.equal(fromHalf.length, 2 * 6 * 384);
    assert.deepEqual(Array.from(fromHalf), Array.from(fromFloat));
    assert.ok(bytes.byteLength < encodeOnnxModel(widened).byteLength - 23_000_000, 'the file is 23 MB smaller');
  });

  it('fails with model-unavailable when the word table holds an infinity', async () => {
    const source = await damagedSource(join(scratch, 'inf-words'), (weights) => withHalves(weights, 'embeddings.word_embeddings.weight', 1000, 1, 0x7c00));
    await assertModelUnavailable(ensureMiniLmModel(join(scratch, 'inf-words-cache'), { source }), /embeddings\.word_embeddings\.weight holds NaN or infinite/);
  });

  it('converts half-precision bit patterns exactly', () => {
    const bits = Uint16Array.of(0x3c00, 0xc000, 0x0001, 0x7bff, 0x8000, 0x7c00, 0x3555);
    assert.deepEqual(Array.from(halfToFloat32(bits)), [1, -2, 2 ** -24, 65504, -0, Infinity, Math.fround(0.333251953125)]);
  });

  it('rejects safetensors whose header does not match the data', () => {
    const header = Buffer.from(JSON.stringify({ x: { dtype: 'F16', shape: [4], data_offsets: [0, 8] } }));
    const file = Buffer.concat([Buffer.alloc(8), header, Buffer.alloc(4)]);
    file.writeBigUInt64LE(BigInt(header.length), 0);
    assert.throws(() => parseSafetensors(file), /does not match its shape/);
  });

  it('fails with model-unavailable when the weights file is missing', async () => {
    const source = await damagedSource(join(scratch, 'missing'), () => undefined);
    await assertModelUnavailable(ensureMiniLmModel(join(scratch, 'missing-cache'), { source }), /model\.fp16\.safetensors does not exist/);
  });

  it('fails with model-unavailable when the weights file is truncated, leaving no folder behind', async () => {
    const cacheDir = join(scratch, 'truncated-cache');
    const source = await damagedSource(join(scratch, 'truncated'), (weights) => weights.subarray(0, 1_000_000));
    await assertModelUnavailable(ensureMiniLmModel(cacheDir, { source }), /file truncated/);
    assert.deepEqual(await readdir(join(cacheDir, 'models')), []);
  });

  it('fails with model-unavailable when the weights hold NaN', async () => {
    const source = await damagedSource(join(scratch, 'nan'), (weights) => withHalves(weights, 'encoder.layer.3.attention.self.key.weight', 0, 32, 0x7e00));
    await assertModelUnavailable(ensureMiniLmModel(join(scratch, 'nan-cache'), { source }), /NaN/);
  });

  it('stops on abort with an AbortError and leaves no partial model', async () => {
    const cacheDir = join(scratch, 'aborted-cache');
    const controller = new AbortController();
    const conversion = ensureMiniLmModel(cacheDir, { signal: controller.signal });
    setImmediate(() => controller.abort());
    await assert.rejects(conversion, (error: unknown) => isAbortError(error));
    assert.deepEqual(await readdir(join(cacheDir, 'models')).catch(() => []), []);
  });

  it('reports damaged weights from the int8 conversion process as model-unavailable, leaving no folder behind', async () => {
    const cacheDir = join(scratch, 'truncated-int8-cache');
    const source = await damagedSource(join(scratch, 'truncated-int8'), (weights) => weights.subarray(0, 1_000_000));
    await assertModelUnavailable(ensureMiniLmModel(cacheDir, { source, precision: 'int8' }), /file truncated/);
    assert.deepEqual(await readdir(join(cacheDir, 'models')), []);
  });

  it('kills the int8 conversion process on abort and leaves no partial model', async () => {
    const cacheDir = join(scratch, 'aborted-int8-cache');
    const controller = new AbortController();
    const conversion = ensureMiniLmModel(cacheDir, { signal: controller.signal, precision: 'int8' });
    // Once the child has started: its temporary folder exists.
    while ((await readdir(join(cacheDir, 'models')).catch(() => [])).length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await assert.rejects(conversion, (error: unknown) => isAbortError(error));
    assert.deepEqual(await readdir(join(cacheDir, 'models')), []);
  });
});
