import type { IPersistentVolumeClaim, IVolume, IVolumeMount } from 'kubernetes-models/v1';
import type { BucketVolume, PvcVolume, Volume } from '../manifest/model.js';
import type { SandboxContext } from './context.js';
import { MANAGED_BY } from './metadata.js';
import type { KubernetesObject } from './objects.js';
import { ossClaim, ossSecret } from './ossfs.js';
import { bytesQuantity } from './quantity.js';
import { s3Claim, s3Secret } from './s3.js';

/** Size request of a claim that sbx creates; Docker named volumes have no size. */
const PLACEHOLDER_CLAIM_SIZE = '1Gi';

export interface RenderedVolumes {
  podVolumes: IVolume[];
  /** Secrets, PersistentVolumes and claims the Pod's volumes need. */
  objects: KubernetesObject[];
  /** volumeMounts of container i. */
  mounts: IVolumeMount[][];
}

interface OssMount {
  vol: BucketVolume;
  index: number;
  subPath?: string;
  /** Pod volume name. */
  name: string;
  /** Every mount of it is read-only: the PersistentVolume can be ReadOnlyMany. */
  readOnly: boolean;
}

export function renderVolumes(ctx: SandboxContext): RenderedVolumes {
  const out: RenderedVolumes = { podVolumes: [], objects: [], mounts: ctx.sandbox.containers.map(() => []) };
  const podVolumeOf = new Map<string, string>();
  ctx.sandbox.volumes.forEach((vol, i) => {
    if (isBucket(vol)) return;
    const name = ctx.volumeNames.take(vol.name);
    podVolumeOf.set(vol.name, name);
    out.podVolumes.push({ name, ...volumeSource(ctx, vol, `spec.volumes[${i}]`, out.objects) });
  });
  const ossMounts = mountAll(ctx, podVolumeOf, out);
  renderOss(ctx, ossMounts, out);
  return out;
}

/** volumeMounts in manifest order; bucket mounts are collected per (volume, sub_path) on the way. */
function mountAll(ctx: SandboxContext, podVolumeOf: Map<string, string>, out: RenderedVolumes): Map<string, OssMount> {
  const { sandbox } = ctx;
  // sub_path selects a bucket prefix, as on Docker, so each distinct sub_path is its own volume.
  const ossMounts = new Map<string, OssMount>();
  sandbox.containers.forEach((c, ci) => {
    for (const vm of c.volumeMounts) {
      const index = sandbox.volumes.findIndex((v) => v.name === vm.name);
      const vol = sandbox.volumes[index];
      if (!vol || !isBucket(vol)) {
        const name = podVolumeOf.get(vm.name);
        if (name) out.mounts[ci].push(volumeMount(name, vm.mountPath, vm.subPath, vm.readOnly));
        continue;
      }
      const key = `${vol.name}\0${vm.subPath ?? ''}`;
      let entry = ossMounts.get(key);
      if (!entry) {
        const name = ctx.volumeNames.take(vm.subPath ? `${vol.name}-${vm.subPath}` : vol.name);
        entry = { vol, index, subPath: vm.subPath, name, readOnly: true };
        ossMounts.set(key, entry);
      }
      entry.readOnly &&= vm.readOnly;
      out.mounts[ci].push(volumeMount(entry.name, vm.mountPath, undefined, vm.readOnly));
    }
  });
  return ossMounts;
}

/** One credentials Secret per bucket volume, one PersistentVolume and claim per (volume, sub_path). */
function renderOss(ctx: SandboxContext, ossMounts: Map<string, OssMount>, out: RenderedVolumes): void {
  const secretOf = new Map<string, string>();
  for (const { vol, index, subPath, name, readOnly } of ossMounts.values()) {
    let secretName = secretOf.get(vol.name);
    if (!secretName) {
      const secret = vol.kind === 'ossfs' ? ossSecret(ctx, vol, `spec.volumes[${index}].ossfs`) : s3Secret(ctx, vol, `spec.volumes[${index}].s3`);
      out.objects.push(secret);
      secretName = secret.metadata!.name!;
      secretOf.set(vol.name, secretName);
    }
    const claim = vol.kind === 'ossfs' ? ossClaim(ctx, vol, secretName, subPath, readOnly) : s3Claim(ctx, vol, secretName, subPath, readOnly);
    out.objects.push(...claim.objects);
    out.podVolumes.push({ name, persistentVolumeClaim: { claimName: claim.claimName } });
  }
  ctx.sandbox.volumes.forEach((vol, i) => {
    if (isBucket(vol) && !secretOf.has(vol.name)) {
      ctx.note(`spec.volumes[${i}]`, 'not mounted by any container; no PersistentVolume rendered');
    }
  });
}

function isBucket(vol: Volume): vol is BucketVolume {
  return vol.kind === 'ossfs' || vol.kind === 's3';
}

function volumeMount(name: string, mountPath: string, subPath: string | undefined, readOnly: boolean): IVolumeMount {
  return { name, mountPath, ...(subPath ? { subPath } : {}), ...(readOnly ? { readOnly: true } : {}) };
}

function volumeSource(ctx: SandboxContext, vol: Exclude<Volume, BucketVolume>, path: string, objects: KubernetesObject[]): Omit<IVolume, 'name'> {
  switch (vol.kind) {
    case 'tmpfs':
      return { emptyDir: { medium: 'Memory', sizeLimit: bytesQuantity(vol.sizeBytes) } };
    case 'pvc':
      return { persistentVolumeClaim: { claimName: claimFor(ctx, vol, path, objects) } };
    case 'host': {
      const subPath = subPathMounted(ctx, vol.name) ? ', and a missing sub_path is created instead of refused (HOST_PATH_NOT_FOUND)' : '';
      ctx.note(`${path}.host`, `hostPath is a directory on whichever node runs the Pod; sbx's allow-list (SBX_ALLOWED_HOST_PATHS) is not enforced there${subPath}`);
      return { hostPath: { path: vol.path, type: 'Directory' } };
    }
  }
}

function subPathMounted(ctx: SandboxContext, volume: string): boolean {
  return ctx.sandbox.containers.some((c) => c.volumeMounts.some((vm) => vm.name === volume && vm.subPath));
}

function claimFor(ctx: SandboxContext, vol: PvcVolume, path: string, objects: KubernetesObject[]): string {
  const claimName = ctx.claimNames.get(vol.claimName) ?? vol.claimName;
  if (claimName !== vol.claimName) ctx.note(`${path}.pvc.claim_name`, `renamed to "${claimName}": Kubernetes object names are lowercase DNS-1123 subdomains`);
  if (subPathMounted(ctx, vol.name)) ctx.note(path, 'a sub_path missing in the claim is created by the kubelet instead of refused (PVC_SUBPATH_NOT_FOUND)');
  if (vol.create) {
    ctx.note(`${path}.pvc.create`, `PersistentVolumeClaim ${claimName} requests a placeholder ${PLACEHOLDER_CLAIM_SIZE} from the default StorageClass, ReadWriteOnce (Pods sharing it must run on one node); adjust both as needed`);
    const pvc: IPersistentVolumeClaim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: claimName, labels: { ...MANAGED_BY } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: PLACEHOLDER_CLAIM_SIZE } } },
    };
    objects.push(pvc);
  }
  return claimName;
}
