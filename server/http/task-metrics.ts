import { Counter, Histogram, type Registry } from 'prom-client';
import type { AgentEventMap, TaskEvent, TaskRequest } from '../../schemas/index.js';
import { TaskStats, type StatsLabels } from './task-stats.js';

type Labels = 'model' | 'blueprint';

/** The labels of a task before its run says which model it uses: the request's, else `default` (the server's). */
function requested(request: TaskRequest): StatsLabels {
  return { model: request.model ?? 'default', blueprint: request.blueprint ?? 'default' };
}

/** The model a run's agentic nodes use: the implement node's, else the first named. */
function runModel(data: AgentEventMap['run-start']): string | undefined {
  return data.models['implement'] ?? Object.values(data.models)[0];
}

/**
 * The success metrics of tasks (issue 16 part 5), fed with every task event as the task
 * store appends it, and with every logged event when the store loads, so counters survive
 * a restart and tasks run by other processes that write through the store count too.
 * Registers its Prometheus series on the server's registry and keeps `TaskStats` for
 * `GET /v1/stats`.
 */
export class TaskMetrics {
  readonly stats = new TaskStats();
  /** The labels of each task that has not ended. */
  private readonly live = new Map<string, StatsLabels>();
  private readonly tasks: Counter<Labels | 'outcome'>;
  private readonly fixRounds: Histogram<Labels>;
  private readonly taskDuration: Histogram<Labels | 'outcome'>;
  private readonly tokens: Counter<Labels | 'direction'>;
  private readonly findings: Counter<Labels | 'severity' | 'category'>;
  private readonly modelLatency: Histogram<Labels>;
  private readonly firstToken: Histogram<Labels>;
  private readonly checkDuration: Histogram<'kind' | 'status'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.tasks = new Counter({ name: 'minions_tasks_total', help: 'Ended tasks by model, blueprint and outcome (succeeded, failed, cancelled, interrupted).', labelNames: ['model', 'blueprint', 'outcome'], registers });
    this.fixRounds = new Histogram({ name: 'minions_task_fix_rounds', help: 'Fix rounds of the tasks that handed back a result.', labelNames: ['model', 'blueprint'], buckets: [0, 1, 2, 3, 4, 5, 10], registers });
    this.taskDuration = new Histogram({ name: 'minions_task_duration_seconds', help: 'Wall time of the runs that handed back a result.', labelNames: ['model', 'blueprint', 'outcome'], buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600], registers });
    this.tokens = new Counter({ name: 'minions_model_tokens_total', help: 'Model tokens summed over the results of all tasks, by direction, model and blueprint.', labelNames: ['direction', 'model', 'blueprint'], registers });
    this.findings = new Counter({ name: 'minions_review_findings_total', help: "The reviewer's findings by severity and category.", labelNames: ['model', 'blueprint', 'severity', 'category'], registers });
    this.modelLatency = new Histogram({ name: 'minions_model_latency_seconds', help: 'Model calls: request to last streamed chunk, by the model that answered.', labelNames: ['model', 'blueprint'], buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300], registers });
    this.firstToken = new Histogram({ name: 'minions_model_first_token_seconds', help: 'Model calls: request to the first streamed content or tool call.', labelNames: ['model', 'blueprint'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60], registers });
    this.checkDuration = new Histogram({ name: 'minions_check_duration_seconds', help: 'Checks the agent ran (format, fix, lint, related-test, test) by kind and verdict.', labelNames: ['kind', 'status'], buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600], registers });
  }

  /** Takes one event of a task, in the order of its log. */
  observe(id: string, event: TaskEvent): void {
    switch (event.type) {
      case 'task-queue':
        this.live.set(id, requested(event.data.request));
        return;
      case 'run-start': {
        const labels = this.live.get(id);
        if (labels) this.live.set(id, { model: runModel(event.data) ?? labels.model, blueprint: event.data.blueprint });
        return;
      }
      case 'model-call':
        this.modelCalled(this.live.get(id), event.data);
        return;
      case 'check-end':
        this.checkDuration.observe({ kind: event.data.kind, status: event.data.status ?? (event.data.passed ? 'passed' : 'failed') }, event.data.durationMs / 1000);
        return;
      case 'task-end':
        this.taskEnded(id, event.data);
        return;
      default:
        return;
    }
  }

  private modelCalled(task: StatsLabels | undefined, call: AgentEventMap['model-call']): void {
    const labels = { model: call.model, blueprint: task?.blueprint ?? 'default' };
    this.modelLatency.observe(labels, call.latencyMs / 1000);
    if (call.firstTokenMs !== undefined) this.firstToken.observe(labels, call.firstTokenMs / 1000);
    this.stats.modelCalled(labels, call.latencyMs, call.firstTokenMs);
  }

  private taskEnded(id: string, end: Extract<TaskEvent, { type: 'task-end' }>['data']): void {
    const labels = this.live.get(id);
    // A task-end without the task's first event (a damaged log) has nothing to count under.
    if (!labels) return;
    this.live.delete(id);
    const { result } = end;
    this.tasks.inc({ ...labels, outcome: end.status });
    this.stats.taskEnded(labels, end.status, result);
    if (!result) return;
    this.fixRounds.observe(labels, result.rounds);
    this.taskDuration.observe({ ...labels, outcome: end.status }, result.wallMs / 1000);
    this.tokens.inc({ direction: 'input', ...labels }, result.tokens.input);
    this.tokens.inc({ direction: 'output', ...labels }, result.tokens.output);
    for (const finding of result.review?.findings ?? []) this.findings.inc({ ...labels, severity: finding.severity, category: finding.category });
  }
}
