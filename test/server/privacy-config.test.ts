// Privacy mode at the configuration edge: on by default, model hosts only on this
// machine or on the allow-list, no model downloads, and the network policy of agent
// commands; the CLI refuses a remote host before anything starts.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { loadAgentSettings } from '../../server/agent-wiring.js';
import { main } from '../../server/cli/main.js';
import { checkModelHost, loadConfig } from '../../server/config.js';

const base = { MINIONS_DATA_DIR: '/data' };

async function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  stdout.resume();
  const code = await main(argv, { stdout, stderr, cwd: process.cwd(), env, signal: new AbortController().signal });
  return { code, stderr: text };
}

describe('privacy mode configuration', () => {
  it('is on by default; --no-privacy or MINIONS_PRIVACY=0 turns it off, and the option beats the variable', () => {
    assert.equal(loadConfig(base).privacy, true);
    assert.equal(loadConfig({ ...base, MINIONS_PRIVACY: '0' }).privacy, false);
    assert.equal(loadConfig({ ...base, MINIONS_PRIVACY: '0' }, { privacy: true }).privacy, true);
    assert.equal(loadConfig({ ...base, MINIONS_PRIVACY: '1' }, { privacy: false }).privacy, false);
    assert.throws(() => loadConfig({ ...base, MINIONS_PRIVACY: 'maybe' }), /MINIONS_PRIVACY must be 1 or 0/);
  });

  it('accepts loopback model hosts in every spelling', () => {
    const config = loadConfig(base);
    for (const host of ['http://127.0.0.1:11434', '127.0.0.1:11434', 'http://localhost:11434', 'http://[::1]:11434', 'http://127.8.9.10', 'https://localhost', 'http://ollama.localhost:1']) {
      assert.doesNotThrow(() => checkModelHost(config, host, 'test'), host);
    }
  });

  it('refuses any other host with a message that says how to allow it', () => {
    const config = loadConfig(base);
    for (const host of ['http://192.168.1.20:11434', 'http://ollama.example.com', '10.0.0.1:11434', 'http://0.0.0.0:11434', 'http://[2001:db8::1]:11434', 'http://127.0.0.1.example.com', 'http://localhost@evil.example']) {
      assert.throws(() => checkModelHost(config, host, 'OLLAMA_HOST'), /Privacy mode: the model host .* is not on this machine.*MINIONS_ALLOWED_HOSTS.*--no-privacy/, host);
    }
    assert.throws(() => loadAgentSettings({ OLLAMA_HOST: 'gpu.example:11434' }, config), /gpu\.example:11434 \(the agent model, OLLAMA_HOST\) is not on this machine/);
    assert.throws(() => loadConfig({ ...base, MINIONS_EMBEDDER: 'ollama:nomic-embed-text', OLLAMA_HOST: 'http://gpu.example:11434' }), /the embedder, OLLAMA_HOST/);
  });

  it('accepts hosts on MINIONS_ALLOWED_HOSTS (by name, or name and port), and anything with privacy off', () => {
    const config = loadConfig({ ...base, MINIONS_ALLOWED_HOSTS: 'gpu.lan, 10.0.0.5:11434,[fd00::1]' });
    assert.doesNotThrow(() => checkModelHost(config, 'http://gpu.lan:11434', 'test'));
    assert.doesNotThrow(() => checkModelHost(config, 'http://10.0.0.5:11434', 'test'));
    assert.doesNotThrow(() => checkModelHost(config, 'http://[fd00::1]:11434', 'test'));
    assert.throws(() => checkModelHost(config, 'http://10.0.0.5:8080', 'test'), /not on this machine/);
    assert.doesNotThrow(() => checkModelHost(loadConfig(base, { privacy: false }), 'http://ollama.example.com', 'test'));
  });

  it('never downloads models in privacy mode', () => {
    assert.equal(loadConfig(base).allowRemoteModels, false);
    assert.throws(() => loadConfig({ ...base, MINIONS_ALLOW_REMOTE_MODELS: '1' }), /privacy mode forbids/);
    assert.equal(loadConfig({ ...base, MINIONS_ALLOW_REMOTE_MODELS: '1' }, { privacy: false }).allowRemoteModels, true);
  });

  it('runs agent commands without network: required, allowed where impossible, or off', () => {
    const host = { OLLAMA_HOST: '127.0.0.1:11434' };
    assert.equal(loadAgentSettings(host, loadConfig(base)).commandNetwork, 'isolated');
    assert.equal(loadAgentSettings(host, loadConfig({ ...base, MINIONS_ALLOW_NETWORK_COMMANDS: '1' })).commandNetwork, 'isolated-if-available');
    assert.equal(loadAgentSettings(host, loadConfig(base, { allowNetworkCommands: true })).commandNetwork, 'isolated-if-available');
    assert.equal(loadAgentSettings(host, loadConfig(base, { privacy: false })).commandNetwork, 'allowed');
  });

  it('sandboxes agent commands: unsandboxed only when allowed, memory capped (4 GiB unless set)', () => {
    const host = { OLLAMA_HOST: '127.0.0.1:11434' };
    assert.equal(loadAgentSettings(host, loadConfig(base)).allowUnsandboxedCommands, false);
    assert.equal(loadAgentSettings(host, loadConfig({ ...base, MINIONS_ALLOW_UNSANDBOXED_COMMANDS: '1' })).allowUnsandboxedCommands, true);
    assert.equal(loadAgentSettings(host, loadConfig(base, { allowUnsandboxedCommands: true })).allowUnsandboxedCommands, true);
    assert.equal(loadAgentSettings(host, loadConfig(base)).commandMemoryBytes, 4 * 1024 ** 3);
    assert.equal(loadAgentSettings({ ...host, MINIONS_COMMAND_MEMORY_MB: '0' }, loadConfig(base)).commandMemoryBytes, 0);
    assert.throws(() => loadAgentSettings({ ...host, MINIONS_COMMAND_MEMORY_MB: '-1' }, loadConfig(base)), /command memory cap must be an integer from 0 to 1048576.*MINIONS_COMMAND_MEMORY_MB/);
  });

  it('the CLI refuses a remote model host before doing anything (run, serve, index, query, watch)', async () => {
    const env = { ...base, OLLAMA_HOST: 'http://ollama.example.com:11434', MINIONS_EMBEDDER: 'ollama:nomic-embed-text', PATH: process.env.PATH };
    for (const argv of [['run', '--repo', '.', 'do it'], ['serve', '--port', '0'], ['index', '.'], ['query', '.', 'x'], ['watch', '.']]) {
      const { code, stderr } = await cli(argv, env);
      assert.equal(code, 2, `${argv[0]}: ${stderr}`);
      assert.match(stderr, /Privacy mode: the model host ollama\.example\.com:11434/, argv[0]);
    }
    const both = await cli(['index', '.', '--privacy', '--no-privacy'], base);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /either --privacy or --no-privacy/);
  });

  it('reads OLLAMA_HOST as the ollama client does, and judges the port it will really use', () => {
    const config = loadConfig({ ...base, MINIONS_ALLOWED_HOSTS: 'gpu.lan:11434' });
    assert.equal(loadAgentSettings({ OLLAMA_HOST: '127.0.0.1:11434' }, config).ollamaHost, 'http://127.0.0.1:11434');
    assert.equal(loadAgentSettings({ OLLAMA_HOST: 'gpu.lan' }, config).ollamaHost, 'http://gpu.lan:11434');
    assert.equal(loadAgentSettings({ OLLAMA_HOST: ':11500' }, config).ollamaHost, 'http://127.0.0.1:11500');
    assert.throws(() => loadAgentSettings({ OLLAMA_HOST: 'http://gpu.lan' }, config), /gpu\.lan \(the agent model, OLLAMA_HOST\) is not on this machine/);
    assert.doesNotThrow(() => loadConfig({ ...base, MINIONS_ALLOWED_HOSTS: 'gpu.lan:11434', MINIONS_EMBEDDER: 'ollama:nomic-embed-text', OLLAMA_HOST: 'gpu.lan' }));
  });
});
