// Proves each task of an eval suite real, from the sources (no build needed): its
// verification fails on the starting point and passes with the published fix.
//   npm run eval:check -- eval/starter/suite.json [--parallel N] [--json]
import { main } from '../server/index.js';

process.exitCode = await main(['eval', ...process.argv.slice(2), '--check']);
