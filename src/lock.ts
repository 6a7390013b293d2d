import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { SbxError } from './errors.js';
import { stateDir } from './state-dir.js';

/**
 * Cross-process locks (one file per name under <state dir>/locks). A process killed with -9
 * leaves a lock that turns stale after STALE_MS without updates, so a later apply or gc proceeds.
 */
const STALE_MS = 10_000;
/** How long apply and delete wait for another sbx working on the same sandbox or mount. */
export const LOCK_TIMEOUT_MS = 120_000;
const RETRY_MS = 100;

function lockDir(): string {
  return path.join(stateDir(), 'locks');
}

async function target(name: string): Promise<string> {
  const dir = lockDir();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, name.replace(/[^A-Za-z0-9_.-]/g, '_'));
  await writeFile(file, '', { flag: 'a', mode: 0o600 });
  return file;
}

async function acquire(name: string, deadline: number): Promise<() => Promise<void>> {
  const file = await target(name);
  for (;;) {
    try {
      return await lockfile.lock(file, { stale: STALE_MS, realpath: false });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      if (Date.now() >= deadline) {
        throw new SbxError('LOCK_TIMEOUT', `timed out waiting for lock "${name}" (another sbx apply or delete is running)`);
      }
      await new Promise((r) => setTimeout(r, RETRY_MS + Math.floor(Math.random() * RETRY_MS)));
    }
  }
}

/** Run fn holding every named lock; names are taken in sorted order so two runs cannot deadlock. */
export async function withLocks<T>(names: string[], fn: () => Promise<T>, opts: { timeoutMs: number }): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const releases: (() => Promise<void>)[] = [];
  try {
    for (const name of [...new Set(names)].sort()) releases.push(await acquire(name, deadline));
    return await fn();
  } finally {
    for (const release of releases.reverse()) await release().catch(() => undefined);
  }
}

/** True when a live process holds the lock. */
export async function isLocked(name: string): Promise<boolean> {
  const file = await target(name);
  return lockfile.check(file, { stale: STALE_MS, realpath: false });
}
