// The command-line end of a generator script: write the generated file, or with `--check` exit 1
// when the committed file differs from what the generator produces now.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Runs only when `scriptUrl` is the script node was started with (the generators are also imported by tests). */
export function writeOrCheck(scriptUrl, outFile, generate, regenerate) {
  if (!process.argv[1] || fileURLToPath(scriptUrl) !== process.argv[1]) return;
  const text = generate();
  if (process.argv.includes('--check')) {
    let current = '';
    try { current = readFileSync(outFile, 'utf8'); } catch { /* missing counts as stale */ }
    if (current !== text) {
      console.error(`${outFile} is stale: run ${regenerate}`);
      process.exit(1);
    }
    return;
  }
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, text);
}
