#!/usr/bin/env node
// The `minions` command (linked onto the PATH by `npm link`; also what `npx minions` runs):
// runs the compiled CLI that `npm install` builds into dist/ in this very process, no wrapper
// child, so SIGINT and SIGTERM sent to it reach the command that works.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/server/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('minions: dist/ is missing; run `npm install` (or `npm run build`) in the repository first.\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
