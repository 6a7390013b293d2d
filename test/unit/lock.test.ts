import { mkdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockEpoch, withLocks } from '../../src/lock.js';
import { freshStateDirPerTest } from '../helpers/state-dir.js';

const opts = { timeoutMs: 30_000 };
const stateDir = freshStateDirPerTest('sbx-lock-');

/** Whether withLocks says nothing changed since `since`. */
const unchanged = (names: string[], since: string | undefined) => withLocks(names, async (held) => held.unchangedSinceEpoch, { ...opts, since });

describe('lock epoch', () => {
  it('is new after every release, and an observation made since the last one is still true', async () => {
    expect(await lockEpoch()).toBeUndefined();
    expect(await unchanged(['sandbox-a'], await lockEpoch())).toBe(false);
    const first = await lockEpoch();
    expect(first).toMatch(/^[0-9a-f]{24}$/);
    expect(await unchanged(['sandbox-a', 'sandbox-b'], first)).toBe(true);
    expect(await lockEpoch()).not.toBe(first);
    expect(await unchanged(['sandbox-a'], undefined)).toBe(false);
  });

  it('tells a change when another holder released any lock after the epoch was read', async () => {
    await withLocks(['sandbox-x'], async () => undefined, opts);
    const since = await lockEpoch();
    await withLocks(['sandbox-other'], async () => undefined, opts);
    expect(await unchanged(['sandbox-a'], since)).toBe(false);
  });

  it('tells a change when another process held the lock meanwhile (its release is one)', async () => {
    await withLocks(['sandbox-x'], async () => undefined, opts);
    const since = await lockEpoch();
    let release!: () => void;
    const holding = withLocks(['sandbox-a'], () => new Promise<void>((r) => (release = r)), opts);
    await new Promise((r) => setTimeout(r, 50));
    const waiting = unchanged(['sandbox-a'], since);
    setTimeout(() => release(), 300);
    await holding;
    expect(await waiting).toBe(false);
  });

  it('tells a change when the lock was left by a killed process (a stale lock taken over)', async () => {
    await withLocks(['sandbox-x'], async () => undefined, opts);
    const since = await lockEpoch();
    // What proper-lockfile leaves behind when its process is killed: the marker directory, no epoch change.
    const marker = path.join(stateDir(), 'locks', 'sandbox-a.lock');
    mkdirSync(marker);
    const old = new Date(Date.now() - 60_000);
    utimesSync(marker, old, old);
    expect(await unchanged(['sandbox-a'], since)).toBe(false);
    expect(await unchanged(['sandbox-a'], await lockEpoch())).toBe(true);
  });
});
