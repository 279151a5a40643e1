import { open, readFile, truncate } from 'node:fs/promises';
import { Value } from '@sinclair/typebox/value';
import { MinionsError, TaskEvent, renamedTaskEvents } from '../../../schemas/index.js';

/** What a task's log file holds: its events, and how many bytes of the file they span. */
export interface LoadedLog {
  events: TaskEvent[];
  /** Bytes up to the end of the last complete, valid line; what follows is a torn write. */
  validBytes: number;
  /** Whether a torn last line was dropped. */
  torn: boolean;
  /** Torn lines before the last one that were skipped (their events, if any, are lost). */
  damaged: number;
}

/**
 * The file a `TaskLog` writes to: the few calls of a `FileHandle` it uses. Tests pass
 * one that writes short or fails as a full disk does.
 */
export interface LogFile {
  write(buffer: Buffer, offset: number, length: number): Promise<{ bytesWritten: number }>;
  datasync(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the file of a log: `wx` to create one, `a` to append to one. */
export type OpenLogFile = (path: string, flags: 'wx' | 'a') => Promise<LogFile>;

/** The log file on disk. */
export const openLogFile: OpenLogFile = (path, flags) => open(path, flags);

const NEWLINE = 0x0a;
/** Where an event starts in a line: a torn write is followed, on the same line, by the next event. */
const EVENT_START = '{"seq":';

/** An event of a log written before the events were renamed, under its name of today. */
function renamed(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('type' in value) || typeof value.type !== 'string') return value;
  const type = renamedTaskEvents.get(value.type);
  return type === undefined ? value : { ...value, type };
}

function parse(text: string): unknown {
  try {
    return renamed(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * The event a line that is not JSON still holds: a write that stopped short left the
 * start of one event, and the next write put a whole event after it on the same line.
 */
function salvage(line: string): unknown {
  for (let at = line.indexOf(EVENT_START, 1); at !== -1; at = line.indexOf(EVENT_START, at + 1)) {
    const value = parse(line.slice(at));
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Reads a task log (one JSON event per line, `seq` 1, 2, 3...), each line checked
 * against `TaskEvent`; the names of older logs are mapped to today's. A last line that is
 * incomplete or unparsable is a write the process died in, and is ignored. A line before
 * it that is not JSON is a torn write (a short write, a full disk): it is skipped, with
 * any whole event it still holds, and the numbering may jump after it. A line that is
 * JSON but not a valid event, or a jump with no torn line, means the file was damaged
 * otherwise, which is `internal` (the caller skips the task).
 */
export async function readTaskLog(path: string): Promise<LoadedLog> {
  const bytes = await readFile(path);
  const events: TaskEvent[] = [];
  let start = 0;
  let torn = false;
  let damaged = 0;
  let afterDamage = false;
  let lines = 0;
  const next = (): number => (events.at(-1)?.seq ?? 0) + 1;
  while (start < bytes.length) {
    lines++;
    const end = bytes.indexOf(NEWLINE, start);
    const complete = end !== -1;
    const line = bytes.subarray(start, complete ? end : bytes.length).toString('utf8');
    const last = !complete || end === bytes.length - 1;
    const parsed = complete ? parse(line) : undefined;
    const valid = (value: unknown): value is TaskEvent => isEvent(value, next(), afterDamage);
    if (valid(parsed)) {
      events.push(parsed);
      afterDamage = false;
    } else {
      // A torn write follows the first line, which is on disk before the task exists; JSON is not torn.
      if (!last && (parsed !== undefined || events.length === 0)) throw new MinionsError('internal', `Line ${lines} of ${path} is not a valid task event.`);
      const salvaged = complete && parsed === undefined && events.length > 0 ? salvage(line) : undefined;
      const kept = isEvent(salvaged, next(), true);
      if (last && !kept) {
        torn = true;
        break;
      }
      damaged++;
      afterDamage = !kept;
      if (kept) events.push(salvaged);
    }
    start = end + 1;
  }
  return { events, validBytes: start, torn, damaged };
}

/** Whether a value is the next event: numbered `seq`, or (after a torn line) anything above the last one. */
function isEvent(value: unknown, seq: number, afterDamage: boolean): value is TaskEvent {
  return Value.Check(TaskEvent, value) && (value.seq === seq || (afterDamage && value.seq > seq));
}

/** Whether an error is the disk (or the user's quota) being full. */
export function isDiskFull(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error.code === 'ENOSPC' || error.code === 'EDQUOT');
}

/**
 * The append-only log of one task. Appends are queued in memory and written in order
 * by one writer, each batch written whole (a short write is continued) and followed by
 * `datasync`, so an event acknowledged by `flush()` survives a crash. A batch that fails
 * (a full disk) is reported to `onError` and to the next `flush()`; the next batch starts
 * on a new line, so what was torn stays one skipped line and later events stay readable.
 */
export class TaskLog {
  private pending: string[] = [];
  private draining: Promise<void> | undefined;
  private failure: unknown;
  /** Whether a failed batch left part of a line in the file. */
  private lineOpen = false;

  private constructor(
    private readonly file: LogFile,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Creates a new log; fails if the file exists. */
  static async create(path: string, onError: (error: unknown) => void, openFile: OpenLogFile = openLogFile): Promise<TaskLog> {
    return new TaskLog(await openFile(path, 'wx'), onError);
  }

  /** Reopens a log for appending, first cutting a torn last line off at `validBytes`. */
  static async reopen(path: string, validBytes: number, onError: (error: unknown) => void, openFile: OpenLogFile = openLogFile): Promise<TaskLog> {
    await truncate(path, validBytes);
    return new TaskLog(await openFile(path, 'a'), onError);
  }

  /** Queues one event for writing. */
  append(event: TaskEvent): void {
    this.pending.push(`${JSON.stringify(event)}\n`);
    this.draining ??= this.drain();
  }

  /**
   * Resolves once every event appended so far is on disk; rejects with the write error
   * when a batch since the last `flush` could not be written.
   */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) throw failure;
  }

  /** Flushes and closes the file; the file is closed even when the flush fails. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.file.close();
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const text = `${this.lineOpen ? '\n' : ''}${this.pending.join('')}`;
        this.pending = [];
        // Until the whole batch is written, a failure may have left part of a line behind.
        this.lineOpen = true;
        await this.writeAll(Buffer.from(text, 'utf8'));
        this.lineOpen = false;
        await this.file.datasync();
      }
    } catch (error) {
      this.pending = [];
      this.failure ??= error;
      this.onError(error);
    } finally {
      this.draining = undefined;
    }
  }

  /** Writes a whole buffer: a write may take fewer bytes than it was given (a full disk, a signal). */
  private async writeAll(buffer: Buffer): Promise<void> {
    let offset = 0;
    while (offset < buffer.length) {
      const { bytesWritten } = await this.file.write(buffer, offset, buffer.length - offset);
      if (bytesWritten <= 0) throw Object.assign(new Error('The task log write made no progress.'), { code: 'EIO' });
      offset += bytesWritten;
    }
  }
}
