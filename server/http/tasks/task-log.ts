import { open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { Value } from '@sinclair/typebox/value';
import { MinionsError, TaskEvent, renamedTaskEvents } from '../../../schemas/index.js';

/** What a task's log file holds: its events, and how many bytes of the file they span. */
export interface LoadedLog {
  events: TaskEvent[];
  /** Bytes up to the end of the last complete, valid line; what follows is a torn write. */
  validBytes: number;
  /** Whether a torn last line was dropped. */
  torn: boolean;
}

const NEWLINE = 0x0a;

/** An event of a log written before the events were renamed, under its name of today. */
function renamed(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('type' in value) || typeof value.type !== 'string') return value;
  const type = renamedTaskEvents.get(value.type);
  return type === undefined ? value : { ...value, type };
}

function isEvent(value: unknown, seq: number): value is TaskEvent {
  return Value.Check(TaskEvent, value) && value.seq === seq;
}

/**
 * Reads a task log (one JSON event per line, `seq` 1, 2, 3...), each line checked
 * against `TaskEvent`; the names of older logs are mapped to today's. A last line that is
 * incomplete or unparsable is a write the process died in, and is ignored; a bad line
 * before it means the file was damaged, which is `internal` (the caller skips the task).
 */
export async function readTaskLog(path: string): Promise<LoadedLog> {
  const bytes = await readFile(path);
  const events: TaskEvent[] = [];
  let start = 0;
  let torn = false;
  while (start < bytes.length) {
    const end = bytes.indexOf(NEWLINE, start);
    const complete = end !== -1;
    const line = bytes.subarray(start, complete ? end : bytes.length).toString('utf8');
    let parsed: unknown;
    try {
      parsed = renamed(JSON.parse(line));
    } catch {
      parsed = undefined;
    }
    const last = !complete || end === bytes.length - 1;
    if (!complete || !isEvent(parsed, events.length + 1)) {
      if (last) {
        torn = true;
        break;
      }
      throw new MinionsError('internal', `Line ${events.length + 1} of ${path} is not a valid task event.`);
    }
    events.push(parsed);
    start = end + 1;
  }
  return { events, validBytes: start, torn };
}

/**
 * The append-only log of one task. Appends are queued in memory and written in order
 * by one writer, each batch followed by `datasync`, so an event acknowledged by
 * `flush()` survives a crash; a crash mid-write leaves at most a torn last line.
 */
export class TaskLog {
  private pending: string[] = [];
  private draining: Promise<void> | undefined;

  private constructor(
    private readonly handle: FileHandle,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Creates a new log; fails if the file exists. */
  static async create(path: string, onError: (error: unknown) => void): Promise<TaskLog> {
    return new TaskLog(await open(path, 'wx'), onError);
  }

  /** Reopens a log for appending, first cutting a torn last line off at `validBytes`. */
  static async reopen(path: string, validBytes: number, onError: (error: unknown) => void): Promise<TaskLog> {
    await truncate(path, validBytes);
    return new TaskLog(await open(path, 'a'), onError);
  }

  /** Queues one event for writing. */
  append(event: TaskEvent): void {
    this.pending.push(`${JSON.stringify(event)}\n`);
    this.draining ??= this.drain();
  }

  /** Resolves once every event appended so far is on disk. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    await this.flush();
    await this.handle.close();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const text = this.pending.join('');
        this.pending = [];
        await this.handle.write(text);
        await this.handle.datasync();
      }
    } catch (error) {
      this.pending = [];
      this.onError(error);
    } finally {
      this.draining = undefined;
    }
  }
}
