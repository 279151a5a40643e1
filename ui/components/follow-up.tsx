import { useState } from 'preact/hooks';
import type { Task } from '../../schemas/index.js';
import { api, describeError } from '../api.js';
import { href, navigate } from '../router.js';

/** Links between runs: the task this one follows up, and its own follow-ups. */
export function RunLinks({ task }: { task: Task | undefined }) {
  if (task === undefined || (task.followUpOf === undefined && (task.followUps ?? []).length === 0)) return null;
  return (
    <nav aria-label="Linked runs" class="run-links">
      {task.followUpOf !== undefined ? (
        <p>
          Follows up <a href={href({ page: 'task', id: task.followUpOf })}>the earlier run</a>, on its branch.
        </p>
      ) : null}
      {(task.followUps ?? []).length > 0 ? (
        <>
          <p>Follow-ups:</p>
          <ol>
            {(task.followUps ?? []).map((id, index) => (
              <li key={id}>
                <a href={href({ page: 'task', id })}>Follow-up {index + 1}</a>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </nav>
  );
}

/** Whether a task can be followed up: it ended with a commit on a branch. */
export function canFollowUp(task: Task | undefined): boolean {
  return task?.result?.branch != null && task.result.commit !== null;
}

/** The follow-up form: more to do on the task's branch, from its last commit; opens the new run. */
export function FollowUpForm({ id }: { id: string }) {
  const [prompt, setPrompt] = useState('');
  const [model, setModel] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    try {
      const accepted = await api.followUp(id, { prompt, ...(model.trim() ? { model: model.trim() } : {}) });
      navigate({ page: 'task', id: accepted.id });
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  };
  return (
    <form class="task-form" aria-labelledby="follow-up-title" onSubmit={(event) => void submit(event)}>
      <h2 id="follow-up-title">Follow up</h2>
      <p class="field wide">A new run on this task's branch, from its last commit, with this prompt, diff and summaries in its context.</p>
      <div class="field wide">
        <label for="follow-up-prompt">More to do</label>
        <textarea id="follow-up-prompt" required rows={3} value={prompt} onInput={(event) => setPrompt(event.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="follow-up-model">Model</label>
        <input id="follow-up-model" value={model} placeholder="the same as this run" onInput={(event) => setModel(event.currentTarget.value)} />
      </div>
      <button type="submit" disabled={busy}>
        Submit follow-up
      </button>
      {error ? <p role="alert" class="error-text">{error}</p> : null}
    </form>
  );
}
