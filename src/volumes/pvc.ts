import { SbxError, type ErrorCode } from '../errors.js';
import { L, LABEL_PREFIX } from '../labels.js';
import type { PvcVolume } from '../manifest/model.js';
import type { DesiredContainer, DesiredMount } from '../plan/desired.js';
import type { VolumeBackend } from './backend.js';
import { inspectVolumes, type VolumeInfo } from './pvc-inspect.js';
import { canonicalDirectory, PathProblem, problemError, resolveInside, throwAll, type PathProblemKind } from './safe-path.js';
import { newStagingPath, plannedStagingPath, releaseStaged, stagePinned } from './staging.js';
import type { BackendContext, PreparedMount } from './types.js';

/**
 * A Docker named volume ("pvc"). With sub_path: the engine's volume-subpath where the API has it
 * (>= 1.45); otherwise the sub-directory of a local volume's Mountpoint, pinned and bound through
 * a staging path like a host directory.
 */
export const pvcBackend: VolumeBackend = {
  async preflight(ctx, mounts) {
    const state = await inspectOnce(ctx, mounts.map(({ m }) => claimOf(m)));
    const errors = new Map<string, SbxError>();
    for (const { m, dc } of mounts) {
      try {
        checkMount(ctx, state.volumes.get(claimOf(m)), m, dc);
      } catch (err) {
        if (!(err instanceof SbxError)) throw err;
        errors.set(`${err.code} ${claimOf(m)} ${m.mount.subPath ?? ''}`, err);
      }
    }
    throwAll([...errors.values()]);
  },

  planned(ctx, m, dc) {
    if (!m.mount.subPath || engineHasVolumeSubpath(ctx)) return volumeMount(ctx, m);
    return stagedMount(m, plannedStagingPath(ctx, dc, m));
  },

  async prepare(ctx, m, dc) {
    const state = runs.get(ctx) ?? (await inspectOnce(ctx, [claimOf(m)]));
    if (!state.inspected.has(claimOf(m))) await inspectInto(ctx, state, [claimOf(m)]);
    const info = state.volumes.get(claimOf(m)) ?? (await createOnce(ctx, state, m, dc));
    let prepared: PreparedMount;
    try {
      prepared = await prepareMount(ctx, info, m, dc);
    } catch (err) {
      await removeIfCreatedAndUnused(ctx, state, claimOf(m));
      throw err;
    }
    usersOf(state, claimOf(m)).add(prepared);
    preparedClaims.set(prepared, claimOf(m));
    return prepared;
  },

  async release(ctx, mounts) {
    await releaseStaged(ctx, mounts.flatMap((m) => (m.stagingPath ? [m.stagingPath] : [])));
    const state = runs.get(ctx);
    if (!state) return;
    const claims = new Set<string>();
    for (const m of mounts) {
      const claim = preparedClaims.get(m);
      if (claim === undefined) continue;
      usersOf(state, claim).delete(m);
      claims.add(claim);
    }
    for (const claim of claims) await removeIfCreatedAndUnused(ctx, state, claim);
  },

  // Staging mounts of removed containers (pvc and host alike) are released by the host backend.
  afterRemove: async () => undefined,
  sweep: async () => [],
};

/** What this apply learned and did about named volumes (keyed by the apply's context object). */
interface RunState {
  inspected: Set<string>;
  /** Volumes that exist, by name. */
  volumes: Map<string, VolumeInfo>;
  creating: Map<string, Promise<VolumeInfo>>;
  /** Volumes this apply created; removed again if no container of the apply ends up using them. */
  created: Set<string>;
  users: Map<string, Set<PreparedMount>>;
}

const runs = new WeakMap<BackendContext, RunState>();
const preparedClaims = new WeakMap<PreparedMount, string>();

const claimOf = (m: DesiredMount) => (m.volume as PvcVolume).claimName;

function usersOf(state: RunState, claim: string): Set<PreparedMount> {
  let set = state.users.get(claim);
  if (!set) state.users.set(claim, (set = new Set()));
  return set;
}

/** One `docker volume inspect` for every claim of the apply. */
async function inspectOnce(ctx: BackendContext, claims: string[]): Promise<RunState> {
  const state: RunState = { inspected: new Set(), volumes: new Map(), creating: new Map(), created: new Set(), users: new Map() };
  await inspectInto(ctx, state, claims);
  runs.set(ctx, state);
  return state;
}

async function inspectInto(ctx: BackendContext, state: RunState, claims: string[]): Promise<void> {
  const unique = [...new Set(claims)];
  for (const [name, info] of await inspectVolumes(ctx.docker, unique)) state.volumes.set(name, info);
  for (const c of unique) state.inspected.add(c);
}

export function engineHasVolumeSubpath(ctx: BackendContext): boolean {
  const [major, minor] = ctx.apiVersion.split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 45);
}

const SUBPATH_CODES: Record<PathProblemKind, ErrorCode> = {
  missing: 'PVC_SUBPATH_NOT_FOUND',
  escape: 'SUBPATH_ESCAPE',
  changed: 'SUBPATH_ESCAPE',
  unverifiable: 'SUBPATH_UNVERIFIABLE',
};

function context(m: DesiredMount, dc: DesiredContainer): string {
  return `container ${dc.name}, volume ${m.volume.name} (pvc ${claimOf(m)}${m.mount.subPath ? `, sub_path ${m.mount.subPath}` : ''})`;
}

/** Checks without side effects; returns the canonical directory when the Mountpoint fallback applies. */
function checkMount(ctx: BackendContext, info: VolumeInfo | undefined, m: DesiredMount, dc: DesiredContainer): string | undefined {
  const vol = m.volume as PvcVolume;
  if (!info) {
    if (!vol.create) {
      throw new SbxError('PVC_VOLUME_NOT_FOUND', `${context(m, dc)}: Docker volume ${vol.claimName} does not exist`, {
        hint: `create it with \`docker volume create ${vol.claimName}\`, or set create: true on the volume`,
      });
    }
    if (m.mount.subPath) {
      throw new SbxError('PVC_SUBPATH_NOT_FOUND', `${context(m, dc)}: volume ${vol.claimName} does not exist yet, and create: true makes it empty, so the sub_path cannot exist`);
    }
    return undefined;
  }
  if (!m.mount.subPath || engineHasVolumeSubpath(ctx)) return undefined;
  return resolveFallback(ctx, info, m, dc);
}

/** Engines before API 1.45 cannot mount a volume's sub-directory: sbx resolves it inside the volume's Mountpoint. */
function resolveFallback(ctx: BackendContext, info: VolumeInfo, m: DesiredMount, dc: DesiredContainer): string {
  const where = context(m, dc);
  const unsupported = (why: string) =>
    new SbxError('PVC_SUBPATH_UNSUPPORTED_DRIVER', `${where}: ${why}; this engine (API ${ctx.apiVersion}) has no volume-subpath (API 1.45+)`);
  if (info.Driver !== 'local') throw unsupported(`sub_path needs the local volume driver, volume ${info.Name} uses ${info.Driver}`);
  if (!info.Mountpoint) throw unsupported(`volume ${info.Name} reports no Mountpoint`);
  // A local volume with mount options (nfs, tmpfs, a device) is only mounted while a container uses it.
  if (info.Options && Object.keys(info.Options).length) throw unsupported(`volume ${info.Name} is mounted by the engine on use (options ${Object.keys(info.Options).join(', ')})`);
  try {
    return resolveInside(canonicalDirectory(info.Mountpoint), m.mount.subPath);
  } catch (err) {
    if (err instanceof PathProblem) throw problemError(err, SUBPATH_CODES, where);
    throw err;
  }
}

async function prepareMount(ctx: BackendContext, info: VolumeInfo, m: DesiredMount, dc: DesiredContainer): Promise<PreparedMount> {
  const canonical = checkMount(ctx, info, m, dc);
  if (canonical === undefined) return volumeMount(ctx, m);
  const staging = newStagingPath(ctx, dc, m);
  try {
    await stagePinned(canonical, staging);
  } catch (err) {
    if (err instanceof PathProblem) throw problemError(err, SUBPATH_CODES, context(m, dc));
    throw err;
  }
  return stagedMount(m, staging);
}

function displaySource(m: DesiredMount): string {
  return `volume ${claimOf(m)}${m.mount.subPath ? `:${m.mount.subPath}` : ''}`;
}

function volumeMount(ctx: BackendContext, m: DesiredMount): PreparedMount {
  const subpath = m.mount.subPath && engineHasVolumeSubpath(ctx) ? { volumeSubpath: m.mount.subPath } : {};
  return {
    backend: 'pvc',
    volume: m.volume.name,
    mount: { type: 'volume', source: claimOf(m), target: m.mount.mountPath, readOnly: m.mount.readOnly, ...subpath },
    displaySource: displaySource(m),
  };
}

function stagedMount(m: DesiredMount, staging: string): PreparedMount {
  return {
    backend: 'pvc',
    volume: m.volume.name,
    mount: { type: 'bind', source: staging, target: m.mount.mountPath, readOnly: m.mount.readOnly },
    displaySource: displaySource(m),
    expectedSource: staging,
    stagingPath: staging,
  };
}

/** create: true — make the volume, labelled as this sandbox's, once per apply even when several containers mount it. */
function createOnce(ctx: BackendContext, state: RunState, m: DesiredMount, dc: DesiredContainer): Promise<VolumeInfo> {
  const claim = claimOf(m);
  const vol = m.volume as PvcVolume;
  if (!vol.create) {
    return Promise.reject(new SbxError('PVC_VOLUME_NOT_FOUND', `${context(m, dc)}: Docker volume ${claim} does not exist`));
  }
  let pending = state.creating.get(claim);
  if (!pending) {
    pending = createVolume(ctx, state, claim, userLabels(dc));
    state.creating.set(claim, pending);
  }
  return pending;
}

async function createVolume(ctx: BackendContext, state: RunState, claim: string, labels: Record<string, string>): Promise<VolumeInfo> {
  const labelArgs = Object.entries({ ...labels, [L.createdBy]: ctx.sandboxId }).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  await ctx.docker.run(['volume', 'create', ...labelArgs, claim], { what: `create volume ${claim}` });
  const info = (await inspectVolumes(ctx.docker, [claim])).get(claim);
  if (!info) throw new SbxError('PVC_VOLUME_INSPECT_FAILED', `volume ${claim} was created but cannot be inspected`);
  // `docker volume create` returns an existing volume unchanged: only ours if it carries our label.
  if (info.Labels?.[L.createdBy] === ctx.sandboxId) state.created.add(claim);
  state.volumes.set(claim, info);
  ctx.log(`created volume ${claim}`);
  return info;
}

/** The manifest's metadata labels (copied to the Docker objects sbx creates), without sbx's own. */
function userLabels(dc: DesiredContainer): Record<string, string> {
  return Object.fromEntries(Object.entries(dc.labels).filter(([k]) => !k.startsWith(`${LABEL_PREFIX}.`)));
}

async function removeIfCreatedAndUnused(ctx: BackendContext, state: RunState, claim: string): Promise<void> {
  if (!state.created.has(claim) || usersOf(state, claim).size) return;
  // Docker refuses while any container still references the volume; that keeps it.
  const res = await ctx.docker.run(['volume', 'rm', claim], { allowFailure: true, what: `remove volume ${claim}` });
  if (res.exitCode !== 0) return;
  state.created.delete(claim);
  state.volumes.delete(claim);
  state.creating.delete(claim);
  ctx.log(`removed volume ${claim} (created by this apply, not used)`);
}

export { removeCreatedPvcVolumes } from './pvc-cleanup.js';
