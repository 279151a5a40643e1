// Test support: throwaway repositories in the OS temp directory, removed after each test.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';

/** File contents by relative path; a `{ link }` entry makes a symbolic link with that target text. */
export type TreeSpec = Record<string, string | Uint8Array | { link: string }>;

/** Creates a fresh directory holding `tree`, deleted when the test ends. */
export async function createTempRepository(t: TestContext, tree: TreeSpec = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'minions-files-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await writeTree(root, tree);
  return root;
}

/** Writes files and links under `root`, creating parent directories as needed. */
export async function writeTree(root: string, tree: TreeSpec): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    if (typeof content === 'object' && 'link' in content) await symlink(content.link, target);
    else await writeFile(target, content);
  }
}

/** Drains an async iterable into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
