// Small formatters shared by the pages.

/** 1234 ms as "1.2 s", 73000 as "1 min 13 s". */
export function duration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  const seconds = milliseconds / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** 12345 as "12,345". */
export function count(value: number): string {
  return value.toLocaleString('en');
}

/** An ISO time as the reader's local date and time. */
export function when(iso: string | undefined): string {
  if (iso === undefined) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** The first line of a text, cut at `length` characters. */
export function firstLine(text: string, length = 100): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}
