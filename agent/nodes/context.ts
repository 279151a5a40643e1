// context: the rule files that apply to the files in play, the code retrieved for the
// task and the repo map around it, assembled into the first prompt of the agentic work
// within a token budget (agent/context/assemble.ts), and the repository's checks.
import type { NodeContext, NodeOutcome } from '../blueprint.js';
import { discoverChecks } from '../checks/discover.js';
import { assembleContext } from '../context/assemble.js';
import { contextBudget } from '../context/budget.js';
import type { GitLocation } from '../workspace/git-guard.js';

/** Gathers rules, retrieved code, the map and the repository's checks. */
export async function gatherContext({ state, services, signal }: NodeContext): Promise<NodeOutcome> {
  const worktree = requireWorktree(state.worktree);
  const budget = contextBudget(services.contextLength, services.limits);
  const [assembled, plan] = await Promise.all([
    assembleContext({ search: services.search, task: state.request.prompt, root: worktree, repo: state.repoRoot, tracked: state.tracked, budget, signal, earlier: state.request.continueFrom }),
    discoverChecks(worktree),
  ]);
  const { response } = assembled;
  state.checkPlan = plan;
  state.filesInPlay = response.files;
  state.rules = assembled.rules;
  state.contextText = assembled.text;
  // Files the sandboxed reader refused (a symlink to outside, a FIFO, a device) are left out, and the trace says so.
  const refused = [...new Set([...assembled.refused, ...plan.refused])];
  const note = [assembled.note, refused.length > 0 ? `not read: ${refused.join(' ')}` : undefined].filter((part) => part !== undefined).join('; ');
  services.emit('context-gather', {
    rules: state.rules.map((rule) => rule.path),
    files: response.files,
    snippets: assembled.snippets,
    tokens: response.tokens,
    search: assembled.search,
    sections: response.sections.map((section) => ({ kind: section.kind, tokens: section.tokens })),
    ...(note !== '' ? { note } : {}),
  });
  const skipped = refused.length > 0 ? `; ${refused.length} files refused` : '';
  const map = response.sections.find((section) => section.kind === 'map');
  const mapped = map ? `, a map of ${map.spans.length} files` : '';
  return { status: 'ok', label: 'ok', note: `${state.rules.length} rule files, ${response.files.length} files, ${assembled.snippets} snippets${mapped}, ~${response.tokens} tokens; search ${assembled.search}${skipped}` };
}

/** The worktree, which every node after prepare can count on. */
export function requireWorktree(worktree: string | undefined): string {
  if (worktree === undefined) throw new Error('the worktree is missing (prepare did not run)');
  return worktree;
}

/** The worktree's verified git metadata, which prepare records. */
export function requireGit(location: GitLocation | undefined): GitLocation {
  if (location === undefined) throw new Error('the worktree is missing (prepare did not run)');
  return location;
}
