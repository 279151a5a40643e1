import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Chunk, SkippedFile } from '../../schemas/index.js';
import { runCli as run } from './cli-run.js';

describe('minions chunks', () => {
  let repo = '';
  before(async () => {
    repo = await mkdtemp(join(tmpdir(), 'minions-cli-'));
    await mkdir(join(repo, 'src'), { recursive: true });
    await mkdir(join(repo, 'build'), { recursive: true });
    await writeFile(join(repo, '.gitignore'), 'build/\n');
    await writeFile(join(repo, 'src', 'ledger.py'), 'class Ledger:\n    def settle(self):\n        return 1\n');
    await writeFile(join(repo, 'src', 'main.go'), 'package main\n\nfunc main() {}\n');
    await writeFile(join(repo, 'build', 'out.js'), 'function ignored() {}\n');
    await writeFile(join(repo, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]));
    await symlink(tmpdir(), join(repo, 'outside'));
  });
  after(() => rm(repo, { recursive: true, force: true }));

  it('prints the chunks of a folder as JSON, with skipped files and their reasons', async () => {
    const { code, stdout } = await run(['chunks', '.', '--json'], repo);
    assert.equal(code, 0);
    const output = JSON.parse(stdout) as { chunks: Chunk[]; skipped: SkippedFile[] };
    const symbols = output.chunks.filter((chunk) => chunk.kind !== 'module').map((chunk) => `${chunk.path}:${chunk.kind}:${chunk.qualifiedName}`);
    assert.deepEqual(symbols, ['.gitignore:block:.gitignore', 'src/ledger.py:class:Ledger', 'src/ledger.py:method:Ledger.settle', 'src/main.go:function:main']);
    assert.ok(!output.chunks.some((chunk) => chunk.path.startsWith('build/')), '.gitignore is respected');
    const reasons = Object.fromEntries(output.skipped.map((file) => [file.path, file.reason]));
    assert.equal(reasons['logo.png'], 'binary');
    assert.equal(reasons['outside'], 'symlink');
  });

  it('prints a readable summary by default', async () => {
    const { code, stdout } = await run(['chunks', 'src'], repo);
    assert.equal(code, 0);
    assert.match(stdout, /^ledger\.py {2}python {2}2 chunks$/m);
    assert.match(stdout, /^ {2}2-3 +method +Ledger\.settle$/m);
    assert.match(stdout, /2 files, \d+ chunks, 0 skipped/);
  });

  it('chunks a single file', async () => {
    const { code, stdout } = await run(['chunks', 'src/main.go', '--json'], repo);
    assert.equal(code, 0);
    const output = JSON.parse(stdout) as { chunks: Chunk[] };
    assert.deepEqual(output.chunks.map((chunk) => [chunk.path, chunk.kind, chunk.name]), [['main.go', 'module', 'main.go'], ['main.go', 'function', 'main']]);
  });

  it('reports a missing path and bad usage clearly', async () => {
    const missing = await run(['chunks', 'nope'], repo);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^minions: No file or folder at .*nope\.\n$/);
    const usage = await run(['chunks'], repo);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /Usage: minions chunks/);
    const unknownFlag = await run(['chunks', '.', '--bogus'], repo);
    assert.equal(unknownFlag.code, 2);
    const badBudget = await run(['chunks', '.', '--max-tokens', 'ten'], repo);
    assert.equal(badBudget.code, 2);
    const unknownCommand = await run(['frobnicate'], repo);
    assert.equal(unknownCommand.code, 2);
  });
});
