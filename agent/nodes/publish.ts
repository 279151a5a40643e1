// publish: after deliver, push the task's branch to the repository's configured remote
// and open a pull request with the run's title and body (a draft when the run committed
// for a human after failing). What it did, or what failed, goes into the result; a
// failure here never undoes the local commit nor changes the task's outcome.
import { MinionsError, type Publication, type RepositoryPublish } from '../../schemas/index.js';
import type { NodeContext, NodeOutcome } from '../blueprint.js';
import type { ForgeClient, GitConfigEntries, PullRequestDraft, PullRequestInfo } from '../forge.js';
import type { RunState } from '../run-state.js';
import { pushBranch, remoteDefaultBranch, resolveRemote, type RemoteTarget } from '../workspace/push.js';

/**
 * The outcome labels of publish: `published`; `not-configured` and `not-committed`
 * (skipped: nothing to publish to, or nothing was committed); `publish-failed` (the push or
 * the pull request failed; `publication.error` says why, the local commit stays).
 */
export const publishOutcomes = ['published', 'not-configured', 'not-committed', 'publish-failed'] as const;
type PublishLabel = (typeof publishOutcomes)[number];

/** What the node works with once it knows it has something to publish. */
interface Plan {
  settings: RepositoryPublish;
  target: RemoteTarget;
  access: GitConfigEntries;
  forge: ForgeClient | undefined;
}

/** Pushes the branch and opens its pull request as configured; skips when there is nothing to publish. */
export async function publishBranch({ state, services, signal }: NodeContext): Promise<NodeOutcome<PublishLabel>> {
  if (state.commit === null || state.guardrails?.passed !== true) return { status: 'skipped', label: 'not-committed', note: 'nothing was committed' };
  const publisher = services.publisher;
  const publication: Publication = {};
  try {
    const settings = publisher === undefined ? undefined : await publisher.settings(state.repoRoot, state.request.publish, signal);
    const asked = state.request.publish !== undefined ? '; the task asked to publish, but the repository has no publish configuration' : '';
    if (publisher === undefined || settings === undefined) return { status: 'skipped', label: 'not-configured', note: `no remote is configured for ${state.repoRoot}${asked}` };
    if (settings.push === false && settings.pullRequest !== true) return { status: 'skipped', label: 'not-configured', note: 'pushing is switched off for this task' };
    state.publication = publication;
    // Every host is checked (privacy mode) before the first connection.
    const target = await resolveRemote(state.repoRoot, settings.remote, signal);
    const plan: Plan = { settings, target, access: publisher.pushAccess(target.url), forge: settings.pullRequest === false ? undefined : publisher.forge(settings, target.url) };
    await push(state, plan, publication, services.emit, signal);
    if (plan.forge !== undefined) await pullRequest(state, plan, plan.forge, publication, services.emit, signal);
    const what = publication.pullRequest === undefined ? `pushed ${state.branch}` : `${publication.pullRequest.created ? 'opened' : 'found'} ${publication.pullRequest.url}`;
    return { status: 'ok', label: 'published', note: what };
  } catch (error) {
    if (signal.aborted && !isTimeout(signal.reason)) throw error;
    state.publication = publication;
    publication.error = isTimeout(signal.reason) ? 'publishing exceeded its time limit' : error instanceof Error ? error.message : String(error);
    return { status: 'failed', label: 'publish-failed', note: publication.error };
  }
}

function isTimeout(reason: unknown): boolean {
  return reason instanceof DOMException && reason.name === 'TimeoutError';
}

async function push(state: RunState, plan: Plan, publication: Publication, emit: NodeContext['services']['emit'], signal: AbortSignal): Promise<void> {
  const commit = state.commit as string;
  const { alreadyPresent } = await pushBranch(state.repoRoot, plan.target, state.branch, commit, plan.access, signal);
  publication.push = { remote: plan.target.display, branch: state.branch, commit, alreadyPresent };
  emit('publish-push', publication.push);
}

/** Opens the pull request; one that already exists for the branch is found and reported as not created. */
async function pullRequest(state: RunState, plan: Plan, forge: ForgeClient, publication: Publication, emit: NodeContext['services']['emit'], signal: AbortSignal): Promise<void> {
  const base = plan.settings.baseBranch ?? (await remoteDefaultBranch(state.repoRoot, plan.target, plan.access, signal)) ?? 'main';
  // The run committed for a human although it failed (checks, a model fault): a draft, never ready for review.
  const draft: PullRequestDraft = { head: state.branch, base, title: state.prTitle, body: state.prBody, draft: state.failure !== undefined, labels: plan.settings.labels ?? [] };
  let opened: PullRequestInfo;
  let created = true;
  try {
    opened = await forge.open(draft, signal);
  } catch (error) {
    if (!(error instanceof MinionsError) || error.code !== 'conflict') throw error;
    const existing = await forge.findByBranch(state.branch, signal);
    if (existing === undefined) throw error;
    opened = existing;
    created = false;
  }
  publication.pullRequest = { forge: forge.kind, url: opened.url, number: opened.number, draft: opened.draft, created };
  emit('publish-pull-request', publication.pullRequest);
}
