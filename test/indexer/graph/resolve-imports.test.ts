import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PathIndex } from '../../../indexer/graph/path-index.js';
import { resolveImports, type GoModule } from '../../../indexer/graph/resolve-imports.js';
import type { LanguageId } from '../../../schemas/index.js';

/** A repository's files as the manifest lists them; resolution never reads the disk. */
const files = new PathIndex([
  'web/src/app.ts', 'web/src/util.ts', 'web/src/Button.tsx', 'web/lib/index.ts', 'web/src/legacy.mjs',
  'py/pkg/__init__.py', 'py/pkg/core.py', 'py/pkg/sub/__init__.py', 'py/pkg/sub/mod.py', 'src/pkg/core.py', 'tests/fixtures/src/pkg/core.py',
  'go.mod', 'cmd/main.go', 'tools/go.mod', 'tools/gen/gen.go', 'tools/gen/gen_test.go', 'internal/store/store.go',
  'crates/api/src/lib.rs', 'crates/api/src/handlers.rs', 'crates/api/src/handlers/auth.rs', 'crates/api/src/store.rs', 'crates/bank-core/src/lib.rs', 'crates/bank-core/src/ledger/mod.rs',
  'java/com/x/Util.java', 'c/src/a.c', 'c/include/x.h', 'c/src/x.h', 'php/src/App.php', 'php/src/lib/helpers.php',
]);
const goModules: GoModule[] = [
  { folder: 'tools', path: 'example.com/app/tools' },
  { folder: '', path: 'example.com/app' },
];
const resolve = (from: string, language: LanguageId, specifier: string, kind = 'module'): string[] => resolveImports(from, language, [{ specifier, kind }], { files, goModules });

describe('import resolution', () => {
  it('JS/TS: relative specifiers with extensions, a .js written for a .ts, index files; packages and paths out of the repository drop', () => {
    assert.deepEqual(resolve('web/src/app.ts', 'typescript', './util.js'), ['web/src/util.ts']);
    assert.deepEqual(resolve('web/src/app.ts', 'typescript', './Button'), ['web/src/Button.tsx']);
    assert.deepEqual(resolve('web/src/app.ts', 'typescript', '../lib'), ['web/lib/index.ts']);
    assert.deepEqual(resolve('web/src/app.ts', 'typescript', './legacy.mjs'), ['web/src/legacy.mjs']);
    assert.deepEqual(resolve('web/src/app.ts', 'typescript', 'react'), []);
    assert.deepEqual(resolve('web/src/app.ts', 'typescript', '../../../outside'), []);
  });

  it('Python: relative dots climb packages; absolute modules from the shallowest folder that has them', () => {
    assert.deepEqual(resolve('py/pkg/sub/mod.py', 'python', '..core', 'from'), ['py/pkg/core.py']);
    assert.deepEqual(resolve('py/pkg/sub/mod.py', 'python', '.', 'from'), ['py/pkg/sub/__init__.py']);
    assert.deepEqual(resolve('py/pkg/core.py', 'python', 'pkg.sub', 'import'), ['py/pkg/sub/__init__.py']);
    assert.deepEqual(resolve('src/pkg/core.py', 'python', 'pkg.core', 'import').length, 1);
    assert.deepEqual(resolve('py/pkg/core.py', 'python', 'os.path', 'import'), []);
  });

  it('Go: the module owning the path (the nested one first) gives the package folder, tests excluded', () => {
    assert.deepEqual(resolve('cmd/main.go', 'go', 'example.com/app/tools/gen', 'package'), ['tools/gen/gen.go']);
    assert.deepEqual(resolve('cmd/main.go', 'go', 'example.com/app/internal/store', 'package'), ['internal/store/store.go']);
    assert.deepEqual(resolve('cmd/main.go', 'go', 'fmt', 'package'), []);
    assert.deepEqual(resolveImports('main.go', 'go', [{ specifier: 'fmt', kind: 'package' }], { files: new PathIndex(['go.mod', 'main.go', 'fmt/print.go']), goModules: [{ folder: '', path: 'std' }] }), ['fmt/print.go']);
  });

  it('Rust: mod beside the file, crate/self/super paths to their longest module file, other crates of a workspace', () => {
    assert.deepEqual(resolve('crates/api/src/lib.rs', 'rust', 'handlers', 'mod'), ['crates/api/src/handlers.rs']);
    assert.deepEqual(resolve('crates/api/src/handlers.rs', 'rust', 'auth', 'mod'), ['crates/api/src/handlers/auth.rs']);
    assert.deepEqual(resolve('crates/api/src/handlers/auth.rs', 'rust', 'crate::store::Ledger', 'use'), ['crates/api/src/store.rs']);
    assert.deepEqual(resolve('crates/api/src/handlers/auth.rs', 'rust', 'super::super::store', 'use'), ['crates/api/src/store.rs']);
    assert.deepEqual(resolve('crates/api/src/handlers.rs', 'rust', 'super::store', 'use'), ['crates/api/src/store.rs']);
    assert.deepEqual(resolve('crates/api/src/handlers.rs', 'rust', 'self::auth::check', 'use'), ['crates/api/src/handlers/auth.rs']);
    assert.deepEqual(resolve('crates/api/src/lib.rs', 'rust', 'bank_core::ledger::Ledger', 'use'), ['crates/bank-core/src/ledger/mod.rs']);
    assert.deepEqual(resolve('crates/api/src/lib.rs', 'rust', 'bank_core::Account', 'use'), ['crates/bank-core/src/lib.rs']);
    assert.deepEqual(resolve('crates/api/src/lib.rs', 'rust', 'std::collections::BTreeMap', 'use'), []);
  });

  it('Java static imports, C includes beside the file first, PHP requires from the file\'s folder', () => {
    assert.deepEqual(resolve('java/com/x/App.java', 'java', 'com.x.Util.helper', 'import'), ['java/com/x/Util.java']);
    assert.deepEqual(resolve('c/src/a.c', 'c', 'x.h', 'local'), ['c/src/x.h']);
    assert.deepEqual(resolve('c/src/a.c', 'c', '../include/x.h', 'local'), ['c/include/x.h']);
    assert.deepEqual(resolve('c/src/a.c', 'c', 'stdio.h', 'system'), []);
    assert.deepEqual(resolve('php/src/App.php', 'php', '/lib/helpers.php', 'require'), ['php/src/lib/helpers.php']);
  });
});
