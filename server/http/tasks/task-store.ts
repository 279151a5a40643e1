import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { MinionsError, type AgentEvent, type Task, type TaskEvent, type TaskLifecycleEvent, type TaskRequest, type TaskStatus } from '../../../schemas/index.js';
import { applyEvent, foldTask, terminalStatuses, type TaskEnd, type TaskState } from './task-fold.js';
import { TaskLog, isDiskFull, openLogFile, readTaskLog, type OpenLogFile } from './task-log.js';

/** Called with each new event of a task someone follows. */
export type TaskListener = (event: TaskEvent) => void;

/** Called with every event of every task: those logged before (at open), then each appended. */
export type TaskEventObserver = (id: string, event: TaskEvent) => void;

/** Filters of `list`; `root` is a repository's real path. */
export interface TaskFilter {
  status?: TaskStatus | undefined;
  root?: string | undefined;
}

interface Entry {
  state: TaskState;
  /** Open while the task can still change. */
  log: TaskLog | undefined;
  /** Kept in memory while the task is live; a finished task's events are read from its file. */
  events: TaskEvent[] | undefined;
  listeners: Set<TaskListener>;
}

/** An event as it is appended: the store numbers and dates it. */
export type TaskEventBody = TaskLifecycleEvent | AgentEvent;

const statuses: TaskStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'];

/**
 * Tasks persisted as one append-only NDJSON event log each (`<folder>/<id>.ndjson`);
 * a task's state is the fold of its events. On open, a task that was running when
 * the process stopped gets a `task-end` with status `interrupted`; queued tasks stay
 * queued (the caller queues them again).
 */
export class TaskStore {
  private readonly entries = new Map<string, Entry>();
  private readonly retiring = new Set<Promise<void>>();
  /** The follow-ups of each task, oldest first (the other direction of each follow-up's `followUpOf`). */
  private readonly followUps = new Map<string, string[]>();

  private constructor(
    private readonly folder: string,
    private readonly log: Logger,
    private readonly clock: () => Date,
    private readonly openFile: OpenLogFile,
    private readonly observe: TaskEventObserver,
    private readonly keepRunning: boolean,
  ) {}

  /**
   * Loads every task log of a folder (creating it), marking interrupted tasks. `openFile` opens the logs' files
   * (tests inject failing ones); `observe` sees every event loaded, then every event appended (the metrics).
   * `keepRunning`: running tasks stay running (they run on queue workers, not in this process).
   */
  static async open(folder: string, options: { log: Logger; clock?: () => Date; openFile?: OpenLogFile; observe?: TaskEventObserver; keepRunning?: boolean }): Promise<TaskStore> {
    await mkdir(folder, { recursive: true });
    const store = new TaskStore(folder, options.log, options.clock ?? (() => new Date()), options.openFile ?? openLogFile, options.observe ?? (() => undefined), options.keepRunning === true);
    for (const name of (await readdir(folder)).filter((file) => file.endsWith('.ndjson')).sort()) {
      await store.load(name.slice(0, -'.ndjson'.length));
    }
    return store;
  }

  /** Ids of the queued tasks, oldest first. */
  queued(): string[] {
    return [...this.entries.values()]
      .filter((entry) => entry.state.task.status === 'queued')
      .sort((a, b) => a.state.task.createdAt.localeCompare(b.state.task.createdAt))
      .map((entry) => entry.state.task.id);
  }

  /**
   * Records a new task in status `queued`, durably: it returns only once the task's first
   * line is on disk. A full disk is `insufficient-storage` and leaves no task behind.
   */
  async create(request: TaskRequest, root: string): Promise<Task> {
    const id = randomUUID();
    const event: TaskEvent = { seq: 1, time: this.clock().toISOString(), type: 'task-queue', data: { request, root } };
    const onError = (error: unknown): void => this.log.error({ err: error, task: id }, 'could not write the task log');
    let log: TaskLog | undefined;
    try {
      log = await TaskLog.create(this.path(id), onError, this.openFile);
      log.append(event);
      await log.flush();
    } catch (error) {
      await log?.close().catch(() => undefined);
      // A log that was never acknowledged is not a task: nothing may find it after a restart.
      if (log) await rm(this.path(id), { force: true }).catch(() => undefined);
      if (isDiskFull(error)) throw new MinionsError('insufficient-storage', 'The disk of the data directory is full: the task could not be recorded. Free some space and retry.', { cause: error });
      throw error;
    }
    const entry: Entry = { state: foldTask(id, [event]), log, events: [event], listeners: new Set() };
    this.entries.set(id, entry);
    this.link(entry.state.task);
    this.observe(id, event);
    return this.view(entry);
  }

  /** A task's state, or undefined. */
  get(id: string): Task | undefined {
    const entry = this.entries.get(id);
    return entry && this.view(entry);
  }

  /** The real path of the repository a task runs on. */
  root(id: string): string | undefined {
    return this.entries.get(id)?.state.root;
  }

  /** Tasks matching the filter, newest first. */
  list(filter: TaskFilter = {}): Task[] {
    return [...this.entries.values()]
      .filter(({ state }) => (filter.status === undefined || state.task.status === filter.status) && (filter.root === undefined || state.root === filter.root))
      .sort((a, b) => b.state.task.createdAt.localeCompare(a.state.task.createdAt))
      .map((entry) => this.view(entry));
  }

  /** How many tasks are in each status. */
  counts(): Record<TaskStatus, number> {
    const counts = Object.fromEntries(statuses.map((status) => [status, 0])) as Record<TaskStatus, number>;
    for (const { state } of this.entries.values()) counts[state.task.status]++;
    return counts;
  }

  /**
   * Appends an event to a live task (numbering it), tells its followers, and queues
   * it for disk. Returns undefined for a finished or unknown task: its log is closed.
   */
  append(id: string, body: TaskEventBody): TaskEvent | undefined {
    const entry = this.entries.get(id);
    if (!entry?.log || terminalStatuses.has(entry.state.task.status)) return undefined;
    const event: TaskEvent = { seq: entry.state.lastSeq + 1, time: this.clock().toISOString(), ...body };
    applyEvent(entry.state, event);
    entry.events?.push(event);
    entry.log.append(event);
    this.observe(id, event);
    for (const listener of entry.listeners) listener(event);
    if (terminalStatuses.has(entry.state.task.status)) this.retire(entry);
    return event;
  }

  /** Ends a live task with a `task-end` event. */
  end(id: string, end: TaskEnd): TaskEvent | undefined {
    return this.append(id, { type: 'task-end', data: end });
  }

  /**
   * The events after `afterSeq` and, for a live task, a subscription to the next ones.
   * Snapshot and subscription happen in one synchronous step, so no event falls
   * between them. Undefined for an unknown task.
   */
  async follow(id: string, afterSeq: number, listener: TaskListener): Promise<{ past: TaskEvent[]; unsubscribe: () => void } | undefined> {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.events) {
      const past = entry.events.filter((event) => event.seq > afterSeq);
      if (terminalStatuses.has(entry.state.task.status)) return { past, unsubscribe: () => undefined };
      entry.listeners.add(listener);
      return { past, unsubscribe: () => entry.listeners.delete(listener) };
    }
    const { events } = await readTaskLog(this.path(id));
    return { past: events.filter((event) => event.seq > afterSeq), unsubscribe: () => undefined };
  }

  /** Resolves once every event appended so far is written (a failed write was reported to the log already). */
  async flush(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => entry.log?.flush().catch(() => undefined)));
    await Promise.all([...this.retiring]);
  }

  /** Waits until every appended event is on disk and every finished task's log is closed. */
  async close(): Promise<void> {
    await Promise.all([...this.retiring]);
    await Promise.all([...this.entries.values()].map((entry) => entry.log?.close().catch(() => undefined)));
  }

  /** A copy of a task's state as the API shows it: with its follow-ups. */
  private view(entry: Entry): Task {
    const task = structuredClone(entry.state.task);
    const followUps = this.followUps.get(task.id);
    if (followUps !== undefined) task.followUps = [...followUps];
    return task;
  }

  /** Records a follow-up on the task it follows (kept in creation order: loading goes by file name, so it sorts). */
  private link(task: Task): void {
    if (task.followUpOf === undefined) return;
    const list = this.followUps.get(task.followUpOf) ?? [];
    list.push(task.id);
    const createdAt = (id: string): string => this.entries.get(id)?.state.task.createdAt ?? '';
    list.sort((a, b) => createdAt(a).localeCompare(createdAt(b)));
    this.followUps.set(task.followUpOf, list);
  }

  private path(id: string): string {
    return join(this.folder, `${id}.ndjson`);
  }

  private async load(id: string): Promise<void> {
    try {
      const loaded = await readTaskLog(this.path(id));
      if (loaded.torn) this.log.warn({ task: id }, 'ignored a torn last line in the task log');
      if (loaded.damaged > 0) this.log.warn({ task: id, lines: loaded.damaged }, 'skipped torn lines in the middle of the task log; kept every valid event');
      const state = foldTask(id, loaded.events);
      for (const event of loaded.events) this.observe(id, event);
      const entry: Entry = { state, log: undefined, events: undefined, listeners: new Set() };
      this.entries.set(id, entry);
      this.link(state.task);
      if (terminalStatuses.has(state.task.status)) return;
      entry.events = loaded.events;
      entry.log = await TaskLog.reopen(this.path(id), loaded.validBytes, (error) => this.log.error({ err: error, task: id }, 'could not write the task log'), this.openFile);
      if (state.task.status === 'running' && !this.keepRunning) {
        this.log.warn({ task: id }, 'task was running when the server stopped: marked interrupted');
        this.end(id, { status: 'interrupted', error: 'The server stopped while the task was running.' });
      }
    } catch (error) {
      this.log.error({ err: error, task: id }, 'skipped an unreadable task log');
    }
  }

  /** Closes a finished task's log, then drops its events from memory (they are on disk). */
  private retire(entry: Entry): void {
    const log = entry.log;
    entry.log = undefined;
    entry.listeners.clear();
    const done = (log ? log.close() : Promise.resolve())
      .catch((error: unknown) => this.log.error({ err: error, task: entry.state.task.id }, 'could not close the task log'))
      .finally(() => {
        entry.events = undefined;
        this.retiring.delete(done);
      });
    this.retiring.add(done);
  }
}
