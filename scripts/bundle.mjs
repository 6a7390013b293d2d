// Bundles the CLI into a few CommonJS files: resolving and reading ~130 small module files (yaml alone
// has 84) cost more start-up time than running them.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

// Chunk names carry content hashes: without this, every build would leave the previous ones behind.
rmSync('dist/bundle', { recursive: true, force: true });

/** Changes whenever anything that can change a plan changes: sources, schema, dependencies. */
function buildId() {
  const files = ['package.json', 'package-lock.json', ...['src', 'schemas'].flatMap((d) => readdirSync(d, { recursive: true }).map((f) => path.join(d, f)))];
  const h = createHash('sha256');
  for (const f of files.sort()) {
    if (statSync(f).isFile()) h.update(`${f}\0`).update(readFileSync(f)).update('\0');
  }
  return h.digest('hex').slice(0, 32);
}

const define = { __SBX_BUILD_ID__: JSON.stringify(buildId()) };

/**
 * Packages only some commands load, each a CommonJS file of its own beside the CLI bundle: execa (the
 * commands attached to a terminal) and yaml (those that read manifests or print YAML). Every command
 * would otherwise parse their ~500 KB at start.
 */
const SEPARATE = ['execa', 'yaml'];
const separatePackages = {
  name: 'separate-packages',
  setup(b) {
    const own = new RegExp(`^(${SEPARATE.join('|')})$`);
    // A dynamic import() becomes a lazy require of the same file: the code-cache loader (bin/sbx) runs
    // the bundle as a vm script, where import() would need an experimental flag.
    b.onResolve({ filter: own }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, namespace: 'separate-lazy' } : { path: `./${args.path}.cjs`, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'separate-lazy' }, (args) => ({ contents: `module.exports = require('./${args.path}.cjs');`, loader: 'js' }));
    b.onResolve({ filter: new RegExp(`^\\./(${SEPARATE.join('|')})\\.cjs$`) }, (args) => ({ path: args.path, external: true }));
  },
};
// Minified (names kept, for error messages and stack traces): every command reads, decodes and
// deserialises the whole CLI bundle before it runs, and 680 KB → 370 KB took ~10 ms off each start.
const common = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning', minify: true, keepNames: true };
for (const pkg of SEPARATE) {
  await build({ ...common, stdin: { contents: `export * from '${pkg}';`, resolveDir: '.' }, outfile: `dist/bundle/${pkg}.cjs` });
}

// The CLI as one CommonJS file, required by bin/sbx: ~30 ms sooner to start than the same code as ES
// module chunks (Node's ESM loader compiles each module eagerly and resolves every import by URL).
// Its lazily imported commands stay lazily evaluated, and so do their requires of the files above.
await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  define: { ...define, 'import.meta.url': '__sbxImportMetaUrl' },
  inject: ['scripts/import-meta-url.mjs'],
  plugins: [separatePackages],
  outfile: 'dist/bundle/sbx.cjs',
});

if (/\bimport\(/.test(readFileSync('dist/bundle/sbx.cjs', 'utf8'))) throw new Error('dist/bundle/sbx.cjs holds an import(): the code-cache loader cannot run it');

// Loads sbx.cjs (and the files above) with V8's code cache: required by bin/sbx before the CLI bundle.
await build({ ...common, entryPoints: ['src/code-cache.ts'], outfile: 'dist/bundle/code-cache.cjs' });

// Loaded first, alone, when `apply` is on the command line: the re-apply fast path, a small file.
await build({ ...common, entryPoints: ['src/cli/fast-noop.ts'], define, plugins: [separatePackages], outfile: 'dist/bundle/fast-noop.cjs' });
