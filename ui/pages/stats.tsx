import type { Percentiles, StatsSummary } from '../../schemas/index.js';
import { api } from '../api.js';
import { count, duration } from '../format.js';
import { usePoll } from '../use-poll.js';

function rate(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 100)}%`;
}

function rounds(value: number | null): string {
  return value === null ? '—' : value.toFixed(2);
}

function spread(value: Percentiles | null): string {
  return value === null ? '—' : `${duration(value.p50)} / ${duration(value.p95)}`;
}

function findings(summary: StatsSummary): string {
  const { critical, major, minor, info } = summary.reviewFindings;
  return critical + major + minor + info === 0 ? '—' : `${critical} critical, ${major} major, ${minor} minor, ${info} info`;
}

/** The cells of one row: the same figures for a group and for the totals. */
function Figures({ summary }: { summary: StatsSummary }) {
  return (
    <>
      <td>{count(summary.tasks.total)}</td>
      <td>{count(summary.tasks.succeeded)}</td>
      <td>{count(summary.tasks.failed + summary.tasks.cancelled + summary.tasks.interrupted)}</td>
      <td>{rate(summary.successRate)}</td>
      <td>{rounds(summary.meanFixRounds)}</td>
      <td>
        {count(summary.tokens.input)} / {count(summary.tokens.output)}
      </td>
      <td>{count(summary.modelCalls)}</td>
      <td>{spread(summary.latencyMs)}</td>
      <td>{spread(summary.firstTokenMs)}</td>
      <td>{findings(summary)}</td>
    </>
  );
}

/** Stats: how tasks fare per model and blueprint (`GET /v1/stats`), refreshed every 10 s. */
export function StatsPage() {
  const stats = usePoll((signal) => api.stats(signal), [], () => 10_000);
  const groups = stats.value?.groups ?? [];
  return (
    <>
      <h1>Stats</h1>
      <p>Ended tasks per model and blueprint, from every task log of this server; model calls under the model that answered them.</p>
      {stats.error ? <p role="alert" class="error-text">{stats.error}</p> : null}
      {groups.length === 0 || !stats.value ? (
        <p>{stats.value === undefined ? 'Loading…' : 'No task has ended yet.'}</p>
      ) : (
        <div class="table-scroll">
          <table class="stats">
            <caption>Tasks and model calls per model and blueprint</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Blueprint</th>
                <th scope="col">Tasks</th>
                <th scope="col">Succeeded</th>
                <th scope="col">Not succeeded</th>
                <th scope="col">Success rate</th>
                <th scope="col">Mean fix rounds</th>
                <th scope="col">Tokens in / out</th>
                <th scope="col">Model calls</th>
                <th scope="col">Latency p50 / p95</th>
                <th scope="col">First token p50 / p95</th>
                <th scope="col">Review findings</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((group) => (
                <tr key={`${group.model}\n${group.blueprint}`}>
                  <th scope="row">
                    <code>{group.model}</code>
                  </th>
                  <td>{group.blueprint}</td>
                  <Figures summary={group} />
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={2}>
                  All
                </th>
                <Figures summary={stats.value.totals} />
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </>
  );
}
