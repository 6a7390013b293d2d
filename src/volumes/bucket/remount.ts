import { rmdir } from 'node:fs/promises';
import { SbxError } from '../../errors.js';
import type { BucketVolume } from '../../manifest/model.js';
import type { BackendContext } from '../types.js';
import type { BucketKind } from './adapter.js';
import { checkFuse, findMountBinary } from './binaries.js';
import { fullPrefix } from './identity.js';
import { makeShared, mountBucket, runMountTool, type MountRequest } from './mount.js';
import { probeMount } from './probe.js';
import { unmountDir } from './unmount.js';

/** Everything a mount of vol (with sub_path) at dir needs: the tool's binary and the credentials, checked now. */
export async function mountRequest(ctx: BackendContext, kind: BucketKind, vol: BucketVolume, subPath: string | undefined, key: string, dir: string): Promise<MountRequest> {
  await checkFuse();
  const adapter = kind.adapter(vol);
  const bin = await findMountBinary(adapter, kind);
  const creds = kind.credentials(vol);
  return { kind, adapter, vol, prefix: fullPrefix(vol, subPath), key, dir, stateDir: ctx.stateDir, bin, creds, log: ctx.trace ?? (() => undefined) };
}

/** Beside a key's mount directory: where a remount mounts the bucket fresh (gc sweeps a leftover one). */
export const REMOUNT_SUFFIX = '.remount';

/**
 * Replaces a dead mount without taking it off: running containers' binds hang on it, and only a mount
 * stacked on top of it propagates into them (they bind with rslave, it is shared). So the bucket is
 * mounted fresh beside it, bound on top of it, and the fresh mount point is let go (the daemon lives on
 * through the bind). The dead layer goes with the last user's unmount.
 */
export async function remountOver(r: MountRequest): Promise<void> {
  const fresh = `${r.dir}${REMOUNT_SUFFIX}`;
  await unmountDir(fresh, { lazyFirst: true, code: r.kind.codes.unmount }).catch(() => undefined);
  await mountBucket({ ...r, dir: fresh });
  let failure: string | undefined;
  try {
    failure = (await runMountTool(['mount', '--no-canonicalize', '--bind', fresh, r.dir], r.log)) ?? (await makeShared(r.dir, r.log));
  } finally {
    await unmountDir(fresh, { code: r.kind.codes.unmount, log: r.log }).catch(() => undefined);
    await rmdir(fresh).catch(() => undefined);
  }
  const state = failure ? undefined : await probeMount(r.dir);
  if (failure || state?.state !== 'healthy') {
    const why = failure ?? (state?.state === 'dead' ? state.reason : 'the mount is gone');
    throw new SbxError(r.kind.codes.mount, `cannot mount ${r.kind.scheme}://${r.vol.bucket}/${r.prefix} (${r.adapter.tool}) over the dead mount at ${r.dir}: ${why}`);
  }
}
