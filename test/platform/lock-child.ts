// Test entry (not a test file): takes a lock, prints "held", and keeps it until killed.
// Usage: lock-child.ts <lock file>.
import { acquireLock } from '../../platform/index.js';

const [path] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: lock-child.ts <lock file>');
await acquireLock(path, { command: 'lock-child' });
process.stdout.write('held\n');
setInterval(() => undefined, 60_000);
