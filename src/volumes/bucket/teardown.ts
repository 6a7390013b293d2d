import { rm, rmdir } from 'node:fs/promises';
import type { BackendContext } from '../types.js';
import type { BucketKind } from './adapter.js';
import { isPending } from './apply-state.js';
import { logDirFor, mountDirFor } from './identity.js';
import { unmountDir } from './unmount.js';
import { mountUsers } from './users.js';

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
  if (isPending(ctx, key)) return;
  if ((await mountUsers(ctx.docker, key)).length) return;
  await removeMount(ctx, kind, key);
}
