// What rebuilding the success metrics from the task logs costs at start: N task logs of a
// realistic shape (a run with model calls, checks and a result) are written once; then the
// task store opens them without an observer and with the server's `Metrics` observing every
// event, interleaved round by round, and a scrape of /metrics' text and of /v1/stats is timed.
//   npx tsx scripts/bench-task-metrics.ts [--tasks 2000] [--rounds 5]
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { TaskEvent } from '../schemas/index.js';
import { Metrics } from '../server/http/metrics.js';
import { TaskStore } from '../server/http/tasks/task-store.js';

const { values } = parseArgs({ options: { tasks: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '5' } } });
const taskCount = Number(values.tasks);
const rounds = Number(values.rounds);

/** The events of one finished task: 12 model calls, 6 checks, a result. */
function taskLog(index: number): TaskEvent[] {
  const time = new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString();
  const bodies: Omit<TaskEvent, 'seq' | 'time'>[] = [
    { type: 'task-queue', data: { request: { repo: '/repo', prompt: `task ${index}` }, root: '/repo' } },
    { type: 'task-start', data: {} },
    { type: 'run-start', data: { taskId: String(index), repo: '/repo', base: 'main', branch: `minions/${index}`, models: { implement: index % 2 ? 'coder:7b' : 'coder:32b' }, blueprint: 'default' } },
  ];
  for (let step = 0; step < 12; step++) {
    bodies.push({ type: 'model-call', data: { node: 'implement', step, model: index % 2 ? 'coder:7b' : 'coder:32b', digest: 'd', inputTokens: 4000, outputTokens: 200, latencyMs: 800 + ((index * 7 + step * 13) % 4000), firstTokenMs: 300 + (step % 5) * 50, loadMs: 0, toolCalls: ['edit_file'], toolCallSource: 'native', doneReason: 'stop', content: '' } });
  }
  for (const kind of ['format', 'lint', 'test', 'format', 'lint', 'test'] as const) {
    bodies.push({ type: 'check-end', data: { kind, name: kind, command: `npm run ${kind}`, exitCode: 0, passed: true, status: 'passed', durationMs: 1500, output: '' } });
  }
  const result = { outcome: 'succeeded' as const, branch: 'b', commit: 'c', diff: '', prTitle: 't', prBody: 'b', checks: [], guardrails: { passed: true, violations: [] }, rounds: index % 3, tokens: { input: 48_000, output: 2400 }, wallMs: 60_000 };
  bodies.push({ type: 'task-end', data: { status: 'succeeded', result } });
  return bodies.map((body, at) => ({ seq: at + 1, time, ...body }) as TaskEvent);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const folder = await mkdtemp(join(tmpdir(), 'minions-bench-metrics-'));
try {
  const tasks = join(folder, 'tasks');
  await mkdir(tasks);
  for (let index = 0; index < taskCount; index++) {
    await writeFile(join(tasks, `${String(index).padStart(8, '0')}.ndjson`), `${taskLog(index).map((event) => JSON.stringify(event)).join('\n')}\n`);
  }
  const log = pino({ level: 'silent' });
  const plain: number[] = [];
  const observed: number[] = [];
  const scrapes: number[] = [];
  const stats: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let started = performance.now();
    await (await TaskStore.open(tasks, { log })).close();
    plain.push(performance.now() - started);
    const metrics = new Metrics();
    started = performance.now();
    const store = await TaskStore.open(tasks, { log, observe: (id, event) => metrics.observeTask(id, event) });
    observed.push(performance.now() - started);
    started = performance.now();
    await metrics.render({ repositories: [], tasks: store.counts(), queue: { waiting: 0, running: 0 } });
    scrapes.push(performance.now() - started);
    started = performance.now();
    metrics.tasks.stats.summary();
    stats.push(performance.now() - started);
    await store.close();
  }
  const events = taskLog(0).length * taskCount;
  console.log(`${taskCount} task logs, ${events} events, ${rounds} rounds interleaved (medians)`);
  console.log(`open without metrics: ${median(plain).toFixed(0)} ms; with metrics: ${median(observed).toFixed(0)} ms (x${(median(observed) / median(plain)).toFixed(2)})`);
  console.log(`render /metrics: ${median(scrapes).toFixed(1)} ms; /v1/stats summary: ${median(stats).toFixed(1)} ms`);
} finally {
  await rm(folder, { recursive: true, force: true });
}
