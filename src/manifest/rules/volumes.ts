import type { Segment } from '../field-path.js';
import type { IssueList, PendingWarning } from '../issues.js';
import { arr, has, obj, str, type Obj } from '../loose.js';
import { isQuantityValue, parseQuantity } from '../quantity.js';
import { checkName, DOCKER_VOLUME_NAME } from './names.js';
import { absolutePathProblems } from './paths.js';
import { checkOssfs } from './ossfs.js';
import { checkS3 } from './s3.js';

export const BACKENDS = ['ephemeral_storage', 'pvc', 'host', 'ossfs', 's3'] as const;
export type Backend = (typeof BACKENDS)[number];

export function backendsOf(volume: Obj): Backend[] {
  return BACKENDS.filter((b) => has(volume, b));
}

/** Checks spec.volumes; returns the backend of every well-formed volume by name. */
export function checkVolumes(spec: Obj, issues: IssueList, warnings: PendingWarning[]): Map<string, Backend> {
  const byName = new Map<string, Backend>();
  const firstIndex = new Map<string, number>();
  arr(spec.volumes).forEach((raw, i) => {
    const v = obj(raw);
    if (!v) return;
    const at = ['spec', 'volumes', i];
    const name = str(v.name);
    const label = name ?? `#${i}`;
    if (name !== undefined && checkName(name, 'volume name', [...at, 'name'], issues)) {
      const first = firstIndex.get(name);
      if (first !== undefined) issues.add([...at, 'name'], `duplicate volume name ${name} (also volumes[${first}])`);
      else firstIndex.set(name, i);
    }
    const backends = backendsOf(v);
    const unknownKeys = Object.keys(v).some((k) => k !== 'name' && !(BACKENDS as readonly string[]).includes(k));
    if (backends.length === 0) {
      // A misspelt backend (emptyDir, hostPath...) is already reported as an unknown field.
      if (!unknownKeys) issues.add(at, `volume ${label} needs exactly one backend: ephemeral_storage, pvc, host, ossfs or s3`);
      return;
    }
    if (backends.length > 1) {
      issues.add([...at, backends[1]], `volume ${label} has several backends (${backends.join(', ')}); give exactly one`);
      return;
    }
    const backend = backends[0];
    if (name !== undefined && !byName.has(name)) byName.set(name, backend);
    checkBackend(backend, v, at, label, issues, warnings);
  });
  return byName;
}

/** The rules of one volume's backend; a new backend kind is a compile error here until it has a case. */
function checkBackend(backend: Backend, v: Obj, at: Segment[], label: string, issues: IssueList, warnings: PendingWarning[]): void {
  switch (backend) {
    case 'ephemeral_storage': {
      if (!isQuantityValue(v.ephemeral_storage)) return;
      const q = parseQuantity(v.ephemeral_storage, 'bytes');
      if (!q.ok) issues.add([...at, 'ephemeral_storage'], `invalid ephemeral_storage for volume ${label}: ${q.message}`, q.hint);
      return;
    }
    case 'pvc': {
      const claim = str(obj(v.pvc)?.claim_name);
      if (claim !== undefined && (!DOCKER_VOLUME_NAME.test(claim) || claim.length > 255)) {
        issues.add([...at, 'pvc', 'claim_name'], 'invalid claim_name (a Docker volume name: [A-Za-z0-9][A-Za-z0-9_.-]+)');
      }
      return;
    }
    case 'host': {
      const p = str(obj(v.host)?.path);
      if (p !== undefined) for (const problem of absolutePathProblems(p)) issues.add([...at, 'host', 'path'], `host path ${problem}`);
      return;
    }
    case 'ossfs': {
      const o = obj(v.ossfs);
      if (o) checkOssfs(o, [...at, 'ossfs'], issues, warnings);
      return;
    }
    case 's3': {
      const o = obj(v.s3);
      if (o) checkS3(o, [...at, 's3'], issues, warnings);
      return;
    }
    default: {
      const unhandled: never = backend;
      throw new Error(`no rules for volume backend ${String(unhandled)}`);
    }
  }
}
