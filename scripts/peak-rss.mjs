// Peak memory of a command and its child processes, without forking a sampler (a loop that
// forks `ps` ten times a second halved the indexer's speed). Every 100 ms it sums VmRSS of
// the command and its descendants from /proc; it also prints the command's own VmHWM (its
// peak, seen by the kernel between samples too) and when lines matching --mark appeared.
// With --every SECONDS it also prints a line that often: the command's RSS now, its peak so
// far and the last line it printed (where the memory goes, phase by phase).
//   node scripts/peak-rss.mjs [--mark REGEX] [--every SECONDS] -- ./bin/minions index /usr/share/go-1.19/src --data-dir /tmp/fresh
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { clearInterval, setInterval } from 'node:timers';

const args = process.argv.slice(2);
const split = args.indexOf('--');
if (split < 0 || split === args.length - 1) {
  process.stderr.write('usage: node scripts/peak-rss.mjs [--mark REGEX] [--every SECONDS] -- command [args...]\n');
  process.exit(2);
}
const markAt = args.indexOf('--mark');
const mark = markAt >= 0 && markAt < split ? new RegExp(args[markAt + 1]) : /Searchable by text|^Indexed /;
const everyAt = args.indexOf('--every');
const every = everyAt >= 0 && everyAt < split ? Number(args[everyAt + 1]) * 1000 : 0;
const [command, ...rest] = args.slice(split + 1);

const field = (pid, name) => {
  try {
    return Number(new RegExp(`${name}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};
const children = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
const treeRss = (pid) => field(pid, 'VmRSS') + children(pid).reduce((sum, child) => sum + treeRss(child), 0);

const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
const child = spawn(command, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
const marks = [];
let last = '';
for (const stream of [child.stdout, child.stderr]) {
  createInterface({ input: stream }).on('line', (line) => {
    for (const part of line.split('\r')) {
      if (part.trim() !== '') last = part.trim();
      if (mark.test(part)) marks.push(`${seconds()} s  ${part.trim()}`);
    }
  });
}
let peakTree = 0;
let peakOwn = 0;
const sample = () => {
  peakTree = Math.max(peakTree, treeRss(child.pid));
  peakOwn = Math.max(peakOwn, field(child.pid, 'VmHWM'));
};
const timer = setInterval(sample, 100);
const mb = (kilobytes) => `${Math.round(kilobytes / 1024)} MB`;
const trace = every > 0 ? setInterval(() => console.log(`${seconds().padStart(7)} s  RSS ${mb(field(child.pid, 'VmRSS'))}, peak ${mb(field(child.pid, 'VmHWM'))}  ${last.slice(0, 100)}`), every) : undefined;
child.on('exit', (code, signal) => {
  clearInterval(timer);
  if (trace !== undefined) clearInterval(trace);
  console.log(marks.join('\n'));
  console.log(`exit ${code ?? signal} after ${seconds()} s; peak RSS: the command ${Math.round(peakOwn / 1024)} MB (VmHWM), it and its child processes together ${Math.round(peakTree / 1024)} MB (sampled)`);
});
