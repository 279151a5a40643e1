// The first prompt of a follow-up: what the earlier run on this branch was asked, what it
// said it did and the change it committed, so the model continues instead of starting over.
import type { TaskContinuation } from '../../schemas/index.js';
import { truncateMiddle } from '../limits.js';

/**
 * The "Earlier run" section of a follow-up's first prompt, within `budgetCharacters`
 * (the diff takes what the prompt and summaries leave; it is cut in the middle).
 */
export function earlierRunSection(earlier: TaskContinuation, budgetCharacters: number): string {
  const summaries = earlier.summaries.length > 0 ? earlier.summaries.join('\n\n') : 'The earlier run left no summary.';
  const head = [
    `# Earlier run on this branch (${earlier.branch}, now at ${earlier.commit.slice(0, 12)})`,
    'This task follows up an earlier one. Its change is already committed on this branch and is in the files you see: build on it, do not redo or revert it unless the task says so.',
    `## Earlier task\n${truncateMiddle(earlier.prompt, Math.floor(budgetCharacters / 4))}`,
    `## What the earlier run said it did\n${truncateMiddle(summaries, Math.floor(budgetCharacters / 4))}`,
  ].join('\n\n');
  const diffBudget = Math.max(500, budgetCharacters - head.length);
  return `${head}\n\n## Its diff\n\`\`\`diff\n${truncateMiddle(earlier.diff, diffBudget).trimEnd()}\n\`\`\``;
}
