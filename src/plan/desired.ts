import type { Container, Sandbox, Volume, VolumeMount } from '../manifest/model.js';
import { L } from '../labels.js';
import { describePolicy, infraDns, policyCapDrops, policyIdentity } from '../network/policy.js';
import { configHash } from './hash.js';
import { containerName, hostnameFor, infraName, networkName, tmpfsVolumeName } from './names.js';

/** What a sandbox should look like on Docker, derived purely from the manifest. */
export interface DesiredSandbox {
  id: string;
  sandbox: Sandbox;
  infra: DesiredInfra;
  network?: { name: string; labels: Record<string, string> };
  tmpfsVolumes: DesiredTmpfsVolume[];
  containers: DesiredContainer[];
}

export interface DesiredInfra {
  name: string;
  hash: string;
  hostname: string;
  labels: Record<string, string>;
  /** Ports published on the infra container (egress: true only; loopback-only sandboxes have no ports). */
  publish: string[];
  /** Network policy: the nameserver Docker's embedded resolver forwards to (an allow-list's DNS helper). */
  dns?: string;
}

export interface DesiredTmpfsVolume {
  volume: string;
  name: string;
  hash: string;
  sizeBytes: number;
  labels: Record<string, string>;
}

export interface DesiredContainer {
  name: string;
  dockerName: string;
  hash: string;
  spec: Container;
  mounts: DesiredMount[];
  labels: Record<string, string>;
  /** Network policy: capabilities the container runs without (NET_ADMIN, NET_RAW). */
  policyCapDrops: string[];
}

/** A volume mount before its backend resolves it to a Docker mount. */
export interface DesiredMount {
  index: number;
  mount: VolumeMount;
  volume: Volume;
  /** tmpfs volumes: the Docker volume name. */
  tmpfsVolumeName?: string;
  /** Volumes mounted on the host and shared (buckets): the key of the shared mount, its users' label. */
  mountKey?: string;
}

export interface DesiredOptions {
  /** Key of the shared host mount a volume mount uses, if its backend has one (may read env credentials). */
  mountKey?: (vol: Volume, vm: VolumeMount) => string | undefined;
  pauseImage: string;
  now?: Date;
}

export function desiredSandbox(sandbox: Sandbox, opts: DesiredOptions): DesiredSandbox {
  const id = sandbox.id;
  const userLabels = sandbox.labels;
  const base = { ...userLabels, [L.sandbox]: id };

  const publish = sandbox.egress
    ? sandbox.ports.map((p) => `${p.hostPort ? `${p.hostPort}:` : ''}${p.containerPort}/${p.protocol}`)
    : [];
  const infraIdentity = { egress: policyIdentity(sandbox), publish, ttl: sandbox.ttlSeconds, image: opts.pauseImage, labels: userLabels };
  const infraHash = configHash(infraIdentity);
  const now = opts.now ?? new Date();
  const infraLabels: Record<string, string> = {
    ...base,
    [L.role]: 'infra',
    [L.configHash]: infraHash,
    [L.createdAt]: now.toISOString(),
    [L.spec]: JSON.stringify(sandbox.manifest),
    [L.egress]: String(sandbox.egress),
    [L.egressPolicy]: describePolicy(sandbox),
  };
  if (sandbox.ttlSeconds > 0) infraLabels[L.expiresAt] = new Date(now.getTime() + sandbox.ttlSeconds * 1000).toISOString();

  const tmpfsVolumes: DesiredTmpfsVolume[] = sandbox.volumes
    .filter((v): v is Extract<Volume, { kind: 'tmpfs' }> => v.kind === 'tmpfs')
    .map((v) => {
      const hash = configHash({ size: v.sizeBytes });
      return {
        volume: v.name,
        name: tmpfsVolumeName(id, v.name, hash),
        hash,
        sizeBytes: v.sizeBytes,
        labels: { ...base, [L.role]: 'volume', [L.volume]: v.name, [L.configHash]: hash },
      };
    });
  const tmpfsByVolume = new Map(tmpfsVolumes.map((t) => [t.volume, t]));
  const volumes = new Map(sandbox.volumes.map((v) => [v.name, v]));

  const containers = sandbox.containers.map((c): DesiredContainer => {
    const mounts = c.volumeMounts.map((vm, index): DesiredMount => {
      const volume = volumes.get(vm.name)!;
      return {
        index,
        mount: vm,
        volume,
        tmpfsVolumeName: volume.kind === 'tmpfs' ? tmpfsByVolume.get(volume.name)!.name : undefined,
        mountKey: opts.mountKey?.(volume, vm),
      };
    });
    // The pull policy decides how the image is obtained, not what runs: changing it keeps the container.
    const hash = configHash({ container: { ...c, imagePullPolicy: undefined }, infra: infraHash, mounts: mounts.map(mountIdentity) });
    const labels: Record<string, string> = {
      ...base,
      [L.role]: 'container',
      [L.container]: c.name,
      [L.configHash]: hash,
    };
    for (const m of mounts) if (m.mountKey) labels[`${L.mountUser}.${m.mountKey}`] = '1';
    return { name: c.name, dockerName: containerName(id, c.name), hash, spec: c, mounts, labels, policyCapDrops: policyCapDrops(sandbox) };
  });

  return {
    id,
    sandbox,
    infra: { name: infraName(id), hash: infraHash, hostname: hostnameFor(id), labels: infraLabels, publish, dns: infraDns(sandbox) },
    network: sandbox.egress ? { name: networkName(id), labels: { ...base, [L.role]: 'network' } } : undefined,
    tmpfsVolumes,
    containers,
  };
}

/** The part of a mount that decides whether a container must be recreated (never a secret). */
function mountIdentity(m: DesiredMount): unknown {
  const v = m.volume;
  return { [v.kind]: mountSource(m), target: m.mount.mountPath, subPath: m.mount.subPath, ro: m.mount.readOnly };
}

/** What a mount is of, per kind; a new volume kind is a compile error here until it has a case. */
function mountSource(m: DesiredMount): string | undefined {
  const v = m.volume;
  switch (v.kind) {
    case 'tmpfs':
      return m.tmpfsVolumeName;
    case 'pvc':
      return v.claimName;
    case 'host':
      return v.path;
    case 'ossfs':
    case 's3':
      // The backend's mount key: endpoint, bucket, full prefix, options and key id (never the secret).
      return m.mountKey ?? v.name;
    default: {
      const unhandled: never = v;
      throw new Error(`no mount identity for volume ${JSON.stringify(unhandled)}`);
    }
  }
}
