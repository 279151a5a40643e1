// apache-arrow, loaded once for LanceDB and for the row schemas, from the single-file
// build the package ships. LanceDB (CommonJS) requires `apache-arrow`, which resolves to
// `Arrow.node.js`: a tree of some 140 small modules whose loading was the largest part of a
// text query's start-up (docs/benchmarks.md). `Arrow.es2015.min.js` is the same library
// version, with the same exports, in one file. It lacks only the Node.js stream adapters,
// which neither LanceDB nor this project uses.
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Arrow from 'apache-arrow';

const require = createRequire(import.meta.url);

/**
 * Puts the single-file build in the require cache under the path `apache-arrow` resolves
 * to, so every later `require('apache-arrow')` (LanceDB's included) gets it; a copy
 * already loaded is kept. One copy matters beyond speed: LanceDB checks arrow values with
 * `instanceof`, so two copies of the classes would not mix.
 */
function loadArrow(): typeof Arrow {
  const entry = require.resolve('apache-arrow');
  const cached = require.cache[entry];
  if (cached !== undefined) return cached.exports as typeof Arrow;
  const library = require(join(dirname(entry), 'Arrow.es2015.min.js')) as typeof Arrow;
  const module = new Module(entry);
  module.filename = entry;
  module.loaded = true;
  module.exports = library;
  require.cache[entry] = module;
  return library;
}

/** The apache-arrow library LanceDB uses (import this module before `@lancedb/lancedb`). */
export const arrow: typeof Arrow = loadArrow();
