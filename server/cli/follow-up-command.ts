// `minions tasks follow-up <id> "<more>"`: a follow-up of a finished task, asked of a running
// `minions serve` over HTTP (the server owns the tasks, so it must be the one to run it).
// One row of `tasksSubcommands`: the server is found, and its refusals worded, as for the others.
import { MinionsError, type TaskAccepted } from '../../schemas/index.js';
import type { TasksSubcommand } from './tasks-command.js';
import { followTask } from './tasks-follow.js';
import { write } from './output.js';
import { followUpUsage } from './usage.js';

/** `minions tasks follow-up <task-id> "<more>" [--model M] [--follow]`: queues the follow-up, prints its id (or follows it). */
export const followUpCommand: TasksSubcommand = {
  usage: followUpUsage,
  summary: "Follow up a finished task: a new task on its branch, from its last commit, with the earlier prompt, diff and summaries in its context; prints the new task's id.",
  options: { model: { type: 'string' }, follow: { type: 'boolean', default: false } },
  help: { '--model M': "the Ollama model (default: the earlier task's)", '--follow': 'then follow it as `tasks follow` does (exit code by outcome)' },
  async run({ values, positionals, client, io, json }) {
    const [id, ...words] = positionals;
    const prompt = words.join(' ').trim();
    if (id === undefined || prompt === '') throw new MinionsError('invalid-argument', `Usage: ${followUpUsage}`);
    const model = values['model'];
    const body = { prompt, ...(typeof model === 'string' ? { model } : {}) };
    const accepted = await client.request<TaskAccepted>('POST', `/v1/tasks/${encodeURIComponent(id)}/follow-ups`, { body, signal: io.signal });
    if (values['follow'] === true) {
      if (!json) await write(io.stderr, `follow-up ${accepted.id} of ${id} submitted (${accepted.status})\n`);
      return followTask(client, accepted.id, io, json);
    }
    if (json) await write(io.stdout, `${JSON.stringify({ ...accepted, followUpOf: id })}\n`);
    else await write(io.stdout, `${accepted.id}\n`);
    return 0;
  },
};
