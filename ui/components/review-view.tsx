import type { Review } from '../../schemas/index.js';
import { duration } from '../format.js';

const actions: Record<Review['action'], string> = {
  none: 'no severe findings',
  fix: 'severe findings were sent back for a fix round',
  stop: 'severe findings stopped delivery (committed for a human)',
  failed: 'the reviewer failed: the change was not reviewed by a model',
};

/** The reviewer's verdict on the change: who reviewed, what the run did, the findings (the harness's marked) and what the reviewer did not see. */
export function ReviewView({ review }: { review: Review }) {
  const tone = review.action === 'none' ? 'passed' : review.action === 'failed' ? 'unavailable' : 'failed';
  return (
    <section aria-labelledby="review-title" class="review-view">
      <h3 id="review-title">Review</h3>
      <p>
        <code>{review.model}</code>
        {(review.round ?? 0) > 0 ? ' (after the fix round)' : ''}: <span class={`status ${tone}`}>{actions[review.action]}</span>, {duration(review.durationMs)}.
        {review.summary ? ` ${review.summary}` : ''}
      </p>
      {review.findings.length === 0 ? (
        <p>No findings.</p>
      ) : (
        <ul class="findings">
          {review.findings.map((finding, index) => (
            <li key={index}>
              <span class={`severity ${finding.severity}`}>{finding.severity}</span> {finding.category}
              {finding.file === null ? '' : <> <code>{`${finding.file}${finding.line === null ? '' : `:${finding.line}`}`}</code></>}: {finding.message}
              {finding.source === 'harness' ? ' (found by minions in the diff)' : ''}
            </li>
          ))}
        </ul>
      )}
      {review.notes?.length ? (
        <details>
          <summary>notes</summary>
          <ul>{review.notes.map((note) => <li key={note}>{note}</li>)}</ul>
        </details>
      ) : null}
    </section>
  );
}
