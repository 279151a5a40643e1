// One wording of the forges' refusals, whichever client met them: what the forge said,
// what to fix, and never the token (taken out of anything the forge echoes).
import { describeCause, isAbortError } from '../../platform/index.js';
import { MinionsError, type ForgeKind } from '../../schemas/index.js';
import type { ForgeLocation } from './remote-address.js';

const forgeNames: Readonly<Record<ForgeKind, string>> = { github: 'GitHub', gitlab: 'GitLab', gitea: 'Gitea' };

/** What a forge client knows of the repository it talks to, for messages. */
export interface ForgeContext {
  location: ForgeLocation;
  /** The token in use, only to take it out of messages; undefined when none is configured. */
  token: string | undefined;
}

/** `text` with the token taken out, short. */
export function redact(text: string, token: string | undefined): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const clean = token === undefined || token === '' ? flat : flat.split(token).join('***');
  return clean.length > 300 ? `${clean.slice(0, 299)}…` : clean;
}

/** Whether a forge's answer says a pull request for the branch exists already (GitHub 422, GitLab and Gitea 409). */
export function alreadyExists(status: number, detail: string): boolean {
  return status === 409 || (status === 422 && /already exists/i.test(detail));
}

/** The MinionsError for a forge's error status; `detail` is the forge's own message. */
export function forgeFailure(context: ForgeContext, status: number, detail: string, action: string): MinionsError {
  const { kind, apiUrl, repository } = context.location;
  const name = forgeNames[kind];
  const said = redact(detail, context.token);
  const quoted = said === '' ? '' : `: ${said}`;
  const host = new URL(apiUrl).host;
  if (alreadyExists(status, said)) return new MinionsError('conflict', `${name} already has a pull request for this branch (${status}${quoted}).`);
  if (status === 401) {
    const fix = context.token === undefined ? `no token is configured for ${host}: set MINIONS_FORGE_TOKENS=${host}=<token> (or MINIONS_FORGE_TOKEN)` : `check the token configured for ${host} (MINIONS_FORGE_TOKENS)`;
    return new MinionsError('unauthorized', `${name} at ${host} refused to ${action} (401${quoted}); ${fix}.`);
  }
  if (status === 403) return new MinionsError('unauthorized', `${name} at ${host} did not allow the token to ${action} on ${repository} (403${quoted}).`);
  if (status === 404) return new MinionsError('not-found', `${name} at ${host} has no repository ${repository}, or the token cannot see it (404${quoted}); check the publish settings (repository, apiUrl).`);
  return new MinionsError('internal', `${name} at ${host} could not ${action} on ${repository} (${status}${quoted}).`);
}

/** A failure to reach the forge at all (refused connection, DNS), worded without the token; aborts pass through. */
export function unreachable(context: ForgeContext, error: unknown, action: string): unknown {
  if (isAbortError(error) || error instanceof MinionsError) return error;
  const { kind, apiUrl } = context.location;
  return new MinionsError('internal', `${forgeNames[kind]} at ${apiUrl} could not be reached to ${action}: ${redact(describeCause(error), context.token)}.`, { cause: error });
}
