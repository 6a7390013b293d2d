import { engineEndpoint, isLocalEndpoint } from '../docker/endpoint.js';
import { SbxError, SbxErrors } from '../errors.js';
import type { Volume, VolumeMount } from '../manifest/model.js';
import type { DesiredContainer, DesiredMount, DesiredSandbox } from '../plan/desired.js';
import type { ContainerResources } from '../plan/reconcile.js';
import type { VolumeKinds } from '../plan/volume-kinds.js';
import type { MountProvider, PlanStep } from '../plan/steps.js';
import type { GcAction, VolumeBackend } from './backend.js';
import { hostBackend } from './host.js';
import { ossfsBackend } from './ossfs.js';
import { pvcBackend } from './pvc.js';
import { s3Backend } from './s3.js';
import { tmpfsBackend } from './tmpfs.js';
import type { BackendContext, PreparedMount } from './types.js';
import { verifyMountSources } from './verify.js';

export { mountLockNames } from './mount-lock.js';

const BACKENDS: Record<Volume['kind'], VolumeBackend> = {
  tmpfs: tmpfsBackend,
  pvc: pvcBackend,
  host: hostBackend,
  ossfs: ossfsBackend,
  s3: s3Backend,
};
const ORDER = Object.keys(BACKENDS) as Volume['kind'][];

/** Every check that can fail on bad input or host state, for the containers about to be created; no changes. */
export async function preflight(ctx: BackendContext, _desired: DesiredSandbox, containers: DesiredContainer[]): Promise<void> {
  await refuseHostPathsOnRemoteEngine(ctx, containers);
  const errors: SbxError[] = [];
  for (const kind of ORDER) {
    const mounts = containers.flatMap((dc) => dc.mounts.filter((m) => m.volume.kind === kind).map((m) => ({ m, dc })));
    if (!mounts.length) continue;
    await BACKENDS[kind].preflight(ctx, mounts).catch((err: unknown) => {
      if (err instanceof SbxError) errors.push(err);
      else if (err instanceof SbxErrors) errors.push(...err.errors);
      else throw err;
    });
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length) throw new SbxErrors(errors);
}

function needsEngineHost(ctx: BackendContext, m: DesiredMount): boolean {
  return BACKENDS[m.volume.kind].needsEngineHost(ctx, m);
}

/** What the planner asks of the backends. */
export const volumeKinds: VolumeKinds = {
  mountKey: (vol, vm) => BACKENDS[vol.kind].mountKey?.(vol, vm),
  mountSource: (vol, mount) => BACKENDS[vol.kind].mountSource(vol, mount),
  ownedVolume: (vol) => BACKENDS[vol.kind].ownedVolume?.(vol),
};

/** Whether a converged apply of these volumes may be recorded for the fast no-op. */
export function mayRecordApplied(volumes: Volume[]): boolean {
  return volumes.every((v) => BACKENDS[v.kind].recordable);
}

/** Whether planning these containers needs the engine's API version. */
export function needsApiVersion(containers: DesiredContainer[]): boolean {
  return containers.some((dc) => dc.mounts.some((m) => BACKENDS[m.volume.kind].needsApiVersion?.(m) ?? false));
}

async function refuseHostPathsOnRemoteEngine(ctx: BackendContext, containers: DesiredContainer[]): Promise<void> {
  const local = containers.flatMap((dc) => dc.mounts.filter((m) => needsEngineHost(ctx, m)).map((m) => ({ m, dc })));
  if (!local.length) return;
  const endpoint = await engineEndpoint(ctx.docker);
  if (isLocalEndpoint(endpoint)) return;
  throw new SbxErrors(
    local.map(
      ({ m, dc }) =>
        new SbxError(
          'REMOTE_ENGINE_UNSUPPORTED',
          `container ${dc.name}: volume ${m.volume.name} (${m.volume.kind}${m.volume.kind === 'pvc' ? ' with sub_path' : ''}) needs the engine's own filesystem, ` +
            `but the engine is remote (${endpoint}); run sbx on the engine's host, or use tmpfs volumes and pvc without sub_path`,
        ),
    ),
  );
}

/** Plan steps the backends need before any container of these is created (pvc create: true). */
export async function volumeSteps(ctx: BackendContext, containers: DesiredContainer[]): Promise<PlanStep[]> {
  const out: PlanStep[] = [];
  for (const kind of ORDER) {
    const mounts = containers.flatMap((dc) => dc.mounts.filter((m) => m.volume.kind === kind).map((m) => ({ m, dc })));
    const make = BACKENDS[kind].volumeSteps;
    if (mounts.length && make) out.push(...(await make(ctx, mounts)));
  }
  return out;
}

/** The mounts each container gets (their sources final), as the plan's argv names them: no side effects. */
export function plannedMounts(ctx: BackendContext, dc: DesiredContainer): PreparedMount[] {
  return dc.mounts.map((m) => BACKENDS[m.volume.kind].planned(ctx, m, dc));
}

/** The plan's host-side actions for one apply; what each container's mounts became is kept for release(). */
export function createMountProvider(ctx: BackendContext, desired: DesiredSandbox): MountProvider {
  const prepared = new Map<string, PreparedMount[]>();
  return {
    async prepare(container) {
      const dc = desired.containers.find((c) => c.dockerName === container);
      if (!dc) throw new Error(`no container ${container} in the plan`);
      const out: PreparedMount[] = [];
      prepared.set(container, out);
      for (const m of dc.mounts) out.push(await BACKENDS[m.volume.kind].prepare(ctx, m, dc));
      return out;
    },
    verify: (container, mounts) => verifyMountSources(ctx.docker, container, mounts),
    async release(container) {
      await releasePrepared(ctx, prepared.get(container) ?? []);
      prepared.delete(container);
    },
    async repair(container, mounts) {
      const dc = desired.containers.find((c) => c.dockerName === container);
      if (!dc) throw new Error(`no container ${container} in the plan`);
      for (const pm of mounts) {
        const m = dc.mounts.find((x) => x.mount.mountPath === pm.mount.target);
        if (m) await BACKENDS[m.volume.kind].repair?.(ctx, m);
      }
    },
    afterRemove: (resources) => releaseContainerResources(ctx, resources),
  };
}

/** repair-mounts steps for running containers whose host-held mounts died (a killed FUSE daemon). */
export async function repairSteps(ctx: BackendContext, containers: DesiredContainer[]): Promise<PlanStep[]> {
  const out: PlanStep[] = [];
  for (const dc of containers) {
    const broken: PreparedMount[] = [];
    for (const m of dc.mounts) {
      const backend = BACKENDS[m.volume.kind];
      if (!backend.needsRepair) continue;
      const pm = backend.planned(ctx, m, dc);
      if (await backend.needsRepair(ctx, pm)) broken.push(pm);
    }
    if (!broken.length) continue;
    out.push({
      action: 'repair',
      resource: `mounts of ${dc.name}`,
      cause: 'dead FUSE endpoint',
      phase: 'prepare',
      run: [{ kind: 'repair-mounts', container: dc.dockerName, mounts: broken }],
      undo: [],
    });
  }
  return out;
}

async function releasePrepared(ctx: BackendContext, mounts: PreparedMount[]): Promise<void> {
  for (const kind of ORDER) {
    const mine = mounts.filter((m) => m.backend === kind);
    if (mine.length) await BACKENDS[kind].release(ctx, mine).catch(() => undefined);
  }
}

/** Host-side resources of removed containers: staging binds go, shared mounts no container uses are unmounted. Caller holds the mount key locks. */
export async function releaseContainerResources(ctx: BackendContext, resources: ContainerResources[]): Promise<void> {
  const held = resources.flat();
  for (const kind of ORDER) {
    const mine = held.filter((h) => h.backend === kind || h.backend === undefined);
    if (mine.length) await BACKENDS[kind].afterRemove(ctx, mine);
  }
}

/** delete --volumes: Docker volumes a backend created for this sandbox (not the ones it owns), when no container uses them. */
export async function removeCreatedVolumes(ctx: BackendContext): Promise<void> {
  for (const kind of ORDER) await BACKENDS[kind].removeCreated?.(ctx);
}

/** gc: host-side leftovers of every backend. */
export async function sweepHostMounts(ctx: BackendContext, dryRun: boolean): Promise<GcAction[]> {
  const out: GcAction[] = [];
  for (const kind of ORDER) out.push(...(await BACKENDS[kind].sweep(ctx, dryRun)));
  return out;
}
