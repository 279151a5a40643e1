// Issue 14, item 11: `minions index` printed stack traces for a full disk, LanceDB commit
// conflicts and damaged tables; each is one line with what to do now.
import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { explainFailure } from '../../server/cli/failures.js';

/** A real ENOSPC from the kernel: /dev/full refuses every write with it. */
async function realDiskFull(): Promise<unknown> {
  const handle = await open('/dev/full', 'w');
  try {
    await handle.write('x');
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await handle.close();
  }
}

describe('one-line failures of the CLI', () => {
  it('explains a full disk, also when LanceDB wraps it in its own error', async () => {
    const full = await realDiskFull();
    assert.equal((full as { code?: string }).code, 'ENOSPC');
    const explained = explainFailure(full);
    assert.equal(explained?.code, 'insufficient-storage');
    assert.match(explained?.message ?? '', /^The disk is full \(ENOSPC: no space left on device, write\)\. Free some space/);
    assert.doesNotMatch(explained?.message ?? '', /\n/);
    const wrapped = explainFailure(new Error('lance error: LanceError(IO): Generic LocalFileSystem error: Unable to write: No space left on device (os error 28)\n    at stack'));
    assert.equal(wrapped?.code, 'insufficient-storage', 'the disk is named before a damaged table');
    assert.equal(explainFailure(new Error('write failed', { cause: full }))?.code, 'insufficient-storage');
  });

  it('explains a LanceDB commit conflict and a damaged table, each with its fix', () => {
    const conflict = explainFailure(new Error('Commit conflict for version 7: This Append transaction is incompatible with concurrent transaction Delete at version 7.\nstack...'));
    assert.equal(conflict?.code, 'conflict');
    assert.match(conflict?.message ?? '', /Another process wrote the same index at the same time .* one `minions index`, `watch` or `serve` per repository/);
    const damaged = explainFailure(new Error('lance error: LanceError(IO): Invalid range 0..1857 for object of size 7 bytes'));
    assert.equal(damaged?.code, 'index-corrupt');
    assert.match(damaged?.message ?? '', /Rebuild it with `minions index <repo> --rebuild`/);
  });

  it('leaves anything else to the stack trace: it is a bug', () => {
    assert.equal(explainFailure(new TypeError("Cannot read properties of undefined (reading 'x')")), undefined);
  });
});
