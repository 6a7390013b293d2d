import { Secret } from '../secret.js';
import {
  DEFAULT_EPHEMERAL_STORAGE_BYTES,
  type Container,
  type PortSpec,
  type ReadinessProbe,
  type Sandbox,
  type SourceRef,
  type Volume,
} from './model.js';
import { parseQuantity, type QuantityKind } from './quantity.js';
import { checkTmpfsOptions } from './rules/container-options.js';
import { parseAllowEntry, type AllowEntry } from './egress.js';
import type * as M from './manifest-types.js';

/** Builds the model from a document that passed the schema and every rule. */
export function normalise(doc: M.SandboxDoc, source: SourceRef): Sandbox {
  const spec = doc.spec;
  return {
    id: doc.id,
    labels: { ...(doc.metadata?.labels ?? {}) },
    egress: Boolean(spec.egress ?? false),
    ...egressAllow(spec.egress),
    ttlSeconds: spec.ttl_seconds ?? 0,
    ports: (spec.ports ?? []).map(port),
    readinessProbe: spec.readiness_probe ? probe(spec.readiness_probe) : undefined,
    volumes: (spec.volumes ?? []).map(volume),
    containers: spec.containers.map(container),
    source,
    manifest: withoutCredentials(doc),
  };
}

function egressAllow(egress: M.Spec['egress']): { egressAllow?: AllowEntry[] } {
  if (typeof egress !== 'object') return {};
  const entries = egress.allow.map((raw) => {
    const parsed = parseAllowEntry(raw);
    if (!parsed.ok) throw new Error('egress.allow was validated before normalising');
    return parsed.entry;
  });
  const seen = new Set<string>();
  return { egressAllow: entries.filter((e) => !seen.has(JSON.stringify(e)) && Boolean(seen.add(JSON.stringify(e)))) };
}

function quantity(raw: string | number, kind: QuantityKind): number {
  const q = parseQuantity(raw, kind);
  if (!q.ok) throw new Error('quantity was validated before normalising');
  return q.value;
}

function port(p: M.Port): PortSpec {
  const out: PortSpec = { containerPort: p.container_port, protocol: (p.protocol ?? 'tcp').toLowerCase() as 'tcp' | 'udp' };
  if (p.host_port !== undefined) out.hostPort = p.host_port;
  return out;
}

function probe(p: M.ReadinessProbe): ReadinessProbe {
  const protocol = p.protocol.toLowerCase() as 'tcp' | 'http';
  return {
    protocol,
    port: p.port,
    ...(protocol === 'http' ? { path: p.path ?? '/' } : {}),
    initialDelaySeconds: p.initial_delay_seconds ?? 1,
    periodSeconds: p.period_seconds ?? 1,
    timeoutSeconds: p.timeout_seconds ?? 1,
    successThreshold: p.success_threshold ?? 1,
    failureThreshold: p.failure_threshold ?? 30,
  };
}

function volume(v: M.Volume): Volume {
  if (v.pvc) return { kind: 'pvc', name: v.name, claimName: v.pvc.claim_name, create: v.pvc.create ?? false };
  if (v.host) return { kind: 'host', name: v.name, path: v.host.path };
  if (v.ossfs) {
    const o = v.ossfs;
    return {
      kind: 'ossfs',
      name: v.name,
      bucket: o.bucket,
      endpoint: withScheme(o.endpoint),
      prefix: (o.path ?? '').replace(/^\/+|\/+$/g, ''),
      version: o.version ?? '2.0',
      ...(o.region !== undefined ? { region: o.region } : {}),
      options: (o.options ?? []).map((x) => x.trim()),
      ...(o.access_key_id !== undefined ? { accessKeyId: new Secret(o.access_key_id) } : {}),
      ...(o.access_key_secret !== undefined ? { accessKeySecret: new Secret(o.access_key_secret) } : {}),
    };
  }
  if (v.s3) {
    const o = v.s3;
    return {
      kind: 's3',
      name: v.name,
      bucket: o.bucket,
      endpoint: withScheme(o.endpoint ?? 'https://s3.amazonaws.com'),
      prefix: (o.path ?? '').replace(/^\/+|\/+$/g, ''),
      ...(o.region !== undefined ? { region: o.region } : {}),
      pathStyle: o.path_style ?? false,
      options: (o.options ?? []).map((x) => x.trim()),
      ...(o.access_key_id !== undefined ? { accessKeyId: new Secret(o.access_key_id) } : {}),
      ...(o.access_key_secret !== undefined ? { accessKeySecret: new Secret(o.access_key_secret) } : {}),
    };
  }
  if (v.ephemeral_storage !== undefined) return { kind: 'tmpfs', name: v.name, sizeBytes: quantity(v.ephemeral_storage, 'bytes') };
  throw new Error(`volume ${v.name} has no backend (the rules should have refused it)`);
}

/** "https://" when the endpoint names no scheme; no trailing "/". */
function withScheme(raw: string): string {
  const endpoint = raw.trim().replace(/\/+$/, '');
  return /^https?:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
}

function container(c: M.Container): Container {
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: c.image_pull_policy ?? 'if_not_present',
    ...(c.args && c.args.length > 0 ? { args: [...c.args] } : {}),
    env: [...(c.env ?? [])],
    ...(c.work_dir !== undefined ? { workDir: c.work_dir } : {}),
    resource: {
      cpuMillis: quantity(c.resource.cpu, 'cpu'),
      memoryBytes: quantity(c.resource.memory, 'bytes'),
      ephemeralStorageBytes:
        c.resource.ephemeral_storage !== undefined ? quantity(c.resource.ephemeral_storage, 'bytes') : DEFAULT_EPHEMERAL_STORAGE_BYTES,
    },
    volumeMounts: (c.volume_mounts ?? []).map((m) => ({
      name: m.name,
      mountPath: m.mount_path,
      ...(m.sub_path !== undefined ? { subPath: m.sub_path } : {}),
      readOnly: m.read_only ?? false,
    })),
    readOnly: c.read_only ?? false,
    capAdd: [...(c.cap_add ?? [])],
    capDrop: [...(c.cap_drop ?? [])],
    securityOpt: [...(c.security_opt ?? [])],
    tmpfs: (c.tmpfs ?? []).map((t) => ({ mountPath: t.mount_path, options: checkTmpfsOptions(t.options ?? '').normalised })),
  };
}

/** The document as plain JSON, minus inline bucket credentials (they must never reach labels or exports). */
function withoutCredentials(doc: M.SandboxDoc): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(doc)) as M.SandboxDoc;
  for (const v of copy.spec.volumes ?? []) {
    for (const bucket of [v.ossfs, v.s3]) {
      if (!bucket) continue;
      delete bucket.access_key_id;
      delete bucket.access_key_secret;
    }
  }
  return copy as unknown as Record<string, unknown>;
}
