import { isAbsolute } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { CiFailure, GitHubCheckRunDelivery, GitHubWorkflowRunDelivery, MinionsError, type GitHubRepository, type TaskSource } from '../../../schemas/index.js';
import type { RemoteReference } from './remotes.js';

/** A failing check as a delivery reports it, whatever sent it. */
export interface CiFailureReport {
  source: TaskSource['kind'];
  /** The repository as the delivery names it (kept in the task's source). */
  repositoryName: string;
  /** A registered path or id, when the delivery gives one; else the remote to match. */
  local: string | undefined;
  remote: RemoteReference;
  commit: string;
  check: string;
  url: string | undefined;
  logExcerpt: string | undefined;
}

/** What a delivery asks for: a task for a failure, or nothing (and why). */
export type CiDelivery = { kind: 'failure'; report: CiFailureReport } | { kind: 'ignored'; reason: string };

/** The value, checked against a schema, or `invalid-argument` naming the first problem. */
function checked<T>(schema: TSchema, value: unknown, what: string): T {
  if (Value.Check(schema, value)) return value as T;
  const first = Value.Errors(schema, value).First();
  throw new MinionsError('invalid-argument', `The ${what} is not valid${first ? `: ${first.path || '/'} ${first.message}` : ''}.`);
}

function githubRemote(repository: GitHubRepository): RemoteReference {
  const urls = [repository.clone_url, repository.ssh_url, repository.git_url, repository.html_url].filter((url): url is string => typeof url === 'string' && url !== '');
  return { urls, fullName: repository.full_name };
}

/** Why a GitHub run is not a failure to fix, or undefined when it is one. */
function notAFailure(action: string, conclusion: string | null | undefined): string | undefined {
  if (action !== 'completed') return `action "${action}" is not "completed"`;
  if (conclusion !== 'failure') return `conclusion "${conclusion ?? 'none'}" is not "failure"`;
  return undefined;
}

function generic(payload: unknown): CiDelivery {
  const failure = checked<CiFailure>(CiFailure, payload, 'CI failure payload');
  const local = /^[0-9a-f]{16}$/.test(failure.repository) || isAbsolute(failure.repository) ? failure.repository : undefined;
  return {
    kind: 'failure',
    report: { source: 'ci', repositoryName: failure.repository, local, remote: { urls: [failure.repository] }, commit: failure.commit, check: failure.check, url: failure.url, logExcerpt: failure.logExcerpt },
  };
}

function workflowRun(payload: unknown): CiDelivery {
  const delivery = checked<GitHubWorkflowRunDelivery>(GitHubWorkflowRunDelivery, payload, 'workflow_run delivery');
  const run = delivery.workflow_run;
  const reason = notAFailure(delivery.action, run.conclusion);
  if (reason !== undefined) return { kind: 'ignored', reason: `workflow_run: ${reason}` };
  const logExcerpt = run.display_title ? `Workflow "${run.name}" failed on "${run.display_title}".` : undefined;
  return {
    kind: 'failure',
    report: { source: 'github-workflow-run', repositoryName: delivery.repository.full_name, local: undefined, remote: githubRemote(delivery.repository), commit: run.head_sha, check: run.name, url: run.html_url ?? undefined, logExcerpt },
  };
}

function checkRun(payload: unknown): CiDelivery {
  const delivery = checked<GitHubCheckRunDelivery>(GitHubCheckRunDelivery, payload, 'check_run delivery');
  const run = delivery.check_run;
  const reason = notAFailure(delivery.action, run.conclusion);
  if (reason !== undefined) return { kind: 'ignored', reason: `check_run: ${reason}` };
  const output = [run.output?.title, run.output?.summary, run.output?.text].filter((part): part is string => typeof part === 'string' && part.trim() !== '');
  return {
    kind: 'failure',
    report: {
      source: 'github-check-run',
      repositoryName: delivery.repository.full_name,
      local: undefined,
      remote: githubRemote(delivery.repository),
      commit: run.head_sha,
      check: run.name,
      url: run.html_url ?? run.details_url ?? undefined,
      logExcerpt: output.length > 0 ? output.join('\n\n') : undefined,
    },
  };
}

/**
 * Reads a delivery: GitHub's `workflow_run` and `check_run` (by `X-GitHub-Event`) that
 * completed with conclusion `failure`, or, without that header, the generic `CiFailure`.
 * Other GitHub events (`ping`, `push`...) and other actions or conclusions are ignored
 * with the reason; a payload of the wrong shape is `invalid-argument`.
 */
export function readDelivery(event: string | undefined, payload: unknown): CiDelivery {
  if (event === undefined) return generic(payload);
  if (event === 'workflow_run') return workflowRun(payload);
  if (event === 'check_run') return checkRun(payload);
  return { kind: 'ignored', reason: `event "${event}" is not handled (workflow_run and check_run are)` };
}
