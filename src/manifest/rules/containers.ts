import type { Segment } from '../field-path.js';
import type { IssueList } from '../issues.js';
import { arr, obj, str, type Obj } from '../loose.js';
import { isQuantityValue, parseQuantity } from '../quantity.js';
import { capabilityProblem, checkTmpfsOptions, envProblem, imageProblem, securityOptProblem, SECURITY_OPT_HINT } from './container-options.js';
import { checkName } from './names.js';
import { absolutePathProblems, mountPathProblems, subPathProblems } from './paths.js';
import type { Backend } from './volumes.js';

/** Docker's lower bounds: --cpus 0.01 and 6 MiB of memory. */
const MIN_CPU_MILLIS = 10;
const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

export function checkContainers(spec: Obj, volumes: Map<string, Backend>, declaredVolumes: Set<string>, issues: IssueList): Set<string> {
  const firstByName = new Map<string, number>();
  const mounted = new Set<string>();
  arr(spec.containers).forEach((raw, i) => {
    const c = obj(raw);
    if (!c) return;
    const at: Segment[] = ['spec', 'containers', i];
    const name = str(c.name);
    if (name !== undefined && checkName(name, 'container name', [...at, 'name'], issues)) {
      const first = firstByName.get(name);
      if (first !== undefined) issues.add([...at, 'name'], `duplicate container name: ${name} (also containers[${first}])`);
      else firstByName.set(name, i);
    }
    const label = name ?? `#${i}`;
    const image = str(c.image);
    if (image !== undefined) {
      const problem = imageProblem(image);
      if (problem) issues.add([...at, 'image'], `container ${label} ${problem}`);
    }
    checkResource(c, at, label, issues);
    checkProcess(c, at, issues);
    checkMounts(c, at, label, volumes, declaredVolumes, mounted, issues);
  });
  return mounted;
}

function checkResource(c: Obj, at: Segment[], label: string, issues: IssueList): void {
  const r = obj(c.resource);
  if (!r) return;
  const p = [...at, 'resource'];
  if (isQuantityValue(r.cpu)) {
    const q = parseQuantity(r.cpu, 'cpu');
    if (!q.ok) issues.add([...p, 'cpu'], `invalid cpu for container ${label}: ${q.message}`, q.hint);
    else if (q.value < MIN_CPU_MILLIS) issues.add([...p, 'cpu'], `cpu for container ${label} must be at least 10m (Docker's minimum)`);
  }
  if (isQuantityValue(r.memory)) {
    const q = parseQuantity(r.memory, 'bytes');
    if (!q.ok) issues.add([...p, 'memory'], `invalid memory for container ${label}: ${q.message}`, q.hint);
    else if (q.value < MIN_MEMORY_BYTES) {
      issues.add([...p, 'memory'], `memory for container ${label} must be at least 6Mi (Docker's minimum)`, 'memory is in bytes unless it has a suffix, e.g. 256Mi');
    }
  }
  if (isQuantityValue(r.ephemeral_storage)) {
    const q = parseQuantity(r.ephemeral_storage, 'bytes');
    if (!q.ok) issues.add([...p, 'ephemeral_storage'], `invalid ephemeral_storage for container ${label}: ${q.message}`, q.hint);
  }
}

function checkProcess(c: Obj, at: Segment[], issues: IssueList): void {
  arr(c.args).forEach((a, i) => {
    if (typeof a === 'string' && a.includes('\0')) issues.add([...at, 'args', i], 'argument must not contain NUL');
  });
  arr(c.env).forEach((e, i) => {
    const problem = typeof e === 'string' ? envProblem(e) : undefined;
    if (problem) issues.add([...at, 'env', i], `env entry ${problem}`);
  });
  const workDir = str(c.work_dir);
  if (workDir !== undefined) for (const problem of absolutePathProblems(workDir)) issues.add([...at, 'work_dir'], `work_dir ${problem}`);
  for (const field of ['cap_add', 'cap_drop'] as const) {
    arr(c[field]).forEach((cap, i) => {
      const problem = typeof cap === 'string' ? capabilityProblem(cap) : undefined;
      if (problem) issues.add([...at, field, i], `invalid ${field} entry: ${problem.message}`, problem.hint);
    });
  }
  arr(c.security_opt).forEach((opt, i) => {
    const problem = typeof opt === 'string' ? securityOptProblem(opt) : undefined;
    if (problem) issues.add([...at, 'security_opt', i], problem, SECURITY_OPT_HINT);
  });
}

function checkMounts(
  c: Obj,
  at: Segment[],
  label: string,
  volumes: Map<string, Backend>,
  declaredVolumes: Set<string>,
  mounted: Set<string>,
  issues: IssueList,
): void {
  const targets = new Map<string, string>();
  const claimTarget = (path: string, where: Segment[], owner: string) => {
    const first = targets.get(path);
    if (first !== undefined) issues.add(where, `container ${label} duplicate mount_path ${path} (also ${first})`);
    else targets.set(path, owner);
  };
  arr(c.volume_mounts).forEach((raw, i) => {
    const m = obj(raw);
    if (!m) return;
    const p = [...at, 'volume_mounts', i];
    const name = str(m.name);
    const backend = name !== undefined ? volumes.get(name) : undefined;
    if (name !== undefined) {
      if (name === '') issues.add([...p, 'name'], `container ${label} volume mount name is required`);
      else if (!declaredVolumes.has(name)) issues.add([...p, 'name'], `container ${label} references unknown volume ${name}`, hintForVolume(declaredVolumes));
      else mounted.add(name);
    }
    const mountPath = str(m.mount_path);
    if (mountPath !== undefined) {
      const problems = mountPathProblems(mountPath, 'volume');
      for (const problem of problems) issues.add([...p, 'mount_path'], `mount_path ${problem}`);
      if (problems.length === 0) claimTarget(mountPath, [...p, 'mount_path'], `volume_mounts[${i}]`);
    }
    const subPath = str(m.sub_path);
    if (subPath !== undefined) {
      for (const problem of subPathProblems(subPath)) issues.add([...p, 'sub_path'], `sub_path ${problem}`);
      if (backend === 'ephemeral_storage') issues.add([...p, 'sub_path'], `sub_path is not supported for tmpfs volume ${name}`, 'sub_path works with pvc, host, ossfs and s3 volumes');
    }
  });
  arr(c.tmpfs).forEach((raw, i) => {
    const t = obj(raw);
    if (!t) return;
    const p = [...at, 'tmpfs', i];
    const mountPath = str(t.mount_path);
    if (mountPath !== undefined) {
      const problems = mountPathProblems(mountPath, 'tmpfs');
      for (const problem of problems) issues.add([...p, 'mount_path'], `tmpfs mount_path ${problem}`);
      if (problems.length === 0) claimTarget(mountPath, [...p, 'mount_path'], `tmpfs[${i}]`);
    }
    const options = str(t.options);
    if (options !== undefined) for (const problem of checkTmpfsOptions(options).problems) issues.add([...p, 'options'], `tmpfs options: ${problem}`);
  });
}

function hintForVolume(declared: Set<string>): string {
  return declared.size ? `declared volumes: ${[...declared].join(', ')}` : 'declare it in spec.volumes';
}
