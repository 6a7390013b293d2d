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
    b.onResolve({ filter: new RegExp(`^(${SEPARATE.join('|')})$`) }, (args) => ({ path: `./${args.path}.cjs`, external: true }));
  },
};
const common = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning' };
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

// Loaded first, alone, when `apply` is on the command line: the re-apply fast path, a small file.
await build({ ...common, entryPoints: ['src/cli/fast-noop.ts'], define, plugins: [separatePackages], outfile: 'dist/bundle/fast-noop.cjs' });
