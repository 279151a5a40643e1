// Test support for the Redis queue: a real redis-server, a server built with the Redis task
// queue listening on 127.0.0.1, a scripted Ollama whose replies depend on the task, and
// `minions worker` processes (from source through tsx) that can be killed with SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskEvent } from '../../../schemas/index.js';
import type { App } from '../../../server/http/context.js';
import type { ChatReply, ChatRequestBody } from '../../support/scripted-ollama.js';

const cliChild = fileURLToPath(new URL('../../support/cli-child.ts', import.meta.url));
const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A running `minions worker`. */
export interface WorkerChild {
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
  /** Resolves once the worker's stderr (its log) has said `text`. */
  said(text: string): Promise<void>;
}

/** Starts `minions worker ...args`; resolves once it says it takes tasks. */
export function startWorker(args: string[], env: NodeJS.ProcessEnv): Promise<WorkerChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', cliChild, 'worker', ...args], { cwd: projectRoot, env: { ...process.env, MINIONS_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const waiting: { text: string; resolve: () => void }[] = [];
  child.stderr?.on('data', (data: Buffer) => {
    log += data.toString();
    for (const wait of waiting.filter(({ text }) => log.includes(text))) {
      waiting.splice(waiting.indexOf(wait), 1);
      wait.resolve();
    }
  });
  const said = (text: string): Promise<void> => (log.includes(text) ? Promise.resolve() : new Promise((resolve) => waiting.push({ text, resolve })));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (data: Buffer) => {
      text += data.toString();
      if (text.includes('taking tasks') && child.pid !== undefined) resolve({ child, pid: child.pid, exited, stop, said });
    });
    void exited.then((code) => reject(new Error(`minions worker exited with ${code} before taking tasks: ${text}`)));
  });
}

/** A temporary folder per test, removed by `dispose`. */
export async function temporaryFolder(): Promise<{ path: string; dispose(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'minions-queue-'));
  return { path, dispose: () => rm(path, { recursive: true, force: true }) };
}

/** The job number a prompt names (`(job 7)`), from the first user message of a chat request. */
export function jobOf(request: ChatRequestBody): number | undefined {
  const text = (request.messages ?? []).map((message) => message.content ?? '').join('\n');
  const match = /\(job (\d+)\)/.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** A two-turn script per task: edit `src/math.js`, then finish; `hold(job)` may delay a turn. */
export function editThenFinish(hold: (job: number | undefined, request: ChatRequestBody) => Promise<void> = async () => undefined): (request: ChatRequestBody) => Promise<ChatReply> {
  return async (request) => {
    const tools = (request.messages ?? []).filter((message) => message.role === 'tool').length;
    if (tools === 0) {
      await hold(jobOf(request), request);
      return { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } }] };
    }
    return { toolCalls: [{ name: 'finish', arguments: { summary: 'add() adds.' } }] };
  };
}

/** Resolves with the first event of a type in a task's log, past or to come. */
export function taskEvent<T extends TaskEvent['type']>(app: App, id: string, type: T): Promise<Extract<TaskEvent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const matches = (event: TaskEvent): event is Extract<TaskEvent, { type: T }> => event.type === type;
    let unsubscribe = (): void => undefined;
    const listener = (event: TaskEvent): void => {
      if (!matches(event)) return;
      unsubscribe();
      resolve(event);
    };
    app.minions.tasks.follow(id, 0, listener).then((subscription) => {
      if (!subscription) return reject(new Error(`no task ${id}`));
      unsubscribe = subscription.unsubscribe;
      const found = subscription.past.find(matches);
      if (found) {
        unsubscribe();
        resolve(found);
      }
    }, reject);
  });
}

/** A task's events as a client reads them: over HTTP, as SSE, after `lastEventId`. */
export async function sseEvents(url: string, id: string, token: string, lastEventId?: number): Promise<TaskEvent[]> {
  const response = await fetch(`${url}/v1/tasks/${id}/events`, { headers: { authorization: `Bearer ${token}`, ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }) } });
  if (!response.ok) throw new Error(`events of ${id}: ${response.status}`);
  const text = await response.text();
  return [...text.matchAll(/^data: (.*)$/gm)].map((match) => JSON.parse(match[1] ?? '') as TaskEvent);
}
