// The privacy proof: index, query and a full scripted task in privacy mode, in a child
// process inside a network namespace that has only loopback (so any other connection
// fails), traced by strace (every connect/sendto of that process and all its children:
// node, git, sh, npm, the tests) and by a preloaded Node hook (sockets, UDP, DNS,
// fetch). Every recorded destination must be loopback or a Unix socket.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const here = fileURLToPath(new URL('.', import.meta.url));

function available(argv: string[]): boolean {
  try {
    execFileSync(argv[0] ?? '', argv.slice(1), { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** The destinations of strace's connect/sendto lines that are neither loopback nor local sockets. */
export function foreignDestinations(trace: string): string[] {
  const foreign: string[] = [];
  for (const line of trace.split('\n')) {
    if (!/\b(connect|sendto|sendmsg)\(/.test(line)) continue;
    const family = /sa_family=(AF_\w+)/.exec(line)?.[1];
    if (family === undefined || family === 'AF_UNIX' || family === 'AF_UNSPEC' || family === 'AF_NETLINK') continue;
    const v4 = /inet_addr\("([^"]+)"\)/.exec(line)?.[1];
    const v6 = /inet_pton\(AF_INET6, "([^"]+)"/.exec(line)?.[1];
    const address = v4 ?? v6 ?? '?';
    if (/^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address)) continue;
    foreign.push(line.trim());
  }
  return foreign;
}

/** The program (last execve of the thread or of its nearest ancestor) behind each traced line. */
function programsOf(trace: string, lines: readonly string[]): string[] {
  const entries = trace.split('\n');
  return lines.map((line) => {
    let id = line.split(' ')[0] ?? '';
    for (let depth = 0; depth < 20 && id !== ''; depth += 1) {
      const exec = entries.filter((entry) => entry.startsWith(`${id} execve(`)).at(-1);
      if (exec) return exec.slice(0, 160);
      id = entries.find((entry) => new RegExp(`(clone3?|vfork)\\(.*\\) += ${id}$`).test(entry))?.split(' ')[0] ?? '';
    }
    return `${line.split(' ')[0]}: program unknown`;
  });
}

describe('privacy proof', () => {
  it('index, query and a scripted task make no connection off this machine, from any process', async (context) => {
    const unshare = process.getuid?.() === 0 ? ['unshare', '--net'] : ['unshare', '--map-root-user', '--net'];
    if (!available([...unshare, 'true'])) return context.skip('no network namespace here (unshare); .ci/run installs util-linux');
    if (!available(['strace', '-V'])) return context.skip('strace is not installed; .ci/run installs it');
    const folder = await mkdtemp(join(tmpdir(), 'minions-proof-'));
    try {
      const trace = join(folder, 'strace.log');
      const hookLog = join(folder, 'connections.ndjson');
      const script = `ip link set lo up && exec strace -f -qq -e trace=connect,sendto,sendmsg,execve,clone,clone3,vfork -o "$1" -- "$2" --import tsx --import "$3" "$4"`;
      const result = spawnSync(unshare[0] ?? '', [...unshare.slice(1), '--', '/bin/sh', '-c', script, 'proof', trace, process.execPath, join(here, 'connect-recorder.mjs'), join(here, 'privacy-scenario.ts')], {
        // Without the opt-outs the CLI sets for itself, so the proof sees what a library user gets.
        env: { ...process.env, ORT_DISABLE_TELEMETRY: undefined, MINIONS_CONNECT_LOG: hookLog },
        encoding: 'utf8',
        timeout: 120_000,
      });
      assert.equal(result.status, 0, `${result.stderr}\n${result.stdout}`);
      const report = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { codes: Record<string, number>; output: string };
      assert.deepEqual(report.codes, { index: 0, query: 0, run: 0 }, report.output);
      assert.match(report.output, /network of commands: none|"outcome": "succeeded"/);
      const straced = await readFile(trace, 'utf8');
      assert.ok(/connect\(.*127\.0\.0\.1/.test(straced), 'the trace saw the connections to the scripted Ollama (it records)');
      // Strictly nothing: not even a DNS lookup the namespace refused (onnxruntime's
      // telemetry once tried one from the embedding worker; see docs/security.md).
      const foreign = foreignDestinations(straced);
      assert.deepEqual(foreign, [], `connection attempts off this machine, from any process; programs: ${programsOf(straced, foreign).join(' | ')}`);
      const hooked = (await readFile(hookLog, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { kind: string; destination: string });
      assert.ok(hooked.some((entry) => entry.kind === 'fetch' || entry.kind === 'tcp'), 'the Node hook recorded the model calls');
      const foreignHooked = hooked.filter((entry) => !/^(https?:\/\/)?(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)([:/]|$)/.test(entry.destination) && entry.kind !== 'unix' && !entry.destination.startsWith('/'));
      assert.deepEqual(foreignHooked, [], 'Node-level destinations off this machine');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('the trace parser flags off-machine destinations and lets loopback and Unix sockets pass', () => {
    const trace = [
      '12 connect(3, {sa_family=AF_INET, sin_port=htons(11434), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
      '12 connect(4, {sa_family=AF_UNIX, sun_path="/run/x.sock"}, 110) = 0',
      '13 connect(5, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
      '14 connect(6, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("93.184.216.34")}, 16) = -1 ENETUNREACH',
      '15 sendto(7, "x", 1, 0, {sa_family=AF_INET6, sin6_port=htons(53), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr)}, 28) = -1',
    ].join('\n');
    assert.equal(foreignDestinations(trace).length, 2);
  });
});
