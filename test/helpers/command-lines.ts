import { readdir, readFile } from 'node:fs/promises';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Every process's argv, sampled from /proc every 10 ms until the returned stop() (or `maxMs`, so a
 * test that never stops it cannot leave it running): what `ps` would have shown meanwhile.
 */
export function sampleCommandLines(maxMs = 120_000): () => Promise<string> {
  const seen = new Set<string>();
  const until = Date.now() + maxMs;
  let running = true;
  const loop = (async () => {
    while (running && Date.now() < until) {
      for (const pid of await readdir('/proc').catch((): string[] => [])) {
        if (/^\d+$/.test(pid)) seen.add(await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''));
      }
      await sleep(10);
    }
  })();
  return async () => {
    running = false;
    await loop;
    return [...seen].join('\n');
  };
}
