// The forges' tokens, from configuration only (MINIONS_FORGE_TOKENS, MINIONS_FORGE_TOKEN):
// never from a task, never written to a log, an event, a result or a message.
import { MinionsError } from '../../schemas/index.js';
import { readSetting } from '../settings.js';

/** The tokens by host (`host` or `host:port`, lower case), and the one for every other host. */
export interface ForgeTokens {
  byHost: ReadonlyMap<string, string>;
  fallback: string | undefined;
}

/** Parses `host=token,host2=token2`; a malformed pair is an error that names its host, never its token. */
export function parseForgeTokens(text: string | undefined, fallback: string | undefined): ForgeTokens {
  const byHost = new Map<string, string>();
  for (const pair of (text ?? '').split(',')) {
    if (pair.trim() === '') continue;
    const equals = pair.indexOf('=');
    const host = (equals === -1 ? '' : pair.slice(0, equals)).trim().toLowerCase();
    const token = equals === -1 ? '' : pair.slice(equals + 1).trim();
    if (host === '' || token === '' || /[\s/@]/.test(host)) {
      throw new MinionsError('invalid-argument', `MINIONS_FORGE_TOKENS holds an entry that is not host=token${host === '' ? '' : ` (host "${host}")`}; separate pairs with commas.`);
    }
    byHost.set(host, token);
  }
  const general = fallback?.trim();
  return { byHost, fallback: general === undefined || general === '' ? undefined : general };
}

/** The forge tokens of the configuration (the environment; the loader's one reader of settings). */
export function loadForgeTokens(env: NodeJS.ProcessEnv): ForgeTokens {
  return parseForgeTokens(readSetting('forgeTokens', env), readSetting('forgeToken', env));
}

/**
 * The token of a host: by `host:port`, then `host`, then (for an API host such as
 * api.github.com) the host without `api.`, then the general token.
 */
export function tokenFor(tokens: ForgeTokens, host: string, port: string): string | undefined {
  const name = host.toLowerCase();
  return tokens.byHost.get(`${name}:${port}`) ?? tokens.byHost.get(name) ?? (name.startsWith('api.') ? tokens.byHost.get(name.slice(4)) : undefined) ?? tokens.fallback;
}
