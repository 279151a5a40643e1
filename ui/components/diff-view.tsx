// A unified diff rendered per file: added and removed lines marked by colour and by
// their +/- sign (kept visible, so the meaning never rests on colour alone).

/** One file of a unified diff. */
export interface DiffFile {
  path: string;
  lines: string[];
  added: number;
  removed: number;
}

/** Splits a unified diff (`git diff` output) into its files. */
export function parseDiff(diff: string): DiffFile[] {
  const files: DiffFile[] = [];
  let current: DiffFile | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      const match = / b\/(.*)$/.exec(line);
      current = { path: match?.[1] ?? line.slice(11), lines: [], added: 0, removed: 0 };
      files.push(current);
      continue;
    }
    if (current === undefined) {
      if (line === '') continue;
      current = { path: '(diff)', lines: [], added: 0, removed: 0 };
      files.push(current);
    }
    if (/^(index |--- |\+\+\+ |new file mode|deleted file mode|similarity index|rename (from|to) )/.test(line)) continue;
    if (line.startsWith('+')) current.added += 1;
    else if (line.startsWith('-')) current.removed += 1;
    current.lines.push(line);
  }
  return files;
}

function lineClass(line: string): string {
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  return 'ctx';
}

/** The diff of a task, one section per file with its counts; file headings at `level` (under the section's own heading). */
export function DiffView({ diff, label, level = 4 }: { diff: string; label: string; level?: 3 | 4 }) {
  const Heading = level === 3 ? 'h3' : 'h4';
  const files = parseDiff(diff);
  if (files.length === 0) return <p>No changes.</p>;
  return (
    <div class="diff" aria-label={label} role="region">
      {files.map((file) => (
        <section key={file.path} class="diff-file">
          <Heading>
            <code>{file.path}</code> <span class="counts">+{file.added} −{file.removed}</span>
          </Heading>
          <pre tabIndex={0} aria-label={`Changes to ${file.path}`}>
            {file.lines.map((line, index) => (
              <span key={index} class={lineClass(line)}>
                {line}
                {'\n'}
              </span>
            ))}
          </pre>
        </section>
      ))}
    </div>
  );
}
