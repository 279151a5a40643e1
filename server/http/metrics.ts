import type { Repository, TaskStatus } from '../../schemas/index.js';

/** Upper bounds (seconds) of the request latency histogram's buckets. */
const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  labels: string;
  counts: number[];
  sum: number;
  count: number;
}

/** What `/metrics` reports besides request latency, read at scrape time. */
export interface MetricsSnapshot {
  repositories: readonly Repository[];
  tasks: Record<TaskStatus, number>;
  tokens: { input: number; output: number };
  queue: { waiting: number; running: number };
}

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}="${label(value)}"`)
    .join(',');
}

/**
 * Prometheus metrics in the text exposition format (0.0.4): a request latency
 * histogram by method, route pattern and status, and gauges read from the server's
 * state when scraped. Route patterns (not URLs) keep the label set bounded.
 */
export class Metrics {
  private readonly series = new Map<string, Series>();

  /** Records one finished request. */
  observe(method: string, route: string, status: number, seconds: number): void {
    const key = labels({ method, route, status: String(status) });
    let series = this.series.get(key);
    if (!series) {
      series = { labels: key, counts: buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    for (const [index, bound] of buckets.entries()) if (seconds <= bound) series.counts[index] = (series.counts[index] ?? 0) + 1;
    series.sum += seconds;
    series.count++;
  }

  /** The exposition text. */
  render(snapshot: MetricsSnapshot): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };
    metric('minions_http_request_duration_seconds', 'histogram', 'HTTP request latency by method, route and status.');
    for (const series of this.series.values()) {
      for (const [index, bound] of buckets.entries()) lines.push(`minions_http_request_duration_seconds_bucket{${series.labels},le="${bound}"} ${series.counts[index] ?? 0}`);
      lines.push(`minions_http_request_duration_seconds_bucket{${series.labels},le="+Inf"} ${series.count}`);
      lines.push(`minions_http_request_duration_seconds_sum{${series.labels}} ${series.sum}`);
      lines.push(`minions_http_request_duration_seconds_count{${series.labels}} ${series.count}`);
    }
    metric('minions_repository_files', 'gauge', 'Files in the index of each registered repository.');
    for (const repository of snapshot.repositories) lines.push(`minions_repository_files{${labels({ repository: repository.id, root: repository.root })}} ${repository.files}`);
    metric('minions_repository_chunks', 'gauge', 'Chunks in the index of each registered repository.');
    for (const repository of snapshot.repositories) lines.push(`minions_repository_chunks{${labels({ repository: repository.id, root: repository.root })}} ${repository.chunks}`);
    metric('minions_tasks', 'gauge', 'Tasks by status.');
    for (const [status, count] of Object.entries(snapshot.tasks)) lines.push(`minions_tasks{status="${status}"} ${count}`);
    metric('minions_task_queue_waiting', 'gauge', 'Tasks waiting in the queue.');
    lines.push(`minions_task_queue_waiting ${snapshot.queue.waiting}`);
    metric('minions_model_tokens_total', 'counter', 'Model tokens summed over the results of all tasks, by direction.');
    lines.push(`minions_model_tokens_total{direction="input"} ${snapshot.tokens.input}`, `minions_model_tokens_total{direction="output"} ${snapshot.tokens.output}`);
    return `${lines.join('\n')}\n`;
  }
}
