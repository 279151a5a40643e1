// `npm run screenshots`: screenshots of each page of the web UI (light, and dark for
// most) into docs/ui/, taken in Debian's chromium against a real server with the real
// agent on the scripted Ollama (the same harness as the UI tests), after registering
// the calculator fixture and running one task and a follow-up on it.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { fixAddChat, launchBrowser, startUiServer } from '../test/ui/ui-harness.js';

const out = join(import.meta.dirname, '..', 'docs', 'ui');
const token = 'screenshot-token';

async function shoot(page: Page, name: string, schemes: readonly ('light' | 'dark')[]): Promise<void> {
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    const file = join(out, `${name}-${scheme}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(file);
  }
}

async function main(): Promise<void> {
  await mkdir(out, { recursive: true });
  // The task fixes add(); its follow-up documents multiply().
  const documentMultiply = { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: 'export function multiply', replace: '/** Multiplies two numbers. */\nexport function multiply' } }] };
  const server = await startUiServer({ token, chat: [...fixAddChat, documentMultiply, { toolCalls: [{ name: 'finish', arguments: { summary: 'multiply() is documented.' } }] }] });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(server.url);
    await page.getByLabel('Token', { exact: true }).waitFor();
    await shoot(page, 'token', ['light']);
    await page.getByLabel('Token', { exact: true }).fill(token);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Repository path').fill(server.repo.root);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByText('ready', { exact: true }).waitFor();
    await shoot(page, 'repositories', ['light', 'dark']);

    await page.goto(`${server.url}/#/search`);
    await page.getByLabel('Query').fill('add two numbers');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.result').first().waitFor();
    await shoot(page, 'search', ['light', 'dark']);

    await page.goto(`${server.url}/#/tasks`);
    await page.getByLabel('Task', { exact: true }).fill('Fix add in src/math.js: it subtracts');
    await page.getByRole('button', { name: 'Submit task' }).click();
    await page.getByRole('status').getByText('Task succeeded.').waitFor({ timeout: 120_000 });
    // Open one model call and one command, to show what the timeline holds.
    await page.locator('details.model summary').first().click();
    await page.locator('details.command summary').first().click();
    await page.getByLabel('More to do').waitFor();
    await shoot(page, 'task', ['light', 'dark']);

    await page.getByLabel('More to do').fill('Document multiply() too');
    await page.getByRole('button', { name: 'Submit follow-up' }).click();
    await page.getByRole('navigation', { name: 'Linked runs' }).waitFor();
    await page.getByRole('status').getByText('Task succeeded.').waitFor({ timeout: 120_000 });
    await shoot(page, 'follow-up', ['light']);

    await page.goto(`${server.url}/#/tasks`);
    await page.getByRole('link', { name: /Fix add in src\/math\.js/ }).waitFor();
    await shoot(page, 'tasks', ['light', 'dark']);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
