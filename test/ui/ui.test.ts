// The web UI in a real browser (Debian's chromium through playwright-core) against a
// real server, the real agent and the scripted Ollama: register, search, submit a task,
// watch it finish, read its diff and PR title; the token prompt; an accessibility smoke check.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { TaskResult } from '../../schemas/index.js';
import { fixAddChat, launchBrowser, startUiServer, unnamedElements, watchPage } from './ui-harness.js';

const token = 'ui-test-token-5f2c';

/** Gives the token prompt the token, once it shows. */
async function giveToken(page: Page, value: string): Promise<void> {
  await page.getByRole('heading', { name: 'This server needs a token' }).waitFor();
  await page.getByLabel('Token', { exact: true }).fill(value);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** Follows a link of the main navigation. */
async function go(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
}

/** Registers the repository through the form and waits until its row says ready. */
async function register(page: Page, root: string): Promise<void> {
  await page.getByLabel('Repository path').fill(root);
  await page.getByRole('button', { name: 'Register' }).click();
  await page.getByRole('row', { name: new RegExp(root) }).getByText('ready', { exact: true }).waitFor();
}

describe('the web UI in chromium', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('registers a repository, searches it, runs a task live and shows its diff and PR title, all with the token', async () => {
    const server = await startUiServer({ token });
    const page = await browser.newPage();
    const seen = watchPage(page);
    try {
      await page.goto(server.url);
      await giveToken(page, token);
      await page.getByRole('heading', { name: 'Repositories' }).waitFor();
      await register(page, server.repo.root);
      const row = page.getByRole('row', { name: new RegExp(server.repo.root) });
      assert.match(await row.innerText(), /ready\s+\d+\s+\d+/, 'files and chunks are shown');
      assert.deepEqual(await unnamedElements(page), [], 'repositories page: every control has a name');

      await go(page, 'Search');
      await page.getByLabel('Query').fill('add two numbers');
      await page.getByRole('button', { name: 'Search' }).click();
      const first = page.locator('.result').first();
      await first.waitFor();
      assert.match(await first.innerText(), /src\/math\.js, lines \d+–\d+/);
      assert.match(await first.locator('pre').innerText(), /function add/);
      assert.deepEqual(await unnamedElements(page), [], 'search page: every control has a name');

      await go(page, 'Tasks');
      await page.getByLabel('Task', { exact: true }).fill('Fix add in src/math.js: it subtracts');
      await page.getByRole('button', { name: 'Submit task' }).click();
      await page.waitForURL(/#\/tasks\/[A-Za-z0-9-]+$/);
      const id = decodeURIComponent(new URL(page.url()).hash.split('/').at(-1) ?? '');
      await page.getByRole('status').getByText('Task succeeded.').waitFor({ timeout: 120_000 });
      const result = (await server.app.inject({ url: `/v1/tasks/${id}/result`, headers: { authorization: `Bearer ${token}` } })).json<TaskResult>();
      assert.equal(await page.locator('.pr-title').innerText(), result.prTitle);
      assert.ok(result.prTitle.length > 0);
      const diff = await page.getByRole('region', { name: 'Diff of the result' }).innerText();
      assert.match(diff, /src\/math\.js/);
      assert.match(diff, /^- {2}return a - b;$/m);
      assert.match(diff, /^\+ {2}return a \+ b;$/m);
      assert.equal(await page.locator('#result-branch').innerText(), result.branch);
      const timeline = await page.locator('.timeline').innerText();
      assert.match(timeline, /implement agentic ok/i, "the blueprint's nodes");
      assert.match(timeline, /model coder:7b: [\d,]+ tokens in, \d+ out, \d+ ms/i, 'model calls with tokens and latency');
      assert.match(timeline, /tool edit_file ok/i, 'tool calls');
      assert.match(timeline, /command npm test: exit 0/i, 'commands with their exit');
      assert.match(timeline, /check test: passed/i, 'the checks');
      assert.deepEqual(await unnamedElements(page), [], 'task page: every control has a name');

      await go(page, 'Tasks');
      await page.getByRole('link', { name: /Fix add in src\/math\.js/ }).waitFor();
      await page.getByLabel('Status').selectOption('failed');
      await page.getByText('No task matches.').waitFor();
      assert.deepEqual(await unnamedElements(page), [], 'tasks page: every control has a name');

      await go(page, 'Stats');
      const stats = page.getByRole('table', { name: 'Tasks and model calls per model and blueprint' });
      const group = stats.getByRole('row', { name: /coder:7b/ });
      await group.waitFor();
      assert.match(await group.innerText(), /^coder:7b\s+default\s+1\s+1\s+0\s+100%\s+0\.00\s+[\d,]+ \/ [\d,]+\s+\d+\s+[\d.]+ m?s \/ [\d.]+ m?s\s+[\d.]+ m?s \/ [\d.]+ m?s\s+—$/);
      assert.match(await stats.getByRole('row', { name: /^All/ }).innerText(), /^All\s+1\s+1\s+0\s+100%/);
      assert.deepEqual(await unnamedElements(page), [], 'stats page: every control has a name');

      const origin = new URL(server.url).origin;
      assert.deepEqual(seen.urls.filter((url) => !url.startsWith(origin)), [], 'nothing is fetched from elsewhere');
      assert.deepEqual(seen.urls.filter((url) => url.includes(token)), [], 'the token is never in a URL');
      assert.ok(seen.urls.some((url) => url.endsWith(`/v1/tasks/${id}/events`)), 'the task page reads the event stream');
      const apiCalls = seen.urls.map((url, index) => ({ url, authorization: seen.authorization[index] })).filter((call) => new URL(call.url).pathname.startsWith('/v1/'));
      assert.ok(apiCalls.slice(1).every((call) => call.authorization === `Bearer ${token}`), 'every API call after the prompt sends the token');
      assert.deepEqual(seen.problems, []);
    } finally {
      await page.close();
      await server.close();
    }
  });

  it('asks for the token once, asks again when it is refused, and keeps it for the tab only', async () => {
    const server = await startUiServer({ token });
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const response = await page.goto(server.url);
      assert.equal(response?.status(), 200, 'the page itself needs no token');
      assert.match(response?.headers()['content-security-policy'] ?? '', /default-src 'self'/);
      await giveToken(page, 'not-the-token');
      await page.getByRole('alert').getByText('The token given was refused.').waitFor();
      assert.deepEqual(await unnamedElements(page), [], 'token prompt: the field is labelled');
      await giveToken(page, token);
      await page.getByText('No repository is registered yet.').waitFor();
      await page.reload();
      await page.getByText('No repository is registered yet.').waitFor();
      assert.equal(await page.getByLabel('Token', { exact: true }).count(), 0, 'not asked again in the same tab');
      const other = await browser.newContext();
      const fresh = await other.newPage();
      await fresh.goto(server.url);
      await fresh.getByRole('heading', { name: 'This server needs a token' }).waitFor();
      await other.close();
    } finally {
      await context.close();
      await server.close();
    }
  });

  it('cancels a running task from its page, and is operable from the keyboard', async () => {
    const server = await startUiServer();
    // The model never answers: the task stays running until it is cancelled.
    server.ollama.setDelay('/api/chat', Number.POSITIVE_INFINITY);
    const page = await browser.newPage();
    const seen = watchPage(page);
    try {
      await page.goto(server.url);
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to content', 'the skip link comes first');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate('document.activeElement.textContent'), 'Repositories');
      assert.equal(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle'), 'solid', 'focus is visible');
      await register(page, server.repo.root);
      await go(page, 'Tasks');
      await page.getByLabel('Task', { exact: true }).fill('Fix add');
      await page.getByLabel('Task', { exact: true }).press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForURL(/#\/tasks\//);
      await server.ollama.waitForRequest('/api/chat');
      await page.getByRole('status').getByText(/Running: /).waitFor();
      await page.getByRole('button', { name: 'Cancel task' }).click();
      await page.getByRole('status').getByText('Task cancelled.').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Cancel task' }).count(), 0);
      assert.deepEqual(seen.problems, []);
    } finally {
      await page.close();
      await server.close();
    }
  });

  it('shows the changes as they are made, and resumes a dropped event stream with Last-Event-ID, each event once', async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The last model turn (after the edit) waits for the gate, so the stream can be cut while the task runs.
    const server = await startUiServer({ chat: async (_request, turn) => (turn === 2 ? gate.then(() => fixAddChat[2]!) : fixAddChat[turn]!) });
    const page = await browser.newPage();
    const seen = watchPage(page);
    try {
      await page.goto(server.url);
      await register(page, server.repo.root);
      await go(page, 'Tasks');
      await page.getByLabel('Task', { exact: true }).fill('Fix add in src/math.js: it subtracts');
      await page.getByRole('button', { name: 'Submit task' }).click();
      await server.ollama.waitForRequest('/api/chat', 3);
      await page.getByRole('status').getByText(/Running: implement/).waitFor();
      const changes = page.getByRole('region', { name: 'Changes so far', exact: true });
      await changes.getByText('+  return a + b;').waitFor();
      assert.match(await changes.innerText(), /^- {2}return a - b;$/m, 'the edit shows while the task runs');
      const streams = [...server.app.minions.streams];
      assert.equal(streams.length, 1, 'the page reads one event stream');
      for (const finish of streams) finish();
      release();
      await page.getByRole('status').getByText('Task succeeded.').waitFor({ timeout: 120_000 });
      const resumed = seen.urls.map((url, index) => ({ url, lastEventId: seen.lastEventIds[index] })).filter((request) => /\/v1\/tasks\/[^/]+\/events$/.test(request.url));
      assert.equal(resumed.length, 2, 'reconnected once');
      assert.equal(resumed[0]?.lastEventId, undefined);
      assert.match(resumed[1]?.lastEventId ?? '', /^[1-9]\d*$/);
      const nodes = await page.locator('.timeline > li h3').allTextContents();
      assert.equal(nodes.filter((text) => text.startsWith('implement ')).length, 1, `each node once: ${nodes.join(' | ')}`);
      assert.equal(await page.locator('.activity.model').count(), 3, 'each model call once');
    } finally {
      release();
      await page.close();
      await server.close();
    }
  });

  it("shows a repository's indexing progress live, then its files and chunks, and removes it", async () => {
    const server = await startUiServer({ gateEmbedding: true });
    const page = await browser.newPage();
    try {
      await page.goto(server.url);
      await page.getByLabel('Repository path').fill(server.repo.root);
      await page.getByRole('button', { name: 'Register' }).click();
      await server.gate?.waiting();
      const progress = page.getByRole('progressbar', { name: new RegExp(`Indexing ${server.repo.root}`) });
      await progress.waitFor();
      assert.deepEqual(await unnamedElements(page), [], 'the progress bar is named');
      server.gate?.open();
      const row = page.getByRole('row', { name: new RegExp(server.repo.root) });
      await row.getByText('ready', { exact: true }).waitFor();
      assert.equal(await progress.count(), 0, 'the bar goes once indexed, without a reload');
      assert.match(await row.innerText(), /ready\s+5\s+\d+/, 'files and chunks');
      await page.getByRole('button', { name: `Remove ${server.repo.root}` }).click();
      await page.getByText('No repository is registered yet.').waitFor();
      assert.match(await page.locator('.announce').innerText(), /Removed .*Its index stays on disk\./);
    } finally {
      await page.close();
      await server.close();
    }
  });

  it('follows up a finished task on its branch from its page, and links the two runs', async () => {
    const documentMultiply = { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: 'export function multiply', replace: '/** Multiplies two numbers. */\nexport function multiply' } }] };
    const server = await startUiServer({ chat: [...fixAddChat, documentMultiply, { toolCalls: [{ name: 'finish', arguments: { summary: 'multiply() is documented.' } }] }] });
    const page = await browser.newPage();
    const seen = watchPage(page);
    try {
      await page.goto(server.url);
      await register(page, server.repo.root);
      await go(page, 'Tasks');
      await page.getByLabel('Task', { exact: true }).fill('Fix add in src/math.js: it subtracts');
      await page.getByRole('button', { name: 'Submit task' }).click();
      await page.waitForURL(/#\/tasks\/[A-Za-z0-9-]+$/);
      const first = page.url();
      await page.getByRole('status').getByText('Task succeeded.').waitFor({ timeout: 120_000 });
      await page.getByLabel('More to do').fill('Document multiply');
      await page.getByRole('button', { name: 'Submit follow-up' }).click();
      await page.waitForURL((url) => url.toString() !== first && /#\/tasks\//.test(url.toString()));
      await page.getByRole('status').getByText('Task succeeded.').waitFor({ timeout: 120_000 });
      const diff = await page.getByRole('region', { name: 'Diff of the result' }).innerText();
      assert.match(diff, /^\+\/\*\* Multiplies two numbers\. \*\/$/m, "the follow-up's own change");
      await page.getByRole('navigation', { name: 'Linked runs' }).getByRole('link', { name: 'the earlier run' }).click();
      await page.waitForURL(first);
      await page.getByRole('navigation', { name: 'Linked runs' }).getByRole('link', { name: 'Follow-up 1' }).waitFor();
      assert.deepEqual(await unnamedElements(page), []);
      assert.deepEqual(seen.problems, []);
    } finally {
      await page.close();
      await server.close();
    }
  });
});
