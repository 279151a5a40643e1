// The Ollama checks of `minions doctor`: reachable (/api/version), the agent's model pulled
// (/api/tags), able to call tools and with enough context (/api/show), and the review model
// when one is configured. The host must pass
// privacy mode's check first: doctor never talks to a host a run would refuse.
import { modelFacts, type ModelFacts, type ShowAnswer } from '../../platform/index.js';
import { checkModelHost, loadOllamaHost, type Config } from '../config.js';
import { readSetting } from '../settings.js';
import { attempt, type DoctorCheck } from './doctor-checks.js';

/** How long each Ollama request may take (a local server answers in milliseconds). */
const requestMs = 5000;
/** Below this context the agent's first prompt, tools and replies do not fit. */
const minimumContext = 8192;

/** The Ollama checks for the configured host and agent model. */
export async function checkOllama(config: Config, env: NodeJS.ProcessEnv, options: { model?: string | undefined }, signal: AbortSignal): Promise<DoctorCheck[]> {
  const model = readSetting('model', env, { model: options.model });
  let host: string;
  try {
    host = loadOllamaHost(env);
    checkModelHost(config, host, 'the agent model, OLLAMA_HOST');
  } catch (error) {
    return [{ name: 'ollama', status: 'fail', detail: error instanceof Error ? error.message : String(error), fix: 'Set OLLAMA_HOST to a local Ollama (default http://127.0.0.1:11434), or list its host in MINIONS_ALLOWED_HOSTS.' }];
  }
  const hostCheck = await attempt('ollama', async () => {
    const version = await getJson<{ version?: string }>(`${host}/api/version`, undefined, signal);
    return { name: 'ollama', status: 'ok', detail: `Ollama ${version.version ?? '(version unknown)'} at ${host}` };
  }, `Start Ollama (\`ollama serve\`, or its service), or point OLLAMA_HOST at it (now ${host}).`);
  if (hostCheck.status !== 'ok') return [hostCheck];
  const pulled = await attempt('model', async () => {
    const tags = await getJson<{ models?: { name?: string }[] }>(`${host}/api/tags`, undefined, signal);
    const names = (tags.models ?? []).flatMap((entry) => entry.name ?? []);
    const found = names.includes(model) || names.includes(`${model}:latest`);
    if (!found) return { name: 'model', status: 'fail', detail: `${model} is not pulled (${names.length} models: ${names.slice(0, 5).join(', ') || 'none'})`, fix: `ollama pull ${model} (or choose a pulled one with --model or MINIONS_MODEL).` };
    return { name: 'model', status: 'ok', detail: `${model} is pulled` };
  }, `ollama pull ${model}`);
  if (pulled.status !== 'ok') return [hostCheck, pulled];
  let facts: ModelFacts | undefined;
  const shown = await attempt('model facts', async () => {
    facts = modelFacts(await getJson<ShowAnswer>(`${host}/api/show`, { model }, signal));
    return { name: 'model facts', status: 'ok', detail: `${model} described` };
  }, `Check that Ollama can read ${model} (ollama show ${model}).`);
  if (facts === undefined) return [hostCheck, pulled, shown];
  const review = await checkReviewModel(host, env, signal);
  return [hostCheck, pulled, toolSupport(model, facts.capabilities), contextSize(model, facts.contextLength), ...(review === undefined ? [] : [review])];
}

/**
 * The reviewer's model when one is configured (MINIONS_REVIEW_MODEL): pulled, on an Ollama
 * that enforces its answer's JSON schema (`format`, 0.5 and later; older ones ignore it and
 * the reviewer's answers are read leniently, or fail).
 */
async function checkReviewModel(host: string, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<DoctorCheck | undefined> {
  const model = readSetting('reviewModel', env);
  if (model === undefined) return undefined;
  return attempt('review model', async () => {
    const [tags, version] = await Promise.all([getJson<{ models?: { name?: string }[] }>(`${host}/api/tags`, undefined, signal), getJson<{ version?: string }>(`${host}/api/version`, undefined, signal)]);
    const names = (tags.models ?? []).flatMap((entry) => entry.name ?? []);
    if (!names.includes(model) && !names.includes(`${model}:latest`)) return { name: 'review model', status: 'fail', detail: `${model} is not pulled`, fix: `ollama pull ${model} (or change MINIONS_REVIEW_MODEL).` };
    const [major = 0, minor = 0] = (version.version ?? '0.0').split('.').map((part) => Number.parseInt(part, 10) || 0);
    if (major === 0 && minor < 5) return { name: 'review model', status: 'warn', detail: `Ollama ${version.version ?? '(version unknown)'} does not enforce the review's JSON schema`, fix: 'Update Ollama to 0.5 or later (structured outputs).' };
    return { name: 'review model', status: 'ok', detail: `${model} is pulled; Ollama enforces the review's JSON schema` };
  }, `ollama pull ${model}`);
}

function toolSupport(model: string, capabilities: readonly string[]): DoctorCheck {
  if (capabilities.includes('tools')) return { name: 'tool calls', status: 'ok', detail: `${model} calls tools` };
  if (capabilities.length === 0) return { name: 'tool calls', status: 'warn', detail: `Ollama does not say whether ${model} calls tools (an older Ollama)`, fix: 'Update Ollama (0.6 or later reports capabilities).' };
  return { name: 'tool calls', status: 'fail', detail: `${model} cannot call tools (${capabilities.join(', ')}): the agent edits through tools`, fix: 'Choose a tool-capable coding model, e.g. ollama pull qwen2.5-coder:7b, with --model or MINIONS_MODEL.' };
}

function contextSize(model: string, contextLength: number | undefined): DoctorCheck {
  if (contextLength === undefined) return { name: 'context', status: 'warn', detail: `Ollama does not report the context of ${model}`, fix: 'Set it with --num-ctx or MINIONS_NUM_CTX.' };
  if (contextLength < minimumContext) {
    return { name: 'context', status: 'warn', detail: `${model} loads ${contextLength} tokens of context; the agent needs about ${minimumContext}`, fix: `Choose a model with a longer context, or raise its num_ctx (PARAMETER num_ctx ${minimumContext * 2} in a Modelfile).` };
  }
  return { name: 'context', status: 'ok', detail: `${model}: ${contextLength} tokens of context (a run uses at most 32768 unless MINIONS_NUM_CTX says more)` };
}

/** GETs (or, with a body, POSTs) JSON; a status other than 200 or no answer in time throws. */
async function getJson<T>(url: string, body: unknown, signal: AbortSignal): Promise<T> {
  const response = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    signal: AbortSignal.any([signal, AbortSignal.timeout(requestMs)]),
  }).catch((error: unknown) => {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    throw new Error(`no answer from ${url} (${cause})`);
  });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return (await response.json()) as T;
}
