// `minions tasks <subcommand>`: the CLI as a client of a running `minions serve` (the one of
// this data directory, or --server URL). Each subcommand is one row of `tasksSubcommands`,
// so a new one (a follow-up, say) is one more row. Light: fetch and the printers only.
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MinionsError, type Task, type TaskAccepted, type TaskRequest } from '../../schemas/index.js';
import { ServerClient, findServer } from '../server-client.js';
import type { CommandIo } from './io.js';
import { column, terminalSafe, write } from './output.js';
import { followUpCommand } from './follow-up-command.js';
import { describeResult } from './result-output.js';
import { reviewFlags, reviewOptions } from './review-options.js';
import { followTask } from './tasks-follow.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** What a subcommand receives: its parsed options and words, the server's client, the streams. */
export interface TasksContext {
  values: Values;
  positionals: string[];
  client: ServerClient;
  io: CommandIo;
  json: boolean;
}

/** One `minions tasks` subcommand: its usage line, a sentence of help, its own options and what it does. */
export interface TasksSubcommand {
  usage: string;
  summary: string;
  options: Options;
  /** The help of each option, by name. */
  help: Record<string, string>;
  run(context: TasksContext): Promise<number>;
}

/** Options every subcommand takes. */
const common: Options = { server: { type: 'string' }, token: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } };

/** Their help, shown under each subcommand's own. */
export const commonTasksHelp: Record<string, string> = {
  '--server URL': 'the server to talk to (default: the `minions serve` running on this data directory)',
  '--token T': 'its bearer token (default: MINIONS_TOKEN)',
  '--data-dir DIR': 'the data directory whose server to use (default: MINIONS_DATA_DIR, else ~/.local/share/minions)',
  '--json': 'print JSON (the API\'s shapes; `follow`: one event per line)',
};

const idOf = (context: TasksContext, usage: string): string => {
  const [id, ...rest] = context.positionals;
  if (id === undefined || rest.length > 0) throw new MinionsError('invalid-argument', `Usage: ${usage}`);
  return encodeURIComponent(id);
};

const string = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The request `tasks submit` sends; numbers are parsed here and checked by the server's schema. */
function submitRequest(context: TasksContext): TaskRequest {
  const { values, positionals, io } = context;
  const prompt = positionals.join(' ').trim();
  const repo = string(values['repo']);
  if (repo === undefined || prompt === '') throw new MinionsError('invalid-argument', `Usage: ${tasksSubcommands['submit']?.usage ?? ''}`);
  const number = (name: string): number | undefined => (string(values[name]) === undefined ? undefined : Number(values[name]));
  const fields: Record<string, unknown> = { model: string(values['model']), base: string(values['base']), maxFixRounds: number('max-fix-rounds'), numCtx: number('num-ctx'), temperature: number('temperature') };
  if (values['from-working-tree'] === true) fields['fromWorkingTree'] = true;
  if (values['allow-protected-paths'] === true) fields['allowProtectedPaths'] = true;
  Object.assign(fields, reviewFlags(values));
  return { repo: resolve(io.cwd, repo), prompt, ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) };
}

/** One line per task: id, status, age, repository, the prompt's start. */
function taskLine(task: Task): string {
  return `${task.id} ${column(task.status, 11)} ${column(task.createdAt.slice(0, 19).replace('T', ' '), 19)}  ${task.request.repo}  ${task.request.prompt.replace(/\s+/g, ' ').slice(0, 60)}`;
}

/** A task in a few lines: status, repository, prompt, times, error, and its result when there is one. */
function describeTask(task: Task): string {
  const lines = [`Task ${task.id}: ${task.status}`, `Repository: ${task.request.repo}`, `Prompt: ${task.request.prompt}`, `Created: ${task.createdAt}`];
  if (task.startedAt) lines.push(`Started: ${task.startedAt}`);
  if (task.endedAt) lines.push(`Ended: ${task.endedAt}`);
  if (task.error) lines.push(`Error: ${task.error}`);
  return `${lines.join('\n')}\n${task.result ? describeResult(task.result, task.request.repo) : ''}`;
}

const printJson = (io: CommandIo, value: unknown): Promise<void> => write(io.stdout, `${JSON.stringify(value, null, 2)}\n`);

/** The subcommands of `minions tasks`, by name. */
export const tasksSubcommands: Record<string, TasksSubcommand> = {
  submit: {
    usage: 'minions tasks submit --repo <path> "<task>" [--model M] [--base REF] [--max-fix-rounds N] [--num-ctx N] [--temperature T] [--from-working-tree] [--allow-protected-paths] [--review|--no-review] [--review-model M] [--review-policy fix|stop] [--follow] [--json] [--server URL] [--token T]',
    summary: 'Queue a task on the server (its repository must be registered there); prints the task id, or with --follow its live progress and result.',
    options: { repo: { type: 'string' }, model: { type: 'string' }, base: { type: 'string' }, 'max-fix-rounds': { type: 'string' }, 'num-ctx': { type: 'string' }, temperature: { type: 'string' }, 'from-working-tree': { type: 'boolean' }, 'allow-protected-paths': { type: 'boolean' }, follow: { type: 'boolean', default: false }, ...reviewOptions },
    help: { '--repo PATH': 'the repository (relative paths are resolved here)', '--model M, --base REF, --max-fix-rounds N, --num-ctx N, --temperature T': 'as for `minions run`',
      '--review, --no-review, --review-model M, --review-policy P': "this task's review (over the server's settings), as for `minions run`", '--follow': 'then follow it as `tasks follow` does (exit code by outcome)' },
    async run(context) {
      const accepted = await context.client.request<TaskAccepted>('POST', '/v1/tasks', { body: submitRequest(context), signal: context.io.signal });
      if (context.values['follow'] === true) {
        if (!context.json) await write(context.io.stderr, `task ${accepted.id} submitted (${accepted.status})\n`);
        return followTask(context.client, accepted.id, context.io, context.json);
      }
      await (context.json ? printJson(context.io, accepted) : write(context.io.stdout, `${accepted.id}\n`));
      return 0;
    },
  },
  list: {
    usage: 'minions tasks list [--status queued|running|succeeded|failed|cancelled|interrupted] [--repo PATH] [--json] [--server URL] [--token T]',
    summary: 'The tasks of the server, newest first.',
    options: { status: { type: 'string' }, repo: { type: 'string' } },
    help: { '--status S': 'only tasks in this state', '--repo PATH': "only this repository's tasks" },
    async run(context) {
      const query = new URLSearchParams();
      const status = string(context.values['status']);
      const repo = string(context.values['repo']);
      if (status !== undefined) query.set('status', status);
      if (repo !== undefined) query.set('repo', resolve(context.io.cwd, repo));
      const { tasks } = await context.client.request<{ tasks: Task[] }>('GET', `/v1/tasks${query.size > 0 ? `?${query}` : ''}`, { signal: context.io.signal });
      if (context.json) await printJson(context.io, { tasks });
      else await write(context.io.stdout, terminalSafe(tasks.length === 0 ? 'No tasks.\n' : `${tasks.map(taskLine).join('\n')}\n`));
      return 0;
    },
  },
  show: {
    usage: 'minions tasks show <id> [--json] [--server URL] [--token T]',
    summary: 'One task: its state, and its result once it has ended.',
    options: {},
    help: {},
    async run(context) {
      const task = await context.client.request<Task>('GET', `/v1/tasks/${idOf(context, this.usage)}`, { signal: context.io.signal });
      await (context.json ? printJson(context.io, task) : write(context.io.stdout, terminalSafe(describeTask(task))));
      return 0;
    },
  },
  follow: {
    usage: 'minions tasks follow <id> [--json] [--server URL] [--token T]',
    summary: 'A task live: the lines `minions run` prints (on stderr), then its result; exit 0 when it succeeded, 1 otherwise. Ctrl-C stops following, not the task.',
    options: {},
    help: {},
    run: (context) => followTask(context.client, idOf(context, tasksSubcommands['follow']?.usage ?? ''), context.io, context.json),
  },
  'follow-up': followUpCommand,
  cancel: {
    usage: 'minions tasks cancel <id> [--json] [--server URL] [--token T]',
    summary: 'Cancel a task: a queued one ends at once, a running one is stopped.',
    options: {},
    help: {},
    async run(context) {
      const answer = await context.client.request<TaskAccepted>('POST', `/v1/tasks/${idOf(context, this.usage)}/cancel`, { signal: context.io.signal });
      await (context.json ? printJson(context.io, answer) : write(context.io.stdout, `${answer.id} ${answer.status}\n`));
      return 0;
    },
  },
};

/** The usage of `minions tasks`: its subcommands. */
export function tasksHelp(): string {
  const rows = Object.values(tasksSubcommands).map((subcommand) => `  ${subcommand.usage}\n      ${subcommand.summary}`);
  return `The CLI as a client of a running minions server.\n\nUsage:\n${rows.join('\n')}\n\nEvery subcommand takes:\n${Object.entries(commonTasksHelp).map(([flag, text]) => `  ${flag.padEnd(16)} ${text}`).join('\n')}\n`;
}

/** The help of one subcommand: its usage, summary, own options and the common ones. */
export function tasksSubcommandHelp(name: string): string | undefined {
  const subcommand = tasksSubcommands[name];
  if (subcommand === undefined) return undefined;
  const options = Object.entries({ ...subcommand.help, ...commonTasksHelp }).map(([flag, text]) => `  ${flag}\n      ${text}`);
  return `Usage: ${subcommand.usage}\n\n${subcommand.summary}\n\nOptions:\n${options.join('\n')}\n`;
}

/** `minions tasks <subcommand> ...`: runs one subcommand against the server; returns its exit code. */
export async function tasksCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    await write(io.stdout, tasksHelp());
    return 0;
  }
  const subcommand = name === undefined ? undefined : tasksSubcommands[name];
  if (subcommand === undefined) {
    if (name !== undefined) throw new MinionsError('invalid-argument', `Unknown tasks subcommand "${name}"; the subcommands are ${Object.keys(tasksSubcommands).join(', ')}.`);
    await write(io.stdout, tasksHelp());
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    await write(io.stdout, tasksSubcommandHelp(name ?? '') ?? tasksHelp());
    return 0;
  }
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { ...common, ...subcommand.options } });
  const target = await findServer({ server: string(values['server']), token: string(values['token']), dataDir: string(values['data-dir']) }, io.env, io.cwd);
  return subcommand.run({ values, positionals, client: new ServerClient(target), io, json: values['json'] === true });
}

