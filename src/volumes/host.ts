import path from 'node:path';
import { SbxError, type ErrorCode } from '../errors.js';
import type { HostVolume } from '../manifest/model.js';
import type { DesiredContainer, DesiredMount } from '../plan/desired.js';
import { allowingPrefix, HOW_TO_ALLOW, lexicallyAllowed, loadAllowList, type AllowList } from './allow-list.js';
import type { VolumeBackend } from './backend.js';
import { canonicalDirectory, PathProblem, problemError, resolveInside, throwAll, type PathProblemKind } from './safe-path.js';
import { stagingPathFor, releaseStaged, stagePinned, sweepStaging } from './staging.js';
import type { PreparedMount } from './types.js';

/** A host directory under an allowed prefix, pinned and bound through a private staging path. */
export const hostBackend: VolumeBackend = {
  mountSource: (vol) => (vol as HostVolume).path,
  needsEngineHost: () => true,
  recordable: true,
  async preflight(ctx, mounts) {
    const list = await loadAllowList();
    for (const e of list.missing) ctx.warn(`allowed host path ${e} (${list.source}) does not exist; it admits nothing`);
    const errors = new Map<string, SbxError>();
    for (const { m, dc } of mounts) {
      try {
        resolveHostMount(list, m, dc);
      } catch (err) {
        if (!(err instanceof SbxError)) throw err;
        errors.set(`${err.code} ${m.volume.name} ${m.mount.subPath ?? ''}`, err);
      }
    }
    throwAll([...errors.values()]);
  },

  planned(ctx, m, dc) {
    return hostMount(m, stagingPathFor(ctx, dc, m));
  },

  async prepare(ctx, m, dc) {
    const canonical = resolveHostMount(await loadAllowList(), m, dc);
    const staging = stagingPathFor(ctx, dc, m);
    try {
      await stagePinned(canonical, staging);
    } catch (err) {
      if (!(err instanceof PathProblem)) throw err;
      const changed: ErrorCode = m.mount.subPath ? 'SUBPATH_ESCAPE' : 'HOST_PATH_NOT_ALLOWED';
      throw problemError(err, { ...HOST_CODES, changed }, context(m, dc));
    }
    return hostMount(m, staging);
  },

  async release(ctx, mounts) {
    await releaseStaged(ctx, mounts.flatMap((m) => (m.stagingPath ? [m.stagingPath] : [])));
  },

  // Earlier versions recorded staging paths without their backend: this one releases those too, and
  // sweeps the staging directory for host and pvc mounts alike.
  async afterRemove(ctx, held) {
    await releaseStaged(ctx, held.filter((h) => !h.shared).map((h) => h.ref));
  },

  sweep: (ctx, dryRun) => sweepStaging(ctx, dryRun),
};

const HOST_CODES: Record<PathProblemKind, ErrorCode> = {
  missing: 'HOST_PATH_NOT_FOUND',
  escape: 'SUBPATH_ESCAPE',
  changed: 'SUBPATH_ESCAPE',
  unverifiable: 'SUBPATH_UNVERIFIABLE',
};

function hostMount(m: DesiredMount, staging: string): PreparedMount {
  return {
    backend: 'host',
    volume: m.volume.name,
    mount: { type: 'bind', source: staging, target: m.mount.mountPath, readOnly: m.mount.readOnly },
    displaySource: shownPath(m),
    expectedSource: staging,
    stagingPath: staging,
  };
}

function shownPath(m: DesiredMount): string {
  const vol = m.volume as HostVolume;
  return m.mount.subPath ? path.posix.join(vol.path, m.mount.subPath) : vol.path;
}

function context(m: DesiredMount, dc: DesiredContainer): string {
  return `container ${dc.name}, volume ${m.volume.name} (host ${shownPath(m)})`;
}

/**
 * The canonical directory to bind: the host path must resolve (every symlink followed) to a
 * directory under an allowed prefix, and sub_path must stay inside that directory.
 */
export function resolveHostMount(list: AllowList, m: DesiredMount, dc: DesiredContainer): string {
  const vol = m.volume as HostVolume;
  const where = context(m, dc);
  if (!list.prefixes.length) {
    const why = list.entries.length ? `none of the allowed host paths exist (${list.source})` : `no host path is allowed (${list.source})`;
    throw new SbxError('HOST_PATH_NOT_ALLOWED', `${where}: ${why}`, { hint: HOW_TO_ALLOW });
  }
  let base: string;
  try {
    base = canonicalDirectory(vol.path);
  } catch (err) {
    if (!(err instanceof PathProblem)) throw err;
    if (err.kind === 'missing' && !lexicallyAllowed(list, vol.path)) throw notAllowed(where, vol.path, undefined, list);
    throw problemError(err, { ...HOST_CODES, escape: 'HOST_PATH_NOT_ALLOWED' }, where);
  }
  if (!allowingPrefix(list, base)) throw notAllowed(where, vol.path, base, list);
  try {
    return resolveInside(base, m.mount.subPath);
  } catch (err) {
    if (!(err instanceof PathProblem)) throw err;
    throw problemError(err, HOST_CODES, where);
  }
}

function notAllowed(where: string, p: string, canonical: string | undefined, list: AllowList): SbxError {
  const via = canonical && canonical !== p ? ` (it resolves to ${canonical} through a symlink)` : '';
  return new SbxError('HOST_PATH_NOT_ALLOWED', `${where}: ${p}${via} is not under an allowed host path (${list.prefixes.join(', ')} from ${list.source})`, {
    hint: HOW_TO_ALLOW,
  });
}
