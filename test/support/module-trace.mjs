// Preloaded (--import) into a CLI process under test: when it exits, writes to the file
// MINIONS_MODULE_TRACE names the npm packages it loaded, as a JSON array. ES modules are
// seen through a resolve hook, CommonJS ones in require's cache (Node 20's hooks miss
// require calls made inside packages).
import { writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const resolved = new Set();
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => resolved.add(url));
port1.unref();
const hook = `let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) { const result = await next(specifier, context); port.postMessage(result.url); return result; }`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, import.meta.url, { data: { port: port2 }, transferList: [port2] });

const require = createRequire(import.meta.url);
process.on('exit', () => {
  const file = process.env.MINIONS_MODULE_TRACE;
  if (!file) return;
  const packages = new Set();
  for (const location of [...resolved, ...Object.keys(require.cache)]) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(location);
    if (match) packages.add(match[1]);
  }
  writeFileSync(file, JSON.stringify([...packages].sort()));
});
