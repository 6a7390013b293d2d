import { readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { SbxError, SbxErrors } from '../../errors.js';
import { withLocks } from '../../lock.js';
import type { OssfsVolume } from '../../manifest/model.js';
import type { DesiredContainer, DesiredMount } from '../../plan/desired.js';
import type { GcAction, VolumeBackend } from '../backend.js';
import type { BackendContext, PreparedMount } from '../types.js';
import { checkFuse, findOssfsBinary } from './binaries.js';
import { optionProblem } from './command.js';
import { resolveCredentials, staleCredentialDirs } from './credentials.js';
import { displaySource, fullPrefix, KEY_PATTERN, logDirFor, mountDirFor, ossfsKeyFor, ossfsRoot } from './identity.js';
import { mountOssfs } from './mount.js';
import { probeMount } from './probe.js';
import { unmountDir } from './unmount.js';
import { mountUsers, serialized } from './users.js';

export { ossfsKeyFor } from './identity.js';

const SWEEP_LOCK_TIMEOUT_MS = 1_000;
/** A credential directory older than this belongs to an sbx that died while mounting. */
const STALE_CREDENTIALS_MS = 5 * 60_000;

/** Prepared mounts of this process whose container may not exist yet: release() must not unmount under them. */
const pending = new Map<string, number>();

function volumeOf(m: DesiredMount): OssfsVolume {
  return m.volume as OssfsVolume;
}

function keyOf(m: DesiredMount): string {
  return m.ossfsKey ?? ossfsKeyFor(volumeOf(m), m.mount);
}

function preparedMount(ctx: BackendContext, m: DesiredMount): PreparedMount {
  const vol = volumeOf(m);
  const key = keyOf(m);
  const dir = mountDirFor(ctx.stateDir, key);
  return {
    backend: 'ossfs',
    volume: vol.name,
    mount: { type: 'bind', source: dir, target: m.mount.mountPath, readOnly: m.mount.readOnly },
    displaySource: displaySource(vol, m.mount.subPath),
    expectedSource: dir,
    ossfsKey: key,
  };
}

async function volumeProblems(vol: OssfsVolume, subPaths: (string | undefined)[], at: string): Promise<SbxError[]> {
  const errors: SbxError[] = [];
  const collect = async (check: () => unknown) => {
    try {
      await check();
    } catch (err) {
      if (err instanceof SbxError) errors.push(err);
      else throw err;
    }
  };
  for (const opt of vol.options) {
    const problem = optionProblem(opt, vol.version);
    if (problem) errors.push(new SbxError('MANIFEST_INVALID', `volume ${vol.name}: ossfs option "${opt}" ${problem}`, { path: `${at}.options` }));
  }
  for (const sp of subPaths) {
    if (sp?.split('/').includes('..') || sp?.startsWith('/')) {
      errors.push(new SbxError('SUBPATH_ESCAPE', `volume ${vol.name}: sub_path "${sp}" must stay inside the bucket prefix`));
    }
  }
  await collect(() => findOssfsBinary(vol.version));
  await collect(() => resolveCredentials(vol));
  return errors;
}

/** Unmount (if mounted) and remove the mount directory and its logs. */
async function removeMount(ctx: BackendContext, key: string, lazyFirst = false): Promise<void> {
  const dir = mountDirFor(ctx.stateDir, key);
  await unmountDir(dir, { lazyFirst, log: ctx.log });
  await rmdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') ctx.log(`warning: cannot remove ${dir}: ${err.message}`);
  });
  await rm(logDirFor(ctx.stateDir, key), { recursive: true, force: true });
}

async function unmountIfUnused(ctx: BackendContext, key: string): Promise<void> {
  if ((pending.get(key) ?? 0) > 0) return;
  if ((await mountUsers(ctx.docker, key)).length) return;
  await removeMount(ctx, key);
}

export const ossfsBackend: VolumeBackend = {
  async preflight(_ctx, mounts) {
    const byVolume = new Map<string, { vol: OssfsVolume; subPaths: (string | undefined)[] }>();
    for (const { m } of mounts) {
      const entry = byVolume.get(m.volume.name) ?? { vol: volumeOf(m), subPaths: [] };
      entry.subPaths.push(m.mount.subPath);
      byVolume.set(m.volume.name, entry);
    }
    const errors: SbxError[] = [];
    await checkFuse().catch((err: SbxError) => errors.push(err));
    for (const { vol, subPaths } of byVolume.values()) errors.push(...(await volumeProblems(vol, subPaths, `volumes.${vol.name}.ossfs`)));
    const unique = errors.filter((e, i) => errors.findIndex((x) => x.code === e.code && x.message === e.message) === i);
    if (unique.length === 1) throw unique[0];
    if (unique.length) throw new SbxErrors(unique);
  },

  planned: (ctx, m) => preparedMount(ctx, m),

  async prepare(ctx, m, _dc: DesiredContainer) {
    const out = preparedMount(ctx, m);
    const vol = volumeOf(m);
    const key = out.ossfsKey!;
    const dir = out.expectedSource!;
    await serialized(key, async () => {
      const state = await probeMount(dir);
      if (state.state === 'healthy') return;
      if (state.state === 'dead') {
        ctx.log(`ossfs mount ${out.displaySource} at ${dir} is dead (${state.reason}); mounting it again`);
        await unmountDir(dir, { lazyFirst: true, log: ctx.log });
      }
      await checkFuse();
      const bin = await findOssfsBinary(vol.version);
      const creds = resolveCredentials(vol);
      await mountOssfs({ vol, prefix: fullPrefix(vol, m.mount.subPath), key, dir, stateDir: ctx.stateDir, bin, creds, log: ctx.log });
    });
    pending.set(key, (pending.get(key) ?? 0) + 1);
    return out;
  },

  async release(ctx, mounts) {
    const keys = new Set<string>();
    for (const m of mounts) {
      if (!m.ossfsKey) continue;
      pending.set(m.ossfsKey, Math.max(0, (pending.get(m.ossfsKey) ?? 0) - 1));
      keys.add(m.ossfsKey);
    }
    for (const key of keys) {
      await serialized(key, () => unmountIfUnused(ctx, key)).catch((err: Error) => ctx.log(`warning: ${err.message}`));
    }
  },

  async afterRemove(ctx, resources) {
    const keys = [...new Set(resources.flatMap((r) => r.ossfsKeys))].filter((k) => KEY_PATTERN.test(k));
    const errors: SbxError[] = [];
    for (const key of keys) {
      await serialized(key, () => unmountIfUnused(ctx, key)).catch((err: unknown) => {
        if (err instanceof SbxError) errors.push(err);
        else throw err;
      });
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length) throw new SbxErrors(errors);
  },

  async sweep(ctx, dryRun) {
    const actions: GcAction[] = [];
    const root = ossfsRoot(ctx.stateDir);
    const keys = (await readdir(root).catch(() => [] as string[])).filter((k) => KEY_PATTERN.test(k));
    for (const key of keys) {
      try {
        await withLocks([`ossfs-${key}`], () => sweepOne(ctx, key, dryRun, actions), { timeoutMs: SWEEP_LOCK_TIMEOUT_MS });
      } catch (err) {
        if (err instanceof SbxError && err.code === 'LOCK_TIMEOUT') ctx.log(`ossfs mount ${key}: in use by a running sbx, skipped`);
        else if (err instanceof SbxError) ctx.log(`warning: ${err.message}`);
        else throw err;
      }
    }
    const logRoot = path.dirname(logDirFor(ctx.stateDir, 'x'));
    for (const key of (await readdir(logRoot).catch(() => [] as string[])).filter((k) => KEY_PATTERN.test(k) && !keys.includes(k))) {
      actions.push({ what: `ossfs log directory ${path.join(logRoot, key)}`, reason: 'its mount is gone' });
      if (!dryRun) await rm(path.join(logRoot, key), { recursive: true, force: true });
    }
    for (const dir of await staleCredentialDirs(ctx.stateDir, STALE_CREDENTIALS_MS)) {
      actions.push({ what: `credential file ${dir}`, reason: 'left by an interrupted mount' });
      if (!dryRun) await rm(dir, { recursive: true, force: true });
    }
    return actions;
  },
};

async function sweepOne(ctx: BackendContext, key: string, dryRun: boolean, actions: GcAction[]): Promise<void> {
  const dir = path.join(ossfsRoot(ctx.stateDir), key);
  const state = await probeMount(dir);
  const users = await mountUsers(ctx.docker, key);
  if (state.state === 'dead') {
    actions.push({ what: `ossfs mount ${dir}`, reason: `dead FUSE endpoint (${state.reason})` });
    if (dryRun) return;
    if (users.length) await unmountDir(dir, { lazyFirst: true, log: ctx.log });
    else await removeMount(ctx, key, true);
    return;
  }
  if (users.length) return;
  actions.push({ what: state.state === 'healthy' ? `ossfs mount ${dir}` : `ossfs mount directory ${dir}`, reason: 'no container uses it' });
  if (!dryRun) await removeMount(ctx, key);
}
