// The first prompt a task would start from, assembled on the user's repository itself
// rather than a task's worktree: `minions context` and `POST /v1/context`. Nothing is
// written: the tracked files come from `git ls-files`, files are read through the same
// sandboxed reader as in a worktree (a tracked symlink to outside is refused there too).
import type { ContextResponse } from '../../schemas/index.js';
import type { CodeSearch } from '../tools/tool.js';
import { git, repositoryRoot } from '../workspace/git.js';
import { assembleContext } from './assemble.js';

/** What `previewContext` needs. */
export interface PreviewOptions {
  search: CodeSearch;
  /** The repository (its top folder, as the index knows it). */
  repo: string;
  task: string;
  budget: number;
  signal: AbortSignal;
}

/** The sections, spans and token counts the agent's first prompt would hold for `task` on the repository at its current files. */
export async function previewContext(options: PreviewOptions): Promise<ContextResponse> {
  const root = await repositoryRoot(options.repo, options.signal);
  const tracked = (await git(root, ['ls-files', '-z'], options.signal)).split('\0').filter((path) => path !== '');
  const assembled = await assembleContext({ search: options.search, task: options.task, root, repo: options.repo, tracked, budget: options.budget, signal: options.signal });
  return assembled.response;
}
