import type { DesiredContainer, DesiredInfra, DesiredOwnedVolume } from './desired.js';
import { byText } from '../text-order.js';
import { tmpSizeBytes } from './tmp-budget.js';
import type { DockerMount, PreparedMount } from './mounts.js';

export const DEFAULT_PIDS_LIMIT = 512;
const CPU_PERIOD = 100_000;

/** --label flags in key order, so equal labels give equal argv. */
export function labelArgs(labels: Record<string, string>): string[] {
  return Object.entries(labels)
    .sort(([a], [b]) => byText(a, b))
    .flatMap(([k, v]) => ['--label', `${k}=${v}`]);
}

/** One --mount value; fields holding "," or '"' are CSV-quoted as docker's parser expects. */
export function mountFlag(m: DockerMount): string {
  const q = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const parts = [`type=${m.type}`];
  if (m.type !== 'tmpfs') parts.push(q(`src=${m.source}`));
  parts.push(q(`dst=${m.target}`));
  if (m.readOnly) parts.push('readonly');
  if (m.volumeSubpath) parts.push(q(`volume-subpath=${m.volumeSubpath}`));
  if (m.tmpfsSize !== undefined) parts.push(`tmpfs-size=${m.tmpfsSize}`);
  if (m.propagation) parts.push(`bind-propagation=${m.propagation}`);
  return parts.join(',');
}

/** Containers and their anonymous volumes, running or not: the one spelling of every removal. */
export function removeContainersArgs(names: string[]): string[] {
  return ['rm', '--force', '--volumes', ...names];
}

/** `docker import` of the pause image's tar (on stdin) under its local tag. */
export function pauseImportArgs(ref: string): string[] {
  return ['import', '--change', 'ENTRYPOINT ["/pause"]', '-', ref];
}

export function networkCreateArgs(name: string, labels: Record<string, string>): string[] {
  return ['network', 'create', '--driver', 'bridge', ...labelArgs(labels), name];
}

export function ownedVolumeCreateArgs(v: DesiredOwnedVolume): string[] {
  return ['volume', 'create', ...v.createOptions, ...labelArgs(v.labels), v.name];
}

export function infraCreateArgs(infra: DesiredInfra, network: string | undefined, image: string): string[] {
  return [
    'create', '--name', infra.name, ...labelArgs(infra.labels),
    '--hostname', infra.hostname,
    '--network', network ?? 'none',
    ...infra.publish.flatMap((p) => ['--publish', p]),
    ...(infra.dns ? ['--dns', infra.dns] : []),
    '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges:true',
    '--memory', String(16 * 1024 * 1024), '--pids-limit', '8', '--restart', 'no',
    image,
  ];
}

/** sandboxd's security_opt spellings → docker's. */
function dockerSecurityOpt(opt: string): string {
  const m = /^(seccomp|apparmor|no-new-privileges)[=:](.*)$/.exec(opt);
  if (!m) return opt;
  const [, key, value] = m;
  if (key === 'no-new-privileges') return `no-new-privileges:${value}`;
  if (key === 'seccomp') {
    if (value === 'runtime/default') return '';
    return `seccomp=${value.startsWith('localhost/') ? value.slice('localhost/'.length) : value}`;
  }
  if (value === 'runtime/default') return 'apparmor=docker-default';
  return `apparmor=${value.startsWith('localhost/') ? value.slice('localhost/'.length) : value}`;
}

export interface ContainerArgsOptions {
  infraName: string;
  pidsLimit?: number;
  /** Root-filesystem size (--storage-opt size=) when the storage driver enforces it. */
  rootfsSizeBytes?: number;
}

export function containerCreateArgs(c: DesiredContainer, mounts: PreparedMount[], labels: Record<string, string>, o: ContainerArgsOptions): string[] {
  const s = c.spec;
  const args = ['create', '--name', c.dockerName, ...labelArgs(labels)];
  // The image was resolved before anything was created (plan/images.ts): never a hidden pull here.
  args.push('--pull', 'never');
  args.push('--network', `container:${o.infraName}`, '--init', '--restart', 'no');
  args.push('--cpu-period', String(CPU_PERIOD), '--cpu-quota', String(Math.max(1000, Math.ceil((s.resource.cpuMillis * CPU_PERIOD) / 1000))));
  args.push('--memory', String(s.resource.memoryBytes), '--memory-swap', String(s.resource.memoryBytes));
  args.push('--pids-limit', String(o.pidsLimit ?? DEFAULT_PIDS_LIMIT));
  if (o.rootfsSizeBytes) args.push('--storage-opt', `size=${o.rootfsSizeBytes}`);
  const secOpts = s.securityOpt.map(dockerSecurityOpt).filter(Boolean);
  if (!s.securityOpt.some((x) => x.startsWith('no-new-privileges'))) secOpts.unshift('no-new-privileges:true');
  for (const x of secOpts) args.push('--security-opt', x);
  if (s.readOnly) args.push('--read-only');
  for (const cap of s.capAdd) args.push('--cap-add', cap);
  for (const cap of s.capDrop) args.push('--cap-drop', cap);
  for (const cap of c.policyCapDrops ?? []) if (!s.capDrop.includes(cap)) args.push('--cap-drop', cap);
  if (!s.tmpfs.some((t) => t.mountPath === '/tmp')) {
    args.push('--tmpfs', `/tmp:size=${tmpSizeBytes(s.resource.ephemeralStorageBytes)},mode=1777`);
  }
  for (const t of s.tmpfs) args.push('--tmpfs', t.options ? `${t.mountPath}:${t.options}` : t.mountPath);
  for (const e of s.env) args.push('--env', e);
  if (s.workDir) args.push('--workdir', s.workDir);
  for (const m of mounts) args.push('--mount', mountFlag(m.mount));
  const [entry, ...rest] = s.args ?? [];
  if (entry !== undefined) args.push('--entrypoint', entry);
  args.push(s.image, ...rest);
  return args;
}
