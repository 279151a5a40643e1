import type { Activity, NodeRun } from '../task-activity.js';
import { count, duration } from '../format.js';

function ModelCall({ data }: { data: Extract<Activity, { type: 'model-call' }>['data'] }) {
  return (
    <details class="activity model">
      <summary>
        <span class="tag">model</span> {data.model}: {count(data.inputTokens)} tokens in, {count(data.outputTokens)} out, {duration(data.latencyMs)}
        {data.toolCalls.length > 0 ? ` → ${data.toolCalls.join(', ')}` : ''}
      </summary>
      <dl class="facts">
        <dt>Step</dt>
        <dd>{data.step}</dd>
        <dt>Load</dt>
        <dd>{duration(data.loadMs)}</dd>
        <dt>Tool calls</dt>
        <dd>{data.toolCallSource}</dd>
        <dt>Done</dt>
        <dd>{data.doneReason}</dd>
      </dl>
      {data.content !== '' ? <pre>{data.content}</pre> : null}
    </details>
  );
}

function ToolCall({ data }: { data: Extract<Activity, { type: 'tool-call' }>['data'] }) {
  return (
    <details class={`activity tool ${data.ok ? '' : 'failed'}`}>
      <summary>
        <span class="tag">tool</span> {data.tool} {data.ok ? 'ok' : 'failed'}, {duration(data.durationMs)}
      </summary>
      <h5>Arguments</h5>
      <pre>{data.arguments}</pre>
      <h5>Result</h5>
      <pre>{data.result}</pre>
    </details>
  );
}

function Command({ item }: { item: Extract<Activity, { type: 'command' }> }) {
  const end = item.end;
  const state = end === undefined ? 'running…' : end.timedOut ? 'timed out' : end.exitCode === null ? `killed by ${end.signal ?? 'a signal'}` : `exit ${end.exitCode}`;
  return (
    <details class={`activity command ${end !== undefined && end.exitCode !== 0 ? 'failed' : ''}`}>
      <summary>
        <span class="tag">command</span> <code>{item.command}</code>: {state}
        {end !== undefined ? `, ${duration(end.durationMs)}` : ''}
      </summary>
      {end !== undefined ? <pre>{end.output || '(no output)'}</pre> : <p>Still running.</p>}
    </details>
  );
}

function ActivityItem({ item }: { item: Activity }) {
  switch (item.type) {
    case 'model-call':
      return <ModelCall data={item.data} />;
    case 'tool-call':
      return <ToolCall data={item.data} />;
    case 'command':
      return <Command item={item} />;
    case 'note':
      return <p class={`activity note ${item.tone}`}>{item.text}</p>;
  }
}

function nodeState(run: NodeRun): string {
  if (run.status === undefined) return 'running';
  return run.outcome !== undefined && run.outcome !== run.status ? `${run.status} (${run.outcome})` : run.status;
}

/** The blueprint's nodes in the order they ran, each with what happened inside it. */
export function Timeline({ nodes }: { nodes: readonly NodeRun[] }) {
  if (nodes.length === 0) return <p>Waiting for the task to start…</p>;
  return (
    <ol class="timeline">
      {nodes.map((run) => (
        <li key={run.key} class={`node ${run.status ?? 'running'}`}>
          <h3>
            {run.node} <span class="meta">{run.kind}{run.round > 0 ? `, round ${run.round}` : ''}</span>{' '}
            <span class={`status ${run.status ?? 'running'}`}>{nodeState(run)}</span>
            {run.durationMs !== undefined ? <span class="meta"> {duration(run.durationMs)}</span> : null}
          </h3>
          {run.note ? <p class="node-note">{run.note}</p> : null}
          {run.activity.length > 0 ? (
            <ul class="activities">
              {run.activity.map((item) => (
                <li key={item.seq}>
                  <ActivityItem item={item} />
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
