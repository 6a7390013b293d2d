import { SbxError, type ErrorCode } from '../errors.js';
import { L, LABEL_PREFIX } from '../labels.js';
import type { PvcVolume } from '../manifest/model.js';
import { labelArgs } from '../plan/argv.js';
import type { DesiredContainer, DesiredMount } from '../plan/desired.js';
import type { PlanStep } from '../plan/steps.js';
import type { VolumeBackend } from './backend.js';
import { removeCreatedPvcVolumes } from './pvc-cleanup.js';
import { inspectVolumes, type VolumeInfo } from './pvc-inspect.js';
import { canonicalDirectory, PathProblem, problemError, resolveInside, throwAll, type PathProblemKind } from './safe-path.js';
import { stagingPathFor, releaseStaged, stagePinned } from './staging.js';
import type { BackendContext, PreparedMount } from './types.js';

/**
 * A Docker named volume ("pvc"). With sub_path: the engine's volume-subpath where the API has it
 * (>= 1.45); otherwise the sub-directory of a local volume's Mountpoint, pinned and bound through
 * a staging path like a host directory.
 */
export const pvcBackend: VolumeBackend = {
  // Only the Mountpoint fallback for a sub_path (no volume-subpath on the engine) hands the engine a host path.
  needsEngineHost: (ctx, m) => m.mount.subPath !== undefined && !engineHasVolumeSubpath(ctx),
  needsApiVersion: (m) => m.mount.subPath !== undefined,
  recordable: true,
  mountSource: (vol) => (vol as PvcVolume).claimName,
  async preflight(ctx, mounts) {
    const state = await stateFor(ctx, mounts.map(({ m }) => claimOf(m)));
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
    return stagedMount(m, stagingPathFor(ctx, dc, m));
  },

  async prepare(ctx, m, dc) {
    const state = await stateFor(ctx, [claimOf(m)]);
    // create: true volumes were made by a plan step before any container.
    if (!state.volumes.has(claimOf(m))) await inspectInto(ctx, state, [claimOf(m)]);
    return prepareMount(ctx, state.volumes.get(claimOf(m)), m, dc);
  },

  async release(ctx, mounts) {
    await releaseStaged(ctx, mounts.flatMap((m) => (m.stagingPath ? [m.stagingPath] : [])));
  },

  /** create: true and missing: one `docker volume create` per claim, a plan step undone on failure. */
  async volumeSteps(ctx, mounts) {
    const state = await stateFor(ctx, mounts.map(({ m }) => claimOf(m)));
    const missing = new Map<string, DesiredContainer>();
    for (const { m, dc } of mounts) if ((m.volume as PvcVolume).create && !state.volumes.has(claimOf(m)) && !missing.has(claimOf(m))) missing.set(claimOf(m), dc);
    return [...missing].map(([claim, dc]) => createVolumeStep(ctx, claim, dc));
  },

  removeCreated: (ctx) => removeCreatedPvcVolumes(ctx),
  async afterRemove(ctx, held) {
    await releaseStaged(ctx, held.filter((h) => !h.shared && h.backend === 'pvc').map((h) => h.ref));
  },
  sweep: async () => [],
};

const claimOf = (m: DesiredMount) => (m.volume as PvcVolume).claimName;

/** What this apply learned about named volumes, kept on the apply's context. */
interface RunState {
  inspected: Set<string>;
  /** Volumes that exist, by name. */
  volumes: Map<string, VolumeInfo>;
}

/** One `docker volume inspect` for every claim of the apply; later calls reuse it. */
async function stateFor(ctx: BackendContext, claims: string[]): Promise<RunState> {
  let state = ctx.memo.get('pvc') as RunState | undefined;
  if (!state) ctx.memo.set('pvc', (state = { inspected: new Set(), volumes: new Map() }));
  const todo = claims.filter((c) => !state.inspected.has(c));
  if (todo.length) await inspectInto(ctx, state, todo);
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

async function prepareMount(ctx: BackendContext, info: VolumeInfo | undefined, m: DesiredMount, dc: DesiredContainer): Promise<PreparedMount> {
  const canonical = checkMount(ctx, info, m, dc);
  if (canonical === undefined) return volumeMount(ctx, m);
  const staging = stagingPathFor(ctx, dc, m);
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

function createVolumeStep(ctx: BackendContext, claim: string, dc: DesiredContainer): PlanStep {
  const labels = { ...userLabels(dc), [L.createdBy]: ctx.sandboxId };
  return {
    action: 'create',
    resource: `volume ${claim}`,
    cause: 'pvc with create: true, and the volume is missing',
    phase: 'infra',
    run: [{ kind: 'docker', args: ['volume', 'create', ...labelArgs(labels), claim], what: `create volume ${claim}` }],
    undo: [{ kind: 'docker', args: ['volume', 'rm', claim], what: `remove volume ${claim}` }],
  };
}

/** The manifest's metadata labels (copied to the Docker objects sbx creates), without sbx's own. */
function userLabels(dc: DesiredContainer): Record<string, string> {
  return Object.fromEntries(Object.entries(dc.labels).filter(([k]) => !k.startsWith(`${LABEL_PREFIX}.`)));
}

export { removeCreatedPvcVolumes };
