// Drives the web UI in Debian's chromium (never a downloaded browser) against a real
// server: buildApp with the real agent (createRunner) on the scripted Ollama, listening
// on a free port of 127.0.0.1, serving a UI bundle built for the test.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createRunner, loadAgentSettings } from '../../server/agent-wiring.js';
import { loadConfig } from '../../server/config.js';
import type { App } from '../../server/http/context.js';
import { calculatorFiles, makeRepo, startAgentOllama, toolModel, type FixtureRepo } from '../agent/agent-fixtures.js';
import { GatedEmbedder, ServerFixture } from '../server/http/server-fixture.js';
import type { ChatReply, ChatScript, ScriptedOllama } from '../support/scripted-ollama.js';

/** The chromium the tests drive: MINIONS_CHROMIUM, else Debian's package. */
export const chromiumPath = process.env.MINIONS_CHROMIUM ?? '/usr/bin/chromium';

let bundle: string | undefined;

/** Builds the UI bundle once per process, with the same script as `npm run build`, into a temporary folder. */
export async function uiBundle(): Promise<string> {
  if (bundle === undefined) {
    const folder = join(await mkdtemp(join(tmpdir(), 'minions-ui-')), 'ui');
    execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'build-ui.mjs'), folder], { stdio: ['ignore', 'ignore', 'inherit'] });
    bundle = folder;
  }
  return bundle;
}

/** Starts chromium headless, or fails saying how to install it. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`The UI tests drive Debian's chromium, and there is none at ${chromiumPath}: install it (apt-get install chromium) or point MINIONS_CHROMIUM at a chromium binary.`);
  }
  // --no-sandbox: the tests run as root in CI, where chromium's own sandbox refuses to start.
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
}

/** The chat of a task that fixes `add` in the calculator fixture: search, edit, finish. */
export const fixAddChat: readonly ChatReply[] = [
  { toolCalls: [{ name: 'search_code', arguments: { query: 'add two numbers' } }] },
  { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } }] },
  { toolCalls: [{ name: 'finish', arguments: { summary: 'add() adds.' } }] },
];

/** A running server with the UI, its data, repository and scripted Ollama. */
export interface UiServer {
  url: string;
  app: App;
  repo: FixtureRepo;
  ollama: ScriptedOllama;
  fixture: ServerFixture;
  /** With `gateEmbedding`: the embedder that holds every call until `open()`. */
  gate: GatedEmbedder | undefined;
  close(): Promise<void>;
}

/** Starts a server with the real agent on the scripted Ollama and the UI, listening on 127.0.0.1. */
export async function startUiServer(options: { token?: string; chat?: ChatScript; gateEmbedding?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<UiServer> {
  const ollama = await startAgentOllama(options.chat ?? fixAddChat);
  const repo = await makeRepo(calculatorFiles);
  const fixture = await ServerFixture.create();
  const gate = options.gateEmbedding ? new GatedEmbedder(fixture.embedder) : undefined;
  const index = gate ? await fixture.openIndex(async () => gate) : fixture.index;
  const env = { OLLAMA_HOST: ollama.host, MINIONS_MODEL: toolModel, PATH: process.env.PATH, ...options.env };
  const config = loadConfig({ MINIONS_DATA_DIR: fixture.dataDir, MINIONS_ALLOW_NETWORK_COMMANDS: '1' });
  const runner = createRunner(loadAgentSettings(env, config), index, env);
  const app = await fixture.build({ index, runner, uiDir: await uiBundle(), ...(options.token ? { token: options.token } : {}) });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: address,
    app,
    repo,
    ollama,
    fixture,
    gate,
    async close() {
      gate?.open();
      await fixture.dispose();
      await repo.dispose();
      await ollama.close();
    },
  };
}

/** Records what a page asked the network for and what it complained about in its console. */
export function watchPage(page: Page): { urls: string[]; authorization: (string | undefined)[]; lastEventIds: (string | undefined)[]; problems: string[] } {
  const seen = { urls: [] as string[], authorization: [] as (string | undefined)[], lastEventIds: [] as (string | undefined)[], problems: [] as string[] };
  page.on('request', (request) => {
    seen.urls.push(request.url());
    seen.authorization.push(request.headers()['authorization']);
    seen.lastEventIds.push(request.headers()['last-event-id']);
  });
  page.on('console', (message) => {
    // A 401 before the token is given is expected; anything else (a CSP violation, an exception) is a problem.
    if (message.type() === 'error' && !/status of 401/.test(message.text())) seen.problems.push(message.text());
  });
  page.on('pageerror', (error) => seen.problems.push(error.message));
  return seen;
}

/**
 * Run in the page (as text: this file is typed for Node, not the DOM): the accessible name
 * of each element a keyboard or a screen reader reaches (aria-labelledby, aria-label,
 * the labels of a form field, else its text or title), and the caption of each table.
 */
const unnamedScript = `(() => {
  const textOf = (ids) => ids.split(/\\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
  const isField = (element) => ['INPUT', 'SELECT', 'TEXTAREA'].includes(element.tagName);
  const nameOf = (element) => {
    const labelledBy = element.getAttribute('aria-labelledby');
    if (labelledBy) return textOf(labelledBy).trim();
    const label = element.getAttribute('aria-label');
    if (label) return label.trim();
    if (isField(element)) return [...(element.labels ?? [])].map((item) => item.textContent ?? '').join(' ').trim();
    if (element.tagName === 'TABLE') return (element.querySelector('caption')?.textContent ?? '').trim();
    return (element.textContent ?? '').trim() || (element.getAttribute('title') ?? '');
  };
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex], [role="region"], nav, form[aria-label], form[aria-labelledby], table, progress';
  return [...document.querySelectorAll(selector)]
    .filter((element) => element.id !== 'main')
    .filter((element) => nameOf(element) === '')
    .map((element) => element.outerHTML.slice(0, 160));
})()`;

/** Elements a keyboard or a screen reader reaches without a name, and form fields without a label: what an accessibility checker flags first. */
export async function unnamedElements(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(unnamedScript);
}
