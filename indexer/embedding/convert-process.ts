// The int8 conversion's own process: `node convert-process <source dir> <producer version> <out dir>`
// builds the int8 model's files (calibration loads ONNX Runtime and the fp32 graph) and
// writes them into <out dir>, fsynced. Run apart from the indexer so the few hundred MB it
// takes go back to the system when it exits instead of staying in the indexer's heap.
// Exit 0: written. Exit 2: the source files are unusable (stderr says why). Exit 1: anything else.
import { disableTelemetry } from '../../platform/index.js';
import { buildMiniLmFiles, SourceFileError } from './minilm-files.js';
import { writeModelFiles } from './write-files.js';

// Before ONNX Runtime loads: it reads the real environment (see worker-embedder.ts).
disableTelemetry(['ORT_DISABLE_TELEMETRY']);
const [sourceDir, producerVersion, outDir] = process.argv.slice(2);
try {
  if (sourceDir === undefined || producerVersion === undefined || outDir === undefined) throw new Error('usage: convert-process <source dir> <producer version> <out dir>');
  const files = await buildMiniLmFiles(sourceDir, producerVersion, undefined, 'int8');
  await writeModelFiles(outDir, files);
} catch (error) {
  process.stderr.write((error as Error).message);
  process.exitCode = error instanceof SourceFileError ? 2 : 1;
}
