// Public surface of indexer/embedding: the Embedder contract, the offline default
// (all-MiniLM-L6-v2 converted from bundled weights), the transformers.js embedders
// and the embedder on a local Ollama server.
export type { EmbedOptions, Embedder } from './embedder.js';
export { ensureMiniLmModel, locateMiniLmPackage, miniLmFolderName, miniLmModelName, miniLmPackage, type EnsureMiniLmOptions, type MiniLmSource } from './convert-minilm.js';
export { quantizeColumns, type EncoderPrecision, type QuantizedColumns } from './quantize.js';
export {
  createTransformersEmbedder,
  defaultThreads,
  type TransformersEmbedderOptions,
  type TransformersModelLocation,
} from './transformers-embedder.js';
export { createWorkerEmbedder, type WorkerEmbedderStartOptions } from './worker-embedder.js';
export { createDefaultEmbedder, defaultSessions, type DefaultEmbedderOptions } from './default-embedder.js';
export { createEmbedderPool } from './embedder-pool.js';
export { createOllamaEmbedder, type OllamaEmbedderOptions } from './ollama-embedder.js';
