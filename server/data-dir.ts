import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** The data directory when none is set: `$XDG_DATA_HOME/minions`, else `~/.local/share/minions`. */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(base, 'minions');
}

/**
 * The data directory as `loadConfig` resolves it (`--data-dir`, then MINIONS_DATA_DIR, then
 * the default), without loading the settings schema: for the CLI's fast path, which only
 * looks for a running server there. An invalid value is left for `loadConfig` to report.
 */
export function quickDataDir(env: NodeJS.ProcessEnv, option: string | undefined, cwd: string): string {
  const given = option ?? (env['MINIONS_DATA_DIR'] === '' ? undefined : env['MINIONS_DATA_DIR']);
  return given === undefined ? defaultDataDir(env) : resolve(cwd, given);
}
