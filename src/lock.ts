import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
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

/** The lock file's holder marker (proper-lockfile's directory). */
const heldMarker = (file: string) => `${file}.lock`;

/** `contended`: the lock was held, or left by a killed process, when this process came to take it. */
async function acquire(name: string, deadline: number): Promise<{ release: () => Promise<void>; contended: boolean }> {
  const file = await target(name);
  let contended = await stat(heldMarker(file)).then(
    () => true,
    () => false,
  );
  for (;;) {
    try {
      return { release: await lockfile.lock(file, { stale: STALE_MS, realpath: false, lockfilePath: heldMarker(file) }), contended };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      contended = true;
      if (Date.now() >= deadline) {
        throw new SbxError('LOCK_TIMEOUT', `timed out waiting for lock "${name}" (another sbx apply or delete is running)`);
      }
      await new Promise((r) => setTimeout(r, RETRY_MS + Math.floor(Math.random() * RETRY_MS)));
    }
  }
}

/**
 * A token every sbx process replaces before it releases locks, so that what was observed before taking
 * them can be told still true: read it (lockEpoch) before observing, and pass it as `since`.
 */
const epochFile = () => path.join(lockDir(), 'epoch');

export async function lockEpoch(): Promise<string | undefined> {
  return readFile(epochFile(), 'utf8').catch(() => undefined);
}

async function newEpoch(): Promise<void> {
  const file = epochFile();
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, randomBytes(12).toString('hex'), { mode: 0o600 });
    await rename(tmp, file);
  } catch {
    // Without a new token, no one may trust an earlier observation: no token at all says so.
    await unlink(tmp).catch(() => undefined);
    await unlink(file).catch(() => undefined);
  }
}

export interface Held {
  /**
   * True when nothing sbx does can have changed since `opts.since` was read: no sbx process released a
   * lock since (each replaces the epoch first), and none of these locks was held or left by a killed
   * process when this one came to take it.
   */
  unchangedSinceEpoch: boolean;
}

/** Run fn holding every named lock; names are taken in sorted order so two runs cannot deadlock. */
export async function withLocks<T>(names: string[], fn: (held: Held) => Promise<T>, opts: { timeoutMs: number; since?: string }): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const releases: (() => Promise<void>)[] = [];
  let contended = false;
  try {
    for (const name of [...new Set(names)].sort()) {
      const lock = await acquire(name, deadline);
      releases.push(lock.release);
      contended ||= lock.contended;
    }
    const unchangedSinceEpoch = opts.since !== undefined && !contended && (await lockEpoch()) === opts.since;
    return await fn({ unchangedSinceEpoch });
  } finally {
    if (releases.length) await newEpoch();
    for (const release of releases.reverse()) await release().catch(() => undefined);
  }
}

/** True when a live process holds the lock. */
export async function isLocked(name: string): Promise<boolean> {
  const file = await target(name);
  return lockfile.check(file, { stale: STALE_MS, realpath: false });
}
