import { rm, rmdir } from 'node:fs/promises';
import type { BackendContext } from '../types.js';
import type { BucketKind } from './adapter.js';
import { logDirFor, mountDirFor } from './identity.js';
import { unmountDir } from './unmount.js';
import { mountUsers } from './users.js';

/** Prepared mounts of this process whose container may not exist yet: nothing may unmount under them. */
const pending = new Map<string, number>();

export function holdPending(key: string): void {
  pending.set(key, (pending.get(key) ?? 0) + 1);
}

export function dropPending(key: string): void {
  pending.set(key, Math.max(0, (pending.get(key) ?? 0) - 1));
}

/** Unmount (if mounted) and remove the mount directory and its logs. */
export async function removeMount(ctx: BackendContext, kind: BucketKind, key: string, lazyFirst = false): Promise<void> {
  const dir = mountDirFor(ctx.stateDir, kind.kind, key);
  await unmountDir(dir, { lazyFirst, log: ctx.trace, code: kind.codes.unmount });
  await rmdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') ctx.warn(`cannot remove ${dir}: ${err.message}`);
  });
  await rm(logDirFor(ctx.stateDir, kind.kind, key), { recursive: true, force: true });
}

/** The last user is gone (no container labelled with the key, nothing pending here): unmount. */
export async function unmountIfUnused(ctx: BackendContext, kind: BucketKind, key: string): Promise<void> {
  if ((pending.get(key) ?? 0) > 0) return;
  if ((await mountUsers(ctx.docker, key)).length) return;
  await removeMount(ctx, kind, key);
}
