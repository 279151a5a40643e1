// A behaviour fix whose only change is to tests has not fixed the behaviour: a model that
// cannot find the bug may "fix" the test that shows it. Such a delivery is flagged.
import { isTestFile } from './discover.js';

/** The warning of the result and the PR body. */
export const testOnlyWarning = 'Only test files changed: the behaviour itself was not changed.';

/** Asks to change what the code does: fix a bug, make or change behaviour. */
const behaviourWords = /\b(?:fix(?:es|ed)?|bugs?|broken|wrong|incorrect|crash(?:es)?|fails?|make|change|should|return|handle|implement|support|correct)\b/i;
/** Asks for work on tests themselves: add, write or update tests, raise coverage. */
const testWork = /\b(?:add|write|update|extend|improve|rename|remove|delete|move|refactor|cover)\b[^.\n]*\b(?:tests?|specs?|test cases?|coverage|testing)\b|\bfix(?:es)? (?:the |a )?(?:flaky |broken )?(?:tests?|specs?)\b/i;

/** True for a path that is a test by name or by folder (`test/`, `tests/`, `__tests__/`, `spec/`). */
export function isTestPath(path: string): boolean {
  return isTestFile(path) || /(?:^|\/)(?:tests?|__tests__|spec)\//.test(path);
}

/** The warning when a behaviour task (not a task about tests) changed test files only; undefined otherwise. */
export function testOnlyChange(prompt: string, paths: readonly string[]): string | undefined {
  if (paths.length === 0 || !paths.every(isTestPath)) return undefined;
  if (!behaviourWords.test(prompt) || testWork.test(prompt)) return undefined;
  return testOnlyWarning;
}
