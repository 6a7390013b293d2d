import { readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { SbxError } from '../../errors.js';
import { withLocks } from '../../lock.js';
import { mountLockNames } from '../mount-lock.js';
import type { GcAction } from '../backend.js';
import type { BackendContext } from '../types.js';
import { staleCredentialDirs } from './credentials.js';
import type { BucketKind } from './adapter.js';
import { KEY_PATTERN, logRoot as logRootOf, mountDirFor, mountRoot } from './identity.js';
import { probeMount } from './probe.js';
import { mountRequest, REMOUNT_SUFFIX, remountOver } from './remount.js';
import { volumeOfKey } from './spec-volume.js';
import { removeMount } from './teardown.js';
import { unmountDir } from './unmount.js';
import { mountUsers } from './users.js';

const LOCK_TIMEOUT_MS = 1_000;
/** A credential directory older than this belongs to an sbx that died while mounting. */
const STALE_CREDENTIALS_MS = 5 * 60_000;

/** `sbx gc`: mounts no container uses, dead FUSE endpoints, and what interrupted mounts left behind. */
export async function sweepBuckets(ctx: BackendContext, kind: BucketKind, dryRun: boolean): Promise<GcAction[]> {
  const actions: GcAction[] = [];
  const entries = await readdir(mountRoot(ctx.stateDir, kind.kind)).catch(() => [] as string[]);
  const keys = entries.filter((k) => KEY_PATTERN.test(k));
  for (const key of keys) {
    try {
      await withLocks(mountLockNames([key]), () => sweepMount(ctx, kind, key, dryRun, actions), { timeoutMs: LOCK_TIMEOUT_MS });
    } catch (err) {
      if (!(err instanceof SbxError)) throw err;
      if (err.code === 'LOCK_TIMEOUT') ctx.log(`${kind.kind} mount ${key}: in use by a running sbx, skipped`);
      else ctx.warn(err.message);
    }
  }
  for (const key of entries.filter((e) => e.endsWith(REMOUNT_SUFFIX) && KEY_PATTERN.test(e.slice(0, -REMOUNT_SUFFIX.length)))) {
    await sweepRemountLeftover(ctx, kind, key.slice(0, -REMOUNT_SUFFIX.length), dryRun, actions);
  }
  const logRoot = logRootOf(ctx.stateDir, kind.kind);
  for (const key of (await readdir(logRoot).catch(() => [] as string[])).filter((k) => KEY_PATTERN.test(k) && !keys.includes(k))) {
    actions.push({ what: `${kind.kind} log directory ${path.join(logRoot, key)}`, reason: 'its mount is gone' });
    if (!dryRun) await rm(path.join(logRoot, key), { recursive: true, force: true });
  }
  for (const dir of await staleCredentialDirs(ctx.stateDir, kind.kind, STALE_CREDENTIALS_MS)) {
    actions.push({ what: `credential file ${dir}`, reason: 'left by an interrupted mount' });
    if (!dryRun) await rm(dir, { recursive: true, force: true });
  }
  return actions;
}

/**
 * `<key>.remount` is where a remount mounts the bucket fresh before binding it over the dead mount; an
 * sbx killed in between leaves it (a FUSE mount or an empty directory). Remounts run under the key's
 * lock, so one found under that lock is a leftover.
 */
async function sweepRemountLeftover(ctx: BackendContext, kind: BucketKind, key: string, dryRun: boolean, actions: GcAction[]): Promise<void> {
  const dir = `${mountDirFor(ctx.stateDir, kind.kind, key)}${REMOUNT_SUFFIX}`;
  try {
    await withLocks(
      mountLockNames([key]),
      async () => {
        actions.push({ what: `${kind.kind} remount point ${dir}`, reason: 'left by an interrupted remount' });
        if (dryRun) return;
        await unmountDir(dir, { lazyFirst: true, code: kind.codes.unmount }).catch((err: unknown) => ctx.warn(`${(err as Error).message}`));
        await rmdir(dir).catch((err: unknown) => ctx.warn(`cannot remove ${dir}: ${(err as Error).message}`));
      },
      { timeoutMs: LOCK_TIMEOUT_MS },
    );
  } catch (err) {
    if (!(err instanceof SbxError)) throw err;
    if (err.code === 'LOCK_TIMEOUT') ctx.log(`${kind.kind} remount point ${dir}: in use by a running sbx, skipped`);
    else ctx.warn(err.message);
  }
}

async function sweepMount(ctx: BackendContext, kind: BucketKind, key: string, dryRun: boolean, actions: GcAction[]): Promise<void> {
  const dir = mountDirFor(ctx.stateDir, kind.kind, key);
  const state = await probeMount(dir);
  const users = await mountUsers(ctx.docker, key);
  if (state.state === 'dead') {
    const spec = users.length ? await volumeOfKey(ctx, kind, key, users) : undefined;
    const reason = `dead FUSE endpoint (${state.reason})`;
    actions.push({ what: `${kind.kind} mount ${dir}`, reason: spec ? `${reason}; mounted again for its ${users.length} user(s)` : reason });
    if (dryRun) return;
    if (spec) {
      try {
        // Stacked on the dead one, so the containers that use it see the bucket again.
        return await remountOver(await mountRequest(ctx, kind, spec.vol, spec.subPath, key, dir));
      } catch (err) {
        if (!(err instanceof SbxError)) throw err;
        ctx.warn(`${kind.kind} mount ${dir}: cannot mount it again (${err.message}); unmounting it`);
      }
    }
    // Containers still using it keep the directory: the next apply mounts there again.
    if (users.length) await unmountDir(dir, { lazyFirst: true, log: ctx.trace, code: kind.codes.unmount });
    else await removeMount(ctx, kind, key, true);
    return;
  }
  if (users.length) return;
  actions.push({ what: state.state === 'healthy' ? `${kind.kind} mount ${dir}` : `${kind.kind} mount directory ${dir}`, reason: 'no container uses it' });
  if (!dryRun) await removeMount(ctx, kind, key);
}
