// Bundles the compiled CLI into a few ESM files (one chunk per lazily loaded command): resolving and
// reading ~130 small module files (yaml alone has 84) cost more start-up time than running them.
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

await build({
  entryPoints: ['src/cli/main.ts'],
  define,
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  // CommonJS dependencies (yaml, commander) call require() for Node built-ins.
  banner: { js: "import { createRequire as __sbxCreateRequire } from 'node:module'; const require = __sbxCreateRequire(import.meta.url);" },
});

// Loaded first, alone, when `apply` is on the command line: one small CommonJS file (bin/ is
// CommonJS too) starts ~25 ms sooner than the ESM loader with its chunks.
await build({
  entryPoints: ['src/cli/fast-noop.ts'],
  define,
  outfile: 'dist/bundle/fast-noop.cjs',
  bundle: true,
  // The docker layer imports execa lazily for commands the fast path never runs; bundled, it would be
  // ~300 KB for every re-apply to read and parse.
  external: ['execa'],
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
