import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Repository, TaskEvent, TaskStatus } from '../../schemas/index.js';
import { TaskMetrics } from './task-metrics.js';

/** What `/metrics` reports of the server's state, read at scrape time. */
export interface MetricsSnapshot {
  repositories: readonly Repository[];
  tasks: Record<TaskStatus, number>;
  queue: { waiting: number; running: number };
}

/**
 * The server's Prometheus metrics (prom-client, on a registry of this server's own, so
 * several servers in one process, as in the tests, keep theirs apart): request latency
 * by method, route pattern and status (patterns, not URLs, keep the label set bounded),
 * gauges of the server's state set at scrape time, and the task success metrics
 * (`TaskMetrics`) fed from the task events.
 */
export class Metrics {
  readonly registry = new Registry();
  /** Task outcomes, fix rounds, tokens, review findings, model latency, check durations; and `/v1/stats`. */
  readonly tasks = new TaskMetrics(this.registry);
  private readonly http = new Histogram({
    name: 'minions_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly files = new Gauge({ name: 'minions_repository_files', help: 'Files in the index of each registered repository.', labelNames: ['repository', 'root'], registers: [this.registry] });
  private readonly chunks = new Gauge({ name: 'minions_repository_chunks', help: 'Chunks in the index of each registered repository.', labelNames: ['repository', 'root'], registers: [this.registry] });
  private readonly taskStatus = new Gauge({ name: 'minions_tasks', help: 'Tasks by status.', labelNames: ['status'], registers: [this.registry] });
  private readonly waiting = new Gauge({ name: 'minions_task_queue_waiting', help: 'Tasks waiting in the queue.', registers: [this.registry] });
  private readonly running = new Gauge({ name: 'minions_task_queue_running', help: 'Tasks running.', registers: [this.registry] });
  private readonly hookDeliveries = new Counter({
    name: 'minions_hook_deliveries_total',
    help: 'Deliveries to POST /v1/hooks/ci by result: queued, duplicate, ignored, or the error code (unauthorized, rate-limited, not-found...).',
    labelNames: ['result'],
    registers: [this.registry],
  });

  /** Records one finished request. */
  observe(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method, route, status: String(status) }, seconds);
  }

  /** Counts one delivery to the CI hook. */
  hookDelivered(result: string): void {
    this.hookDeliveries.inc({ result });
  }

  /** Takes one task event (the task store calls it on every append and on every logged event at start). */
  observeTask(id: string, event: TaskEvent): void {
    this.tasks.observe(id, event);
  }

  /** The content type of the exposition. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text (format 0.0.4), with the state gauges set from the snapshot. */
  async render(snapshot: MetricsSnapshot): Promise<string> {
    // Repositories come and go: the gauges hold exactly the registered ones.
    this.files.reset();
    this.chunks.reset();
    for (const repository of snapshot.repositories) {
      this.files.set({ repository: repository.id, root: repository.root }, repository.files);
      this.chunks.set({ repository: repository.id, root: repository.root }, repository.chunks);
    }
    for (const [status, count] of Object.entries(snapshot.tasks)) this.taskStatus.set({ status }, count);
    this.waiting.set(snapshot.queue.waiting);
    this.running.set(snapshot.queue.running);
    return this.registry.metrics();
  }
}
