import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPersistentVolume, IPersistentVolumeClaim, IPod, ISecret } from 'kubernetes-models/v1';

export type KubernetesObject = IPod | IPersistentVolume | IPersistentVolumeClaim | ISecret | INetworkPolicy;

export function objectKey(o: KubernetesObject): string {
  return `${o.kind}/${o.metadata?.name ?? ''}`;
}
