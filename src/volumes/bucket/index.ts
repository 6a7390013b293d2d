import { existsSync } from 'node:fs';
import { SbxError } from '../../errors.js';
import type { BucketVolume } from '../../manifest/model.js';
import type { DesiredMount } from '../../plan/desired.js';
import type { VolumeBackend } from '../backend.js';
import { throwAll } from '../safe-path.js';
import type { BackendContext, PreparedMount } from '../types.js';
import type { BucketKind } from './adapter.js';
import { dropPending, holdPending, serialized } from './apply-state.js';
import { checkFuse } from './binaries.js';
import { displaySource, KEY_PATTERN, mountDirFor } from './identity.js';
import { mountBucket } from './mount.js';
import { mountRequest, remountOver } from './remount.js';
import { volumeProblems } from './preflight.js';
import { probeMount } from './probe.js';
import { sweepBuckets } from './sweep.js';
import { unmountIfUnused } from './teardown.js';

/**
 * A bucket kind as a volume backend: one shared host FUSE mount per key under <state dir>/<kind>/<key>,
 * bound into containers; its users are the containers labelled with the key.
 */
export function bucketBackend<V extends BucketVolume>(kind: BucketKind<V>): VolumeBackend {
  const volumeOf = (m: DesiredMount) => m.volume as V;

  function preparedMount(ctx: BackendContext, m: DesiredMount): PreparedMount {
    const vol = volumeOf(m);
    const key = m.mountKey ?? kind.key(vol, m.mount);
    const dir = mountDirFor(ctx.stateDir, kind.kind, key);
    return {
      backend: kind.kind,
      volume: vol.name,
      // rslave: a remount stacked on a dead mount (remountOver) reaches containers that are already running.
      mount: { type: 'bind', source: dir, target: m.mount.mountPath, readOnly: m.mount.readOnly, propagation: 'rslave' },
      displaySource: displaySource(kind.scheme, vol, m.mount.subPath),
      expectedSource: dir,
      mountKey: key,
    };
  }

  /** Mount the key's directory unless a healthy mount is already there; a dead one is taken off first. */
  async function ensureMounted(ctx: BackendContext, m: DesiredMount, out: PreparedMount): Promise<void> {
    const vol = volumeOf(m);
    const dir = out.expectedSource!;
    const state = await probeMount(dir);
    if (state.state === 'healthy') return;
    const request = await mountRequest(ctx, kind, vol, m.mount.subPath, out.mountKey!, dir);
    if (state.state === 'dead') {
      ctx.log(`${kind.kind} mount ${out.displaySource} at ${dir} is dead (${state.reason}); mounting it again over the dead one`);
      await remountOver(request);
    } else {
      await mountBucket(request);
    }
  }

  async function unmountUnused(ctx: BackendContext, keys: Iterable<string>, onError: (err: unknown) => void): Promise<void> {
    for (const key of keys) await serialized(ctx, key, () => unmountIfUnused(ctx, kind, key)).catch(onError);
  }

  return {
    mountKey: (vol, vm) => kind.key(vol as V, vm),
    // The key: endpoint, bucket, full prefix, options and key id (never the secret).
    mountSource: (vol, mount) => mount.mountKey ?? vol.name,
    needsEngineHost: () => true,
    // Credentials come from the environment and the FUSE daemon may have died: never answered from a record.
    recordable: false,

    async preflight(_ctx, mounts) {
      const byVolume = new Map<string, { vol: V; subPaths: (string | undefined)[] }>();
      for (const { m } of mounts) {
        const entry = byVolume.get(m.volume.name) ?? { vol: volumeOf(m), subPaths: [] };
        entry.subPaths.push(m.mount.subPath);
        byVolume.set(m.volume.name, entry);
      }
      const errors: SbxError[] = [];
      await checkFuse().catch((err: SbxError) => errors.push(err));
      for (const { vol, subPaths } of byVolume.values()) errors.push(...(await volumeProblems(kind, vol, subPaths)));
      throwAll(errors);
    },

    planned: (ctx, m) => preparedMount(ctx, m),

    async prepare(ctx, m) {
      const out = preparedMount(ctx, m);
      // Containers of one apply are prepared in parallel; one key must not be mounted twice.
      await serialized(ctx, out.mountKey!, () => ensureMounted(ctx, m, out));
      holdPending(ctx, out.mountKey!);
      return out;
    },

    needsRepair: async (_ctx, pm) => (await probeMount(pm.expectedSource!)).state === 'dead',

    async repair(ctx, m) {
      const out = preparedMount(ctx, m);
      await serialized(ctx, out.mountKey!, () => ensureMounted(ctx, m, out));
    },

    async release(ctx, mounts) {
      const mine = mounts.filter((m) => m.mountKey);
      for (const m of mine) dropPending(ctx, m.mountKey!);
      await unmountUnused(ctx, new Set(mine.map((m) => m.mountKey!)), (err) => ctx.warn(`${(err as Error).message}`));
    },

    async afterRemove(ctx, held) {
      const dirs = new Set(held.filter((h) => h.shared).map((h) => h.ref).filter((k) => KEY_PATTERN.test(k)));
      // Keys earlier versions recorded name no backend: only those with a directory of this kind are ours.
      const keys = [...dirs].filter((k) => existsSync(mountDirFor(ctx.stateDir, kind.kind, k)));
      const errors: SbxError[] = [];
      await unmountUnused(ctx, keys, (err) => {
        if (err instanceof SbxError) errors.push(err);
        else throw err;
      });
      throwAll(errors);
    },

    sweep: (ctx, dryRun) => sweepBuckets(ctx, kind, dryRun),
  };
}
