// Test entry (not a test file): the CLI as its own process, run from source through tsx
// (no dist/ needed). Usage: node --import tsx cli-child.ts <command> [arguments].
import { main } from '../../server/index.js';

process.exitCode = await main(process.argv.slice(2));
