// Whether a data directory can be used, checked before any work. Apart from data-dir.ts so
// that the CLI's fast paths (help, a query answered by a running server) do not load the
// schemas that MinionsError brings.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MinionsError } from '../schemas/index.js';

/** Why a data directory cannot be used, from the error of the check that failed. */
function unusable(dataDir: string, error: NodeJS.ErrnoException, blocker: string): MinionsError {
  const where = `(--data-dir or MINIONS_DATA_DIR)`;
  switch (error.code) {
    case 'EROFS':
      return new MinionsError('invalid-argument', `The data directory ${dataDir} is on a read-only file system: choose a writable one ${where}.`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new MinionsError('invalid-argument', `The data directory ${dataDir} is not writable by this user (${blocker}): fix its permissions or choose another ${where}.`, { cause: error });
    case 'ENOTDIR':
      return new MinionsError('invalid-argument', `The data directory ${dataDir} cannot be a folder: ${blocker} is a file. Choose another ${where}.`, { cause: error });
    default:
      return new MinionsError('invalid-argument', `The data directory ${dataDir} cannot be used (${error.code ?? error.message}): choose another ${where}.`, { cause: error });
  }
}

/**
 * Checks, before any work, that the data directory can hold the index, models, locks and
 * task logs: a folder (or one that can be made) this user can write, not on a read-only
 * mount. A file in its place, missing permissions or a read-only file system is one
 * `invalid-argument` line naming the cause, instead of an error deep in LanceDB or a lock.
 */
export async function checkDataDirectory(dataDir: string): Promise<void> {
  // The folder itself, or the nearest existing folder above it, where it would be made.
  let existing = dataDir;
  for (;;) {
    const info = await stat(existing).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' || error.code === 'ENOTDIR' ? undefined : Promise.reject(unusable(dataDir, error, existing))));
    if (info !== undefined) {
      if (!info.isDirectory()) throw unusable(dataDir, Object.assign(new Error('not a folder'), { code: 'ENOTDIR' }), existing);
      break;
    }
    const parent = dirname(existing);
    if (parent === existing) return;
    existing = parent;
  }
  await access(existing, constants.W_OK | constants.X_OK).catch((error: NodeJS.ErrnoException) => {
    throw unusable(dataDir, error, existing);
  });
}
