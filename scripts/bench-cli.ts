// CLI latency benchmark: wall time of `minions --help`, `--version`, a text and a hybrid
// query, each a fresh process running the built CLI (dist/, as `minions` runs), in process
// and through a running `minions serve`; optionally side by side with another built
// checkout (--before DIR), runs interleaved so both see the same machine load. Medians.
//   npm run build && npm run bench:cli -- --repo bench-corpora/fastify@5.9.0 --data-dir DIR [-- --before DIR] [-- --runs 9]
// The data directory must already hold the repository's index (`minions index`).
import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    repo: { type: 'string', default: 'bench-corpora/fastify@5.9.0' },
    'data-dir': { type: 'string', default: 'bench-corpora/.data' },
    before: { type: 'string' },
    runs: { type: 'string', default: '9' },
    query: { type: 'string', default: 'send the reply payload' },
  },
});
const repo = resolve(values.repo);
const dataDir = resolve(values['data-dir']);
const runs = Number(values.runs);
const env = { ...process.env, MINIONS_DATA_DIR: dataDir, MINIONS_LOG_LEVEL: 'warn' };

interface Variant {
  name: string;
  bin: string;
}

const variants: Variant[] = [{ name: 'this', bin: resolve('bin/minions.js') }];
if (values.before) variants.unshift({ name: 'before', bin: resolve(values.before, 'bin/minions.js') });

const cases: [string, string[]][] = [
  ['node -e 0 (startup floor)', []],
  ['--help', ['--help']],
  ['--version', ['--version']],
  ['query --mode text', ['query', repo, values.query, '--mode', 'text']],
  ['query (hybrid)', ['query', repo, values.query]],
];

/** Wall milliseconds of one process, start to exit. */
function timeRun(bin: string, args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args.length === 0 ? ['-e', '0'] : [bin, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0 && !(args[0] === '--version' && result.status === 2)) throw new Error(`${bin} ${args.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
  return performance.now() - started;
}

const median = (samples: number[]): number => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? Number.NaN;

/** Every case for every variant, interleaved run by run. */
function measure(label: string, selected: [string, string[]][], only?: string): void {
  const samples = new Map<string, number[]>();
  for (let run = 0; run < runs; run++) {
    for (const [name, args] of selected) {
      for (const variant of variants) {
        if (only !== undefined && variant.name !== only) continue;
        const key = `${name} | ${variant.name}`;
        samples.set(key, [...(samples.get(key) ?? []), timeRun(variant.bin, args)]);
      }
    }
  }
  console.log(`\n${label} (median of ${runs}, ms)`);
  for (const [key, list] of samples) console.log(`  ${key.padEnd(44)} ${median(list).toFixed(0).padStart(6)}   min ${Math.min(...list).toFixed(0)}`);
}

measure('In process (no server running)', cases);

// Through a server: `minions serve` of this checkout on the same data directory.
const server = spawn(process.execPath, [resolve('bin/minions.js'), 'serve', '--port', '0', '--repo', repo], { env, stdio: ['ignore', 'pipe', 'inherit'] });
try {
  await new Promise<void>((done, fail) => {
    let text = '';
    server.stdout.on('data', (data: Buffer) => {
      text += data.toString();
      if (/serving http/.test(text)) done();
    });
    server.once('exit', (code) => fail(new Error(`minions serve exited with ${code}`)));
  });
  const { url } = JSON.parse(await readFile(join(dataDir, 'locks', 'server.json'), 'utf8')) as { url: string };
  for (;;) {
    const { repositories } = (await (await fetch(`${url}/v1/repositories`)).json()) as { repositories: { status: string }[] };
    if (repositories.every((repository) => repository.status === 'ready')) break;
    await new Promise((done) => setTimeout(done, 200));
  }
  measure('Through the running server (this checkout only)', cases.slice(3), 'this');
} finally {
  server.kill('SIGTERM');
}
