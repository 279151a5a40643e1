// The review in the web UI (Debian's chromium against a real server, the real agent and the
// scripted Ollama): a server that reviews every task shows the reviewer's findings on the
// task page and the review in its timeline.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { fixAddChat, launchBrowser, startUiServer, unnamedElements, watchPage } from './ui-harness.js';

describe('the review in the web UI', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it("shows the reviewer's verdict and findings on the task page", async () => {
    const answer = { findings: [{ severity: 'minor', category: 'style', file: 'src/math.js', line: 2, message: 'Name the parameters.' }], summary: 'Fixes add().' };
    const server = await startUiServer({ chat: [...fixAddChat, { content: JSON.stringify(answer) }], env: { MINIONS_REVIEW: '1' } });
    const page = await browser.newPage();
    const seen = watchPage(page);
    try {
      const accepted = (await server.app.inject({ method: 'POST', url: '/v1/repositories', payload: { path: server.repo.root } })).statusCode;
      assert.ok(accepted < 300, `registered (${accepted})`);
      const task = (await server.app.inject({ method: 'POST', url: '/v1/tasks', payload: { repo: server.repo.root, prompt: 'Fix add in src/math.js: it subtracts' } })).json<{ id: string }>();
      await page.goto(`${server.url}#/tasks/${encodeURIComponent(task.id)}`);
      await page.getByRole('status').getByText('Task succeeded.').waitFor({ timeout: 120_000 });
      const review = await page.getByRole('region', { name: 'Review' }).innerText();
      assert.match(review, /coder:7b: no severe findings, [\d.]+ m?s\. Fixes add\(\)\./);
      assert.match(review, /minor style src\/math\.js:2: Name the parameters\./);
      assert.match(await page.locator('.timeline').innerText(), /review: 1 findings, 0 severe \(none\)/);
      assert.deepEqual(await unnamedElements(page), [], 'every control has a name');
      assert.deepEqual(seen.problems, []);
    } finally {
      await page.close();
      await server.close();
    }
  });
});
