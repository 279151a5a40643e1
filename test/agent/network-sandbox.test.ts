// Agent commands without network: inside the namespace a command reaches loopback and
// nothing else; where no namespace is available a privacy run is refused before it
// touches the repository (unless allowed explicitly), and the trace says which.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MinionsError } from '../../schemas/index.js';
import { createUnshareSandbox, type CommandSandbox, type NetworkSandbox } from '../../agent/index.js';
import { runProcess } from '../../platform/index.js';
import { calculatorFiles, eventsOf, git, makeRepo, runTask, startAgentOllama, type FixtureRepo } from './agent-fixtures.js';
import type { ScriptedOllama } from '../support/scripted-ollama.js';

const unavailable: NetworkSandbox = { probe: async () => ({ isolated: false, reason: 'no network namespace is available (test double)' }) };
// Without bubblewrap (allowed explicitly) the network namespace alone isolates commands, as before the filesystem sandbox.
const noBubblewrap = { commandSandbox: { probe: async () => ({ available: false, reason: 'bubblewrap is missing (test double)' }) } satisfies CommandSandbox, allowUnsandboxedCommands: true };

// Connects to a non-loopback address and to a server on loopback; prints what happened.
const probeScript = `
const net = require('node:net');
const server = net.createServer((socket) => socket.end('hi')).listen(0, '127.0.0.1', () => {
  const loop = net.connect(server.address().port, '127.0.0.1');
  loop.on('data', () => {
    console.log('loopback: ok');
    const out = net.connect(80, '192.0.2.1');
    out.setTimeout(3000, () => { console.log('outside: timeout'); process.exit(0); });
    out.on('connect', () => { console.log('outside: CONNECTED'); process.exit(0); });
    out.on('error', (error) => { console.log('outside: ' + error.code); process.exit(0); });
  });
  loop.on('error', (error) => { console.log('loopback: ' + error.code); process.exit(0); });
});
`;

describe('commands without network', () => {
  let repo: FixtureRepo;
  let ollama: ScriptedOllama;
  before(async () => {
    repo = await makeRepo(calculatorFiles);
    ollama = await startAgentOllama();
  });
  after(async () => {
    await ollama.close();
    await repo.dispose();
  });

  it('inside the namespace a command reaches loopback only', async (context) => {
    const isolation = await createUnshareSandbox().probe(new AbortController().signal);
    if (!isolation.isolated) return context.skip(`no network namespace here: ${isolation.reason} (the refusal is tested below)`);
    await writeFile(join(repo.root, 'probe.cjs'), probeScript);
    const result = await runProcess({ argv: ['node', 'probe.cjs'] }, { cwd: repo.root, env: { PATH: process.env.PATH }, prefix: isolation.prefix, timeoutMs: 10_000, signal: new AbortController().signal, maxOutputCharacters: 4000 });
    assert.match(result.output, /loopback: ok/, result.output);
    assert.match(result.output, /outside: (ENETUNREACH|EHOSTUNREACH|EACCES|EPERM)/, result.output);
  });

  it('a privacy run is refused before it touches the repository when there is no namespace', async () => {
    const before = git(repo.root, 'branch', '--list');
    const requests = ollama.requests.length;
    const { error, events } = await runTask(repo, ollama, { prompt: 'Fix add' }, { commandNetwork: 'isolated', networkSandbox: unavailable, ...noBubblewrap });
    assert.ok(error instanceof MinionsError, String(error));
    assert.equal(error.code, 'agent-unavailable');
    assert.match(error.message, /Privacy mode runs agent commands without network.*--allow-network-commands/);
    assert.deepEqual(eventsOf(events, 'network-check'), [{ isolated: false, method: null, loopback: true, allowed: false, note: 'no network namespace is available (test double); commands would have network, so the run is refused' }]);
    assert.deepEqual(events.map((event) => event.type), ['network-check']);
    assert.equal(git(repo.root, 'branch', '--list'), before, 'no branch, no worktree');
    assert.equal(ollama.requests.length, requests, 'the model was not even asked');
  });

  it('allowed explicitly, the run goes on with network and its trace says so', async () => {
    const { events } = await runTask(repo, ollama, { prompt: 'Fix add' }, { commandNetwork: 'isolated-if-available', networkSandbox: unavailable, ...noBubblewrap });
    const [network] = eventsOf(events, 'network-check');
    assert.deepEqual(network, { isolated: false, method: null, loopback: true, allowed: true, note: 'no network namespace is available (test double); commands run WITH network (allowed explicitly)' });
    assert.ok(events.some((event) => event.type === 'worktree-create'));
  });
});
