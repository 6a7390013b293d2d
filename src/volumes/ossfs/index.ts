import { SbxError } from '../../errors.js';
import type { OssfsVolume } from '../../manifest/model.js';
import type { DesiredMount } from '../../plan/desired.js';
import type { VolumeBackend } from '../backend.js';
import { throwAll } from '../safe-path.js';
import type { BackendContext, PreparedMount } from '../types.js';
import { checkFuse, findOssfsBinary } from './binaries.js';
import { resolveCredentials } from './credentials.js';
import { displaySource, fullPrefix, KEY_PATTERN, mountDirFor, ossfsKeyFor } from './identity.js';
import { mountOssfs } from './mount.js';
import { volumeProblems } from './preflight.js';
import { probeMount } from './probe.js';
import { sweepOssfs } from './sweep.js';
import { dropPending, holdPending, unmountIfUnused } from './teardown.js';
import { unmountDir } from './unmount.js';
import { serialized } from './users.js';

export { ossfsKeyFor } from './identity.js';

function volumeOf(m: DesiredMount): OssfsVolume {
  return m.volume as OssfsVolume;
}

function preparedMount(ctx: BackendContext, m: DesiredMount): PreparedMount {
  const vol = volumeOf(m);
  const key = m.mountKey ?? ossfsKeyFor(vol, m.mount);
  const dir = mountDirFor(ctx.stateDir, key);
  return {
    backend: 'ossfs',
    volume: vol.name,
    mount: { type: 'bind', source: dir, target: m.mount.mountPath, readOnly: m.mount.readOnly },
    displaySource: displaySource(vol, m.mount.subPath),
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
  if (state.state === 'dead') {
    ctx.log(`ossfs mount ${out.displaySource} at ${dir} is dead (${state.reason}); mounting it again`);
    await unmountDir(dir, { lazyFirst: true, log: ctx.trace });
  }
  await checkFuse();
  const bin = await findOssfsBinary(vol.version);
  const creds = resolveCredentials(vol);
  await mountOssfs({ vol, prefix: fullPrefix(vol, m.mount.subPath), key: out.mountKey!, dir, stateDir: ctx.stateDir, bin, creds, log: ctx.trace ?? (() => undefined) });
}

export const ossfsBackend: VolumeBackend = {
  mountKey: (vol, vm) => ossfsKeyFor(vol as OssfsVolume, vm),
  needsEngineHost: () => true,
  // Credentials come from the environment and the FUSE daemon may have died: never answered from a record.
  recordable: false,
  async preflight(_ctx, mounts) {
    const byVolume = new Map<string, { vol: OssfsVolume; subPaths: (string | undefined)[] }>();
    for (const { m } of mounts) {
      const entry = byVolume.get(m.volume.name) ?? { vol: volumeOf(m), subPaths: [] };
      entry.subPaths.push(m.mount.subPath);
      byVolume.set(m.volume.name, entry);
    }
    const errors: SbxError[] = [];
    await checkFuse().catch((err: SbxError) => errors.push(err));
    for (const { vol, subPaths } of byVolume.values()) errors.push(...(await volumeProblems(vol, subPaths)));
    throwAll(errors);
  },

  planned: (ctx, m) => preparedMount(ctx, m),

  async prepare(ctx, m) {
    const out = preparedMount(ctx, m);
    // Containers of one apply are prepared in parallel; one key must not be mounted twice.
    await serialized(out.mountKey!, () => ensureMounted(ctx, m, out));
    holdPending(out.mountKey!);
    return out;
  },

  async release(ctx, mounts) {
    const keys = new Set(mounts.flatMap((m) => (m.mountKey ? [m.mountKey] : [])));
    for (const m of mounts) if (m.mountKey) dropPending(m.mountKey);
    for (const key of keys) {
      await serialized(key, () => unmountIfUnused(ctx, key)).catch((err: Error) => ctx.warn(`${err.message}`));
    }
  },

  async afterRemove(ctx, resources) {
    const keys = [...new Set(resources.flatMap((r) => r.mountKeys))].filter((k) => KEY_PATTERN.test(k));
    const errors: SbxError[] = [];
    for (const key of keys) {
      await serialized(key, () => unmountIfUnused(ctx, key)).catch((err: unknown) => {
        if (err instanceof SbxError) errors.push(err);
        else throw err;
      });
    }
    throwAll(errors);
  },

  sweep: sweepOssfs,
};
