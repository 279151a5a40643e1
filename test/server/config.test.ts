// The one configuration: an option beats its environment variable beats the schema's
// default, each range error names where to set the value, OLLAMA_HOST is read once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Settings } from '../../schemas/index.js';
import { loadAgentSettings } from '../../server/agent-wiring.js';
import { loadServeSettings } from '../../server/cli/serve-command.js';
import { loadConfig, loadOllamaHost } from '../../server/config.js';
import { parseFlag, readSetting } from '../../server/settings.js';

const base = { MINIONS_DATA_DIR: '/data' };

describe('configuration', () => {
  it('takes the option over the environment variable over the default', () => {
    assert.equal(loadConfig(base).threads, undefined);
    assert.equal(loadConfig({ ...base, MINIONS_THREADS: '3' }).threads, 3);
    assert.equal(loadConfig({ ...base, MINIONS_THREADS: '3' }, { threads: '5' }).threads, 5);
    assert.equal(loadConfig({ MINIONS_DATA_DIR: '/env' }, { dataDir: '/option' }).dataDir, '/option');
    assert.equal(loadConfig({ MINIONS_DATA_DIR: 'relative' }, {}, '/work').dataDir, '/work/relative');
    assert.deepEqual(loadConfig({ ...base, MINIONS_EMBEDDER: 'hf:a/b' }, { embedder: 'default' }).embedder, { kind: 'default' });
    assert.deepEqual(loadConfig({ ...base, MINIONS_EMBEDDER: 'hf:a/b' }).embedder, { kind: 'transformers', modelId: 'a/b' });
    const serve = loadServeSettings({ MINIONS_PORT: '8000', MINIONS_HOST: '127.0.0.2', MINIONS_MAX_QUEUE: '7' }, { port: '9000' });
    assert.deepEqual([serve.port, serve.host, serve.maxQueue, serve.logLevel, serve.token], [9000, '127.0.0.2', 7, 'info', undefined]);
    assert.equal(loadServeSettings({}, {}).port, 7337);
    assert.equal(loadServeSettings({ MINIONS_CONCURRENCY: '3' }, { concurrency: '2' }).concurrency, 2);
    assert.equal(loadServeSettings({ MINIONS_LOG_LEVEL: 'debug' }, {}).logLevel, 'debug');
    assert.equal(loadAgentSettings({ MINIONS_MODEL: 'env-model' }, loadConfig(base)).model, 'env-model');
    assert.equal(loadAgentSettings({ MINIONS_MODEL: 'env-model' }, loadConfig(base), { model: 'option-model' }).model, 'option-model');
    assert.equal(loadAgentSettings({}, loadConfig(base)).model, 'qwen2.5-coder:7b');
    assert.equal(loadAgentSettings({}, loadConfig(base)).numCtx, undefined, "without a setting num_ctx comes from the Modelfile or the model");
    assert.equal(loadAgentSettings({ MINIONS_NUM_CTX: '8192' }, loadConfig(base)).numCtx, 8192);
    assert.equal(loadAgentSettings({ MINIONS_NUM_CTX: '8192' }, loadConfig(base), { numCtx: '16384' }).numCtx, 16_384);
    assert.throws(() => loadAgentSettings({ MINIONS_NUM_CTX: '100' }, loadConfig(base)), /The context length must be an integer from 512 to 1048576, not "100" \(--num-ctx or MINIONS_NUM_CTX\)/);
  });

  it('treats an empty environment variable as unset', () => {
    assert.equal(loadConfig({ ...base, MINIONS_THREADS: '' }).threads, undefined);
    assert.equal(loadServeSettings({ MINIONS_PORT: '' }, {}).port, 7337);
    assert.equal(loadConfig({ ...base, MINIONS_PRIVACY: '' }).privacy, true);
  });

  it('says what each range is and where to set it', () => {
    const message = (run: () => unknown): string => {
      try {
        run();
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    assert.equal(message(() => loadConfig({ ...base, MINIONS_THREADS: 'x' })), 'Threads must be an integer from 1 to 64, not "x" (--threads or MINIONS_THREADS).');
    assert.equal(message(() => loadConfig(base, { threads: '65' })), 'Threads must be an integer from 1 to 64, not "65" (--threads or MINIONS_THREADS).');
    assert.equal(message(() => loadConfig(base, { threads: '' })), 'Threads must be an integer from 1 to 64, not "" (--threads or MINIONS_THREADS).');
    assert.equal(message(() => loadServeSettings({}, { port: '70000' })), 'The port must be an integer from 0 to 65535, not "70000" (--port or MINIONS_PORT).');
    assert.equal(message(() => loadServeSettings({ MINIONS_CONCURRENCY: '0' }, {})), 'Concurrency must be an integer from 1 to 64, not "0" (--concurrency or MINIONS_CONCURRENCY).');
    assert.equal(message(() => loadServeSettings({}, { 'max-queue': '1.5' })), 'The queue length must be an integer from 1 to 100000, not "1.5" (--max-queue or MINIONS_MAX_QUEUE).');
    assert.equal(message(() => loadServeSettings({ MINIONS_RATE_LIMIT: '-1' }, {})), 'The rate limit must be an integer from 0 to 1000000, not "-1" (--rate-limit or MINIONS_RATE_LIMIT).');
    assert.equal(message(() => loadServeSettings({ MINIONS_LOG_LEVEL: 'loud' }, {})), 'The log level must be one of fatal, error, warn, info, debug, trace, silent, not "loud" (MINIONS_LOG_LEVEL).');
    assert.equal(message(() => loadConfig({ ...base, MINIONS_PRIVACY: 'maybe' })), 'MINIONS_PRIVACY must be 1 or 0, not "maybe".');
    assert.equal(message(() => loadConfig({ ...base, MINIONS_ALLOW_NETWORK_COMMANDS: '2' })), 'MINIONS_ALLOW_NETWORK_COMMANDS must be 1 or 0, not "2".');
  });

  it('batches query embeddings by 32 unless MINIONS_QUERY_BATCH says otherwise (1: no batching)', () => {
    assert.equal(loadConfig(base).queryBatch, 32);
    assert.equal(loadConfig({ ...base, MINIONS_QUERY_BATCH: '1' }).queryBatch, 1);
    assert.throws(() => loadConfig({ ...base, MINIONS_QUERY_BATCH: '0' }), /The query batch must be an integer from 1 to 256, not "0" \(MINIONS_QUERY_BATCH\)/);
  });

  it("bounds LanceDB's caches to 64 MiB unless MINIONS_STORE_CACHE_MB says otherwise", () => {
    assert.equal(loadConfig(base).storeCacheMb, 64);
    assert.equal(loadConfig({ ...base, MINIONS_STORE_CACHE_MB: '512' }).storeCacheMb, 512);
    assert.throws(() => loadConfig({ ...base, MINIONS_STORE_CACHE_MB: '4' }), /The store cache must be an integer from 8 to 65536, not "4" \(MINIONS_STORE_CACHE_MB\)/);
  });

  it("reads the agent's temperature as a number, option over variable, unset by default", () => {
    const config = loadConfig(base);
    assert.equal(loadAgentSettings(base, config).temperature, undefined);
    assert.equal(loadAgentSettings({ ...base, MINIONS_TEMPERATURE: '0.3' }, config).temperature, 0.3);
    assert.equal(loadAgentSettings({ ...base, MINIONS_TEMPERATURE: '0.3' }, config, { temperature: '0' }).temperature, 0);
    assert.throws(() => loadAgentSettings({ ...base, MINIONS_TEMPERATURE: 'warm' }, config), { code: 'invalid-argument', message: 'The temperature must be a number from 0 to 2, not "warm" (--temperature or MINIONS_TEMPERATURE).' });
    assert.throws(() => readSetting('temperature', {}, { temperature: '2.5' }), /must be a number from 0 to 2, not "2\.5"/);
  });

  it('parses flags one way: 1/true/yes/on and 0/false/no/off, in any case', () => {
    for (const text of ['1', 'true', 'YES', 'On']) assert.equal(parseFlag(text, 'X'), true);
    for (const text of ['0', 'False', 'no', 'OFF']) assert.equal(parseFlag(text, 'X'), false);
    assert.equal(readSetting('allowNetworkCommands', { MINIONS_ALLOW_NETWORK_COMMANDS: 'yes' }), true);
  });

  it('names an environment variable and a label for every setting, and the default the schema holds', () => {
    for (const [name, schema] of Object.entries(Settings.properties)) {
      assert.equal(typeof schema.env, 'string', name);
      assert.equal(typeof schema.label, 'string', name);
      if ('default' in schema) assert.equal(readSetting(name as keyof typeof Settings.properties, {}), schema.default, name);
    }
  });

  it('defaults and normalises OLLAMA_HOST once, for the embedder and the agent alike', () => {
    assert.equal(loadOllamaHost({}), 'http://127.0.0.1:11434');
    assert.equal(loadOllamaHost({ OLLAMA_HOST: '' }), 'http://127.0.0.1:11434');
    assert.equal(loadOllamaHost({ OLLAMA_HOST: 'https://gpu.lan:443' }), 'https://gpu.lan');
    // As the ollama CLI reads it: no scheme means http, no port means 11434.
    assert.equal(loadOllamaHost({ OLLAMA_HOST: 'gpu.lan' }), 'http://gpu.lan:11434');
    assert.equal(loadOllamaHost({ OLLAMA_HOST: '127.0.0.1:11434' }, 'localhost:9999'), 'http://localhost:9999');
    const env = { ...base, OLLAMA_HOST: '127.0.0.1:11500', MINIONS_EMBEDDER: 'ollama:nomic-embed-text' };
    const config = loadConfig(env);
    assert.deepEqual(config.embedder, { kind: 'ollama', model: 'nomic-embed-text', host: 'http://127.0.0.1:11500' });
    assert.equal(loadAgentSettings(env, config).ollamaHost, 'http://127.0.0.1:11500');
    const unset = loadConfig({ ...base, MINIONS_EMBEDDER: 'ollama:nomic-embed-text' });
    assert.equal(unset.embedder.kind === 'ollama' ? unset.embedder.host : '', loadAgentSettings(base, unset).ollamaHost);
  });
});
