// Bundles the web UI (ui/) with esbuild into dist/ui/ (or the folder given as the first
// argument): one minified app.js with Preact inside, the stylesheet and index.html.
// `npm run build` (and so `prepare`, at install) runs it; nothing is fetched at run time.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = resolve(process.argv[2] ?? join(root, 'dist', 'ui'));

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
const result = await build({
  entryPoints: [join(root, 'ui', 'main.tsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022'],
  platform: 'browser',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: join(outdir, 'app.js'),
  // Browser code imports only types from schemas/; anything else from Node would fail here.
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});
for (const file of ['index.html', 'styles.css', 'favicon.svg']) await copyFile(join(root, 'ui', file), join(outdir, file));
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
process.stdout.write(`minions ui: ${outdir} (app.js ${(bytes / 1024).toFixed(1)} KiB)\n`);
