// The environments of the processes minions starts: a short allow-list of the
// parent's variables (never tokens, keys, proxies or git's own redirections), plus
// the opt-outs that keep tools from phoning home.

/** Opt-outs of every tool that phones home by default (none of them is needed to build or test). */
export const telemetryOff: Readonly<Record<string, string>> = {
  DO_NOT_TRACK: '1',
  HF_HUB_OFFLINE: '1',
  HF_HUB_DISABLE_TELEMETRY: '1',
  ORT_DISABLE_TELEMETRY: '1',
  NEXT_TELEMETRY_DISABLED: '1',
  GATSBY_TELEMETRY_DISABLED: '1',
  NUXT_TELEMETRY_DISABLED: '1',
  ASTRO_TELEMETRY_DISABLED: '1',
  STORYBOOK_DISABLE_TELEMETRY: '1',
  TURBO_TELEMETRY_DISABLED: '1',
  DOTNET_CLI_TELEMETRY_OPTOUT: '1',
  AZURE_CORE_COLLECT_TELEMETRY: '0',
  SAM_CLI_TELEMETRY: '0',
  AWS_EC2_METADATA_DISABLED: 'true',
  CHECKPOINT_DISABLE: '1',
  SCARF_ANALYTICS: 'false',
  YARN_ENABLE_TELEMETRY: '0',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
};

/**
 * Sets the named opt-outs (all by default) in this process's real environment, so
 * native libraries (onnxruntime reads ORT_DISABLE_TELEMETRY with `getenv`) and every
 * child see them. Only the main thread's `process.env` is the real environment, and
 * `setenv` is not safe while other threads read it: call it before starting any (a
 * variable that already holds its opt-out is not written again).
 */
export function disableTelemetry(names: readonly string[] = Object.keys(telemetryOff)): void {
  for (const name of names) {
    const value = telemetryOff[name];
    if (value !== undefined && process.env[name] !== value) process.env[name] = value;
  }
}

/** What every process keeps: where programs are, whose home, which language and time zone. */
const baseVariables = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR'];
/** What the agent's commands keep besides: the shell and the toolchains' homes. */
const toolchainVariables = ['SHELL', 'GOPATH', 'GOROOT', 'GOCACHE', 'GOMODCACHE', 'CARGO_HOME', 'RUSTUP_HOME', 'PYENV_ROOT', 'VIRTUAL_ENV', 'NVM_DIR'];

function kept(parent: NodeJS.ProcessEnv, names: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of names) if (parent[name] !== undefined) env[name] = parent[name];
  return env;
}

/**
 * The environment agent commands get: a short allow-list of the parent's variables,
 * plus settings that keep package managers offline and output plain.
 */
export function scrubbedEnvironment(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...kept(parent, [...baseVariables, ...toolchainVariables]),
    CI: '1',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    GOFLAGS: '-mod=mod',
    GOPROXY: 'off',
    CARGO_NET_OFFLINE: 'true',
    PIP_NO_INDEX: '1',
    ...telemetryOff,
  };
}

/**
 * The environment of minions' own git calls. Nothing of the parent's `GIT_*` survives:
 * started from a git hook, `GIT_DIR`, `GIT_WORK_TREE` or `GIT_INDEX_FILE` would point
 * every call at the hook's repository, and `GIT_CONFIG_*` could change what git does.
 * The user's configuration files still apply (HOME, XDG_CONFIG_HOME); no pager, prompt
 * or editor, and messages in plain English for the errors minions quotes.
 */
export function gitEnvironment(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...kept(parent, [...baseVariables, 'XDG_CONFIG_HOME']),
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    GIT_EDITOR: 'true',
    LC_ALL: 'C',
  };
}
