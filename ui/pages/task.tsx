import { useEffect, useState } from 'preact/hooks';
import type { Task } from '../../schemas/index.js';
import { api, describeError } from '../api.js';
import { canFollowUp, FollowUpForm, RunLinks } from '../components/follow-up.js';
import { ChecksTable, EditsSoFar, ResultView } from '../components/result-view.js';
import { Timeline } from '../components/timeline.js';
import { followTask } from '../event-stream.js';
import { count, when } from '../format.js';
import { emptyActivity, foldEvent, type TaskActivity } from '../task-activity.js';
import { href } from '../router.js';
import { isLive } from './tasks.js';

/** A line for screen readers whenever the task moves on: its status and the node running. */
function progressLine(activity: TaskActivity): string {
  if (activity.status === undefined) return 'Loading the task…';
  const running = activity.nodes.findLast((run) => run.status === undefined);
  if (activity.status === 'running' && running) return `Running: ${running.node}${running.round > 0 ? `, round ${running.round}` : ''}.`;
  return `Task ${activity.status}.`;
}

function Summary({ task, activity, onCancel }: { task: Task | undefined; activity: TaskActivity; onCancel: () => void }) {
  const request = activity.request ?? task?.request;
  const status = activity.status ?? task?.status;
  return (
    <>
      <h1>Task</h1>
      <p class="prompt">{request?.prompt ?? ''}</p>
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <span class={`status ${status ?? ''}`}>{status ?? '…'}</span>
        </dd>
        <dt>Repository</dt>
        <dd>
          <code>{request?.repo ?? ''}</code>
        </dd>
        {activity.run ? (
          <>
            <dt>Branch</dt>
            <dd>
              <code>{activity.run.branch}</code> from <code>{activity.run.base}</code>
            </dd>
            <dt>Models</dt>
            <dd>{Object.values(activity.run.models).join(', ')}</dd>
          </>
        ) : null}
        <dt>Created</dt>
        <dd>{when(task?.createdAt)}</dd>
        <dt>Model calls</dt>
        <dd>
          {activity.modelCalls}: {count(activity.tokens.input)} tokens in, {count(activity.tokens.output)} out
        </dd>
      </dl>
      {status !== undefined && isLive({ status }) ? (
        <button type="button" class="danger" onClick={onCancel}>
          Cancel task
        </button>
      ) : null}
    </>
  );
}

/** Follows a task's events into its activity; `error` is final (no such task, 401), `reconnecting` passes with the next event. */
function useTaskEvents(id: string): { activity: TaskActivity; error: string | undefined; reconnecting: string | undefined } {
  const [activity, setActivity] = useState<TaskActivity>(emptyActivity);
  const [error, setError] = useState<string | undefined>(undefined);
  const [reconnecting, setReconnecting] = useState<string | undefined>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    void followTask(id, controller.signal, {
      onEvent: (event) => {
        setReconnecting(undefined);
        setActivity((current) => foldEvent(current, event));
      },
      onError: (caught, final) => (final ? setError(describeError(caught)) : setReconnecting(`Connection lost (${describeError(caught)}); reconnecting…`)),
    });
    return () => controller.abort();
  }, [id]);
  return { activity, error, reconnecting };
}

/** One task, live over its event stream: the timeline of nodes, checks, the changes as they grow; then its result; cancel. */
export function TaskPage({ id }: { id: string }) {
  const [task, setTask] = useState<Task | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const { activity, error: streamError, reconnecting } = useTaskEvents(id);
  useEffect(() => {
    // The task's own record has the times the events do not; load it again when the task ends.
    const controller = new AbortController();
    api.task(id, controller.signal).then(setTask, (caught: unknown) => controller.signal.aborted || setError(describeError(caught)));
    return () => controller.abort();
  }, [id, activity.result, activity.error]);
  const cancel = (): void => {
    api.cancel(id).catch((caught: unknown) => setError(describeError(caught)));
  };
  const problem = error ?? streamError;
  return (
    <>
      <p>
        <a href={href({ page: 'tasks' })}>← All tasks</a>
      </p>
      <Summary task={task} activity={activity} onCancel={cancel} />
      <RunLinks task={task} />
      <p class="announce" role="status" aria-live="polite">
        {progressLine(activity)}
      </p>
      {problem ? <p role="alert" class="error-text">{problem}</p> : null}
      {reconnecting ? <p class="error-text">{reconnecting}</p> : null}
      {activity.error ? <p class="error-text">{activity.error}</p> : null}
      {activity.result ? <ResultView result={activity.result} /> : null}
      {activity.result && canFollowUp(task) ? <FollowUpForm id={id} /> : null}
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <Timeline nodes={activity.nodes} />
      </section>
      {activity.result ? null : (
        <>
          <section aria-labelledby="checks-title">
            <h2 id="checks-title">Checks</h2>
            <ChecksTable checks={activity.checks} />
          </section>
          <section aria-labelledby="changes-title">
            <h2 id="changes-title">Changes so far</h2>
            <EditsSoFar edits={activity.edits} />
          </section>
        </>
      )}
    </>
  );
}
