import type { CheckKind, CheckResult, TaskResult } from '../../schemas/index.js';
import type { Edit } from '../task-activity.js';
import { count, duration } from '../format.js';
import { CopyButton } from './copy-button.js';
import { DiffView } from './diff-view.js';
import { ReviewView } from './review-view.js';

/** The checks the task ran, as a table (each row's output one click away). */
export function ChecksTable({ checks }: { checks: readonly (CheckResult & { kind?: CheckKind })[] }) {
  if (checks.length === 0) return <p>No check has run yet.</p>;
  return (
    <div class="table-scroll">
      <table>
        <caption class="visually-hidden">Checks</caption>
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Verdict</th>
            <th scope="col">Time</th>
            <th scope="col">Output</th>
          </tr>
        </thead>
        <tbody>
          {checks.map((check, index) => {
            const verdict = check.status ?? (check.passed ? 'passed' : 'failed');
            return (
              <tr key={index}>
                <th scope="row">
                  {check.kind ?? check.name}: <code>{check.command}</code>
                </th>
                <td>
                  <span class={`status ${verdict}`}>{verdict}</span>
                  {check.newFailures?.length ? <span> new failures: {check.newFailures.join(', ')}</span> : null}
                </td>
                <td>{duration(check.durationMs)}</td>
                <td>
                  <details>
                    <summary>output</summary>
                    <pre>{check.output || '(no output)'}</pre>
                  </details>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The changes so far, from the agent's edit tool calls (the committed diff replaces them at the end). */
export function EditsSoFar({ edits }: { edits: readonly Edit[] }) {
  if (edits.length === 0) return <p>No file changed yet.</p>;
  const asDiff = edits
    .map((edit) => {
      const minus = edit.removed === '' ? [] : edit.removed.split('\n').map((line) => `-${line}`);
      const plus = edit.added === '' ? [] : edit.added.split('\n').map((line) => `+${line}`);
      return [`diff --git a/${edit.path} b/${edit.path}`, `@@ ${edit.tool} @@`, ...minus, ...plus].join('\n');
    })
    .join('\n');
  return <DiffView diff={asDiff} label="Edits so far, as the agent made them" level={3} />;
}

/** What the task handed back: PR title and body (with copy buttons), branch, guardrails, the rendered diff, the checks. */
export function ResultView({ result }: { result: TaskResult }) {
  return (
    <section aria-labelledby="result-title" class="result-view">
      <h2 id="result-title">Result: {result.outcome}</h2>
      {result.reason ? <p class={result.outcome === 'failed' ? 'error-text' : ''}>{result.reason}</p> : null}
      <dl class="facts">
        <dt>Branch</dt>
        <dd>
          {result.branch ? (
            <>
              <code id="result-branch">{result.branch}</code> <CopyButton text={result.branch} what="branch" />
            </>
          ) : (
            'none (nothing was committed)'
          )}
        </dd>
        <dt>Commit</dt>
        <dd>{result.commit ? <code>{result.commit}</code> : '—'}</dd>
        <dt>Guardrails</dt>
        <dd>
          {result.guardrails.passed ? <span class="status passed">passed</span> : <span class="status failed">stopped</span>}
          {result.guardrails.violations.length > 0 ? <ul>{result.guardrails.violations.map((violation) => <li key={violation}>{violation}</li>)}</ul> : null}
        </dd>
        <dt>Rounds</dt>
        <dd>{result.rounds}</dd>
        <dt>Tokens</dt>
        <dd>
          {count(result.tokens.input)} in, {count(result.tokens.output)} out
        </dd>
        <dt>Time</dt>
        <dd>{duration(result.wallMs)}</dd>
      </dl>
      {result.warnings?.length ? (
        <div class="warnings" role="note">
          <h3>Warnings</h3>
          <ul>{result.warnings.map((warning) => <li key={warning}>{warning}</li>)}</ul>
        </div>
      ) : null}
      {result.review ? <ReviewView review={result.review} /> : null}
      <h3 id="pr-title-label">
        PR title <CopyButton text={result.prTitle} what="PR title" />
      </h3>
      <p class="pr-title" aria-labelledby="pr-title-label">
        {result.prTitle}
      </p>
      <h3>
        PR body <CopyButton text={result.prBody} what="PR body" />
      </h3>
      <pre class="pr-body" tabIndex={0} aria-label="PR body">
        {result.prBody}
      </pre>
      <h3>Diff</h3>
      <DiffView diff={result.diff} label="Diff of the result" />
      <h3>Checks</h3>
      <ChecksTable checks={result.checks} />
    </section>
  );
}
