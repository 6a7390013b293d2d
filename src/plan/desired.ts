import type { Container, Sandbox, Volume, VolumeMount } from '../manifest/model.js';
import { L } from '../labels.js';
import { describePolicy, infraDns, policyCapDrops, policyIdentity } from '../network/policy.js';
import { configHash } from './hash.js';
import { containerName, hostnameFor, infraName, networkName, ownedVolumeName } from './names.js';
import type { VolumeKinds } from './volume-kinds.js';

/** What a sandbox should look like on Docker, derived purely from the manifest. */
export interface DesiredSandbox {
  id: string;
  sandbox: Sandbox;
  infra: DesiredInfra;
  network?: { name: string; labels: Record<string, string> };
  /** Docker volumes the sandbox owns (created and removed with it), as the volumes' backends describe them. */
  ownedVolumes: DesiredOwnedVolume[];
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

export interface DesiredOwnedVolume {
  /** The manifest's volume name. */
  volume: string;
  /** The Docker volume's name (carries the hash). */
  name: string;
  hash: string;
  /** `docker volume create` options before labels and name. */
  createOptions: string[];
  /** Why a replacement of it is planned. */
  changeCause: string;
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
  /** The Docker volume the sandbox owns for this mount's volume, if its kind has one. */
  ownedVolume?: string;
  /** Volumes mounted on the host and shared (buckets): the key of the shared mount, its users' label. */
  mountKey?: string;
}

export interface DesiredOptions {
  /** The volumes' backends (mount keys may read env credentials). */
  kinds: VolumeKinds;
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

  const ownedVolumes = sandbox.volumes.flatMap((v): DesiredOwnedVolume[] => {
    const spec = opts.kinds.ownedVolume(v);
    if (!spec) return [];
    const hash = configHash(spec.identity);
    const labels = { ...base, [L.role]: 'volume', [L.volume]: v.name, [L.configHash]: hash };
    return [{ volume: v.name, name: ownedVolumeName(id, v.name, hash), hash, createOptions: spec.createOptions, changeCause: spec.changeCause, labels }];
  });
  const ownedByVolume = new Map(ownedVolumes.map((t) => [t.volume, t.name]));
  const volumes = new Map(sandbox.volumes.map((v) => [v.name, v]));

  const containers = sandbox.containers.map((c): DesiredContainer => {
    const mounts = c.volumeMounts.map((vm, index): DesiredMount => {
      const volume = volumes.get(vm.name)!;
      return {
        index,
        mount: vm,
        volume,
        ownedVolume: ownedByVolume.get(volume.name),
        mountKey: opts.kinds.mountKey(volume, vm),
      };
    });
    // The pull policy decides how the image is obtained, not what runs: changing it keeps the container.
    const hash = configHash({ container: { ...c, imagePullPolicy: undefined }, infra: infraHash, mounts: mounts.map((m) => mountIdentity(m, opts.kinds)) });
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
    ownedVolumes,
    containers,
  };
}

/** The part of a mount that decides whether a container must be recreated (never a secret). */
function mountIdentity(m: DesiredMount, kinds: VolumeKinds): unknown {
  return { [m.volume.kind]: kinds.mountSource(m.volume, m), target: m.mount.mountPath, subPath: m.mount.subPath, ro: m.mount.readOnly };
}
