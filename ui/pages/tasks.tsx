import { useState } from 'preact/hooks';
import type { Repository, Task, TaskStatus } from '../../schemas/index.js';
import { api, describeError } from '../api.js';
import { RepositorySelect } from '../components/repository-select.js';
import { firstLine, when } from '../format.js';
import { href, navigate } from '../router.js';
import { usePoll } from '../use-poll.js';

const statuses: readonly TaskStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'];

/** Whether a task may still change. */
export function isLive(task: Pick<Task, 'status'>): boolean {
  return task.status === 'queued' || task.status === 'running';
}

function SubmitForm({ repositories }: { repositories: readonly Repository[] }) {
  const [repo, setRepo] = useState('');
  const [prompt, setPrompt] = useState('');
  const [model, setModel] = useState('');
  const [base, setBase] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const chosen = repo !== '' ? repo : (repositories[0]?.root ?? '');
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    try {
      const accepted = await api.submit({ repo: chosen, prompt, ...(model.trim() ? { model: model.trim() } : {}), ...(base.trim() ? { base: base.trim() } : {}) });
      navigate({ page: 'task', id: accepted.id });
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  };
  return (
    <form class="task-form" aria-labelledby="submit-title" onSubmit={(event) => void submit(event)}>
      <h2 id="submit-title">New task</h2>
      <div class="field double">
        <RepositorySelect id="task-repo" label="Repository" repositories={repositories} value={chosen} required onChange={setRepo} />
      </div>
      <div class="field wide">
        <label for="task-prompt">Task</label>
        <textarea id="task-prompt" required rows={4} value={prompt} placeholder="Fix add() in src/math.js: it subtracts" onInput={(event) => setPrompt(event.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="task-model">Model</label>
        <input id="task-model" value={model} placeholder="server default" aria-describedby="task-model-help" onInput={(event) => setModel(event.currentTarget.value)} />
        <small id="task-model-help">An Ollama model with tool calling; empty for the server's.</small>
      </div>
      <div class="field">
        <label for="task-base">Base</label>
        <input id="task-base" value={base} placeholder="HEAD" aria-describedby="task-base-help" onInput={(event) => setBase(event.currentTarget.value)} />
        <small id="task-base-help">The git ref the branch starts from.</small>
      </div>
      <button type="submit" disabled={busy || chosen === ''}>
        Submit task
      </button>
      {error ? <p role="alert" class="error-text">{error}</p> : null}
    </form>
  );
}

function TaskRow({ task }: { task: Task }) {
  return (
    <tr>
      <th scope="row">
        <a href={href({ page: 'task', id: task.id })}>{firstLine(task.request.prompt, 80)}</a>
        {task.followUpOf !== undefined ? <span class="meta"> (follow-up)</span> : null}
      </th>
      <td>
        <span class={`status ${task.status}`}>{task.status}</span>
      </td>
      <td>
        <code>{task.request.repo}</code>
      </td>
      <td>{when(task.createdAt)}</td>
      <td>{task.result?.branch ? <code>{task.result.branch}</code> : '—'}</td>
    </tr>
  );
}

/** Tasks: the list (newest first) filtered by status and repository, live while any runs; and the form to submit one. */
export function TasksPage() {
  const [status, setStatus] = useState<'' | TaskStatus>('');
  const [repo, setRepo] = useState('');
  const repositories = usePoll((signal) => api.repositories(signal), [], () => undefined);
  const tasks = usePoll(
    (signal) => api.tasks({ status: status === '' ? undefined : status, repo: repo === '' ? undefined : repo }, signal),
    [status, repo],
    (list) => (list.some(isLive) ? 1000 : 5000),
  );
  const list = tasks.value ?? [];
  return (
    <>
      <h1>Tasks</h1>
      <SubmitForm repositories={repositories.value ?? []} />
      <section aria-labelledby="list-title">
        <h2 id="list-title">All tasks</h2>
        <form class="filters" aria-label="Filter tasks" onSubmit={(event) => event.preventDefault()}>
          <label for="filter-status">Status</label>
          <select id="filter-status" value={status} onChange={(event) => setStatus(event.currentTarget.value as '' | TaskStatus)}>
            <option value="">any</option>
            {statuses.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
          <RepositorySelect id="filter-repo" label="Repository" repositories={repositories.value ?? []} value={repo} anyLabel="any" onChange={setRepo} />
        </form>
        {tasks.error ? <p role="alert" class="error-text">{tasks.error}</p> : null}
        {list.length === 0 ? (
          <p>{tasks.value === undefined ? 'Loading…' : 'No task matches.'}</p>
        ) : (
          <div class="table-scroll">
            <table>
              <caption class="visually-hidden">Tasks, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Task</th>
                  <th scope="col">Status</th>
                  <th scope="col">Repository</th>
                  <th scope="col">Created</th>
                  <th scope="col">Branch</th>
                </tr>
              </thead>
              <tbody>
                {list.map((task) => (
                  <TaskRow key={task.id} task={task} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
