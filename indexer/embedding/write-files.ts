// Writes a converted model's files into a folder, each fsynced: shared by the in-process
// conversion (convert-minilm.ts) and the int8 conversion's own process (convert-process.ts).
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The contents of a converted model folder, by relative path. */
export type ModelFiles = Map<string, Uint8Array | string>;

/** Writes every file; flushed before the caller renames the folder into place, so a crash cannot leave a complete-looking folder with empty files. */
export async function writeModelFiles(folder: string, files: ModelFiles, signal?: AbortSignal): Promise<void> {
  for (const [relative, content] of files) {
    signal?.throwIfAborted();
    const path = join(folder, relative);
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(path, 'w');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
