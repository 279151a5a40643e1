// Reading a suite file: JSON checked against the `EvalSuite` schema, with errors that
// name the file and the field, and the checks a schema cannot say (unique task ids,
// verification files that exist and stay inside the suite's folder).
import { access, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, normalize, resolve, sep } from 'node:path';
import { EvalSuite, MinionsError } from '../../schemas/index.js';
import { checkRequest } from '../validation.js';

/** A suite as loaded: its tasks, and the folder its relative paths start from. */
export interface LoadedSuite {
  suite: EvalSuite;
  /** The suite file's absolute path. */
  file: string;
  /** The folder holding the suite file (verification files and local repositories are relative to it). */
  folder: string;
}

/** Reads and checks a suite file; any problem is one `invalid-argument` (or `not-found`) naming it. */
export async function loadSuite(path: string): Promise<LoadedSuite> {
  const file = resolve(path);
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new MinionsError('not-found', `Cannot read the suite ${file}: ${(error as Error).message}`, { cause: error });
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MinionsError('invalid-argument', `The suite ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  try {
    checkRequest(EvalSuite, value, 'suite');
  } catch (error) {
    throw new MinionsError('invalid-argument', `The suite ${file} is malformed: ${(error as Error).message.replace(/^Invalid suite: /, '')}`, { cause: error });
  }
  const folder = dirname(file);
  await checkTasks(value, folder, file);
  return { suite: value, file, folder };
}

/** A relative path of the suite that must not leave its folder. */
export function suitePath(folder: string, path: string, where: string): string {
  const normalized = normalize(path);
  if (isAbsolute(path) || normalized === '..' || normalized.startsWith(`..${sep}`)) {
    throw new MinionsError('invalid-argument', `${where}: "${path}" must be a path relative to the suite's folder, inside it.`);
  }
  return resolve(folder, normalized);
}

async function checkTasks(suite: EvalSuite, folder: string, file: string): Promise<void> {
  const seen = new Set<string>();
  for (const task of suite.tasks) {
    if (seen.has(task.id)) throw new MinionsError('invalid-argument', `The suite ${file} has two tasks with the id "${task.id}".`);
    seen.add(task.id);
    for (const [target, source] of Object.entries(task.verify.files)) {
      suitePath('/', target, `task ${task.id}: verify.files`);
      const from = suitePath(folder, source, `task ${task.id}: verify.files["${target}"]`);
      await access(from).catch(() => {
        throw new MinionsError('invalid-argument', `task ${task.id}: the verification file ${source} does not exist (next to ${file}).`);
      });
    }
    if ('folder' in task.repo) suitePath(folder, task.repo.folder, `task ${task.id}: repo.folder`);
  }
}
