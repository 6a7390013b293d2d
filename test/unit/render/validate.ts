import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PersistentVolume, PersistentVolumeClaim, Pod, Secret } from 'kubernetes-models/v1';
import type { KubernetesObject } from '../../../src/render/kubernetes.js';

/** Validate one object against the Kubernetes API schema of its kind; throws on the first violation. */
export function validateObject(o: KubernetesObject): void {
  switch (o.kind) {
    case 'Pod':
      return new Pod(o).validate();
    case 'PersistentVolume':
      return new PersistentVolume(o).validate();
    case 'PersistentVolumeClaim':
      return new PersistentVolumeClaim(o).validate();
    case 'Secret':
      return new Secret(o).validate();
    case 'NetworkPolicy':
      return new NetworkPolicy(o).validate();
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

function unique(values: string[], what: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new Error(`${what} "${v}" is not unique`);
    seen.add(v);
  }
}

/**
 * Rules the API server checks beyond the OpenAPI schema (which kubernetes-models validates):
 * name syntax, label syntax, unique and resolvable volume names, unique mount paths.
 */
export function validateApiRules(o: KubernetesObject): void {
  const name = o.metadata?.name ?? '';
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) throw new Error(`${o.kind} name "${name}" is not a DNS-1123 subdomain`);
  for (const [k, v] of Object.entries(o.metadata?.labels ?? {})) {
    if (!LABEL_KEY.test(k)) throw new Error(`label key "${k}" is invalid`);
    if (v.length > 63 || !LABEL_VALUE.test(v)) throw new Error(`label value "${v}" is invalid`);
  }
  if (o.kind !== 'Pod') return;
  const spec = o.spec!;
  const volumes = (spec.volumes ?? []).map((v) => v.name);
  unique(volumes, 'volume name');
  unique(spec.containers.map((c) => c.name), 'container name');
  for (const n of [...volumes, ...spec.containers.map((c) => c.name)]) {
    if (!DNS_LABEL.test(n)) throw new Error(`"${n}" is not a DNS-1123 label`);
  }
  for (const c of spec.containers) {
    unique((c.volumeMounts ?? []).map((m) => m.mountPath), `mount path in ${c.name}`);
    for (const m of c.volumeMounts ?? []) if (!volumes.includes(m.name)) throw new Error(`mount ${m.mountPath} names no volume`);
    const sc = c.securityContext;
    if (sc?.allowPrivilegeEscalation === false && sc.capabilities?.add?.includes('SYS_ADMIN')) {
      throw new Error('allowPrivilegeEscalation: false with SYS_ADMIN is rejected');
    }
  }
}
