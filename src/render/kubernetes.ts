import type { Sandbox } from '../manifest/model.js';
import type { OssCredentialSource, SandboxContext } from './context.js';
import { sandboxMetadata } from './metadata.js';
import { NameAllocator, toDnsLabel, toDnsSubdomain } from './names.js';
import { egressPolicyObject, isolationPolicy } from './network-policy.js';
import { noteSink, type RenderNote } from './notes.js';
import { objectKey, type KubernetesObject } from './objects.js';
import { renderPod } from './pod.js';
import { renderVolumes } from './volumes.js';

export type { KubernetesObject } from './objects.js';
export type { RenderNote } from './notes.js';

export interface RenderOptions {
  /** Put OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET from the environment into the OSS Secrets. */
  secretsFromEnv: boolean;
  /** Where --secrets-from-env reads from; process.env by default. */
  env?: Record<string, string | undefined>;
}

export interface RenderResult {
  /** Per sandbox: Secrets, PersistentVolumes, PersistentVolumeClaims, NetworkPolicy, then the Pod. */
  objects: KubernetesObject[];
  notes: RenderNote[];
}

/** The Kubernetes objects that run the given sandboxes, and notes on what they cannot express. */
export function renderKubernetes(sandboxes: Sandbox[], opts: RenderOptions): RenderResult {
  const notes: RenderNote[] = [];
  const credentials: OssCredentialSource = { secretsFromEnv: opts.secretsFromEnv, env: opts.env ?? process.env };
  const objectNames = new NameAllocator(toDnsSubdomain, 253);
  const claimNames = claimNameMap(sandboxes, objectNames);
  const objects = new Map<string, KubernetesObject>();

  for (const sandbox of sandboxes) {
    const note = noteSink(sandbox.id, notes);
    const podName = objectNames.take(sandbox.id);
    if (podName !== sandbox.id) note('id', `Pod name is "${podName}": Kubernetes object names are lowercase DNS-1123 subdomains`);
    const meta = sandboxMetadata(sandbox.id, sandbox.labels, note);
    const ctx: SandboxContext = {
      sandbox,
      podName,
      ...meta,
      objectNames,
      claimNames,
      volumeNames: new NameAllocator(toDnsLabel),
      note,
      credentials,
    };
    const volumes = renderVolumes(ctx);
    const rendered: KubernetesObject[] = [...volumes.objects];
    if (!sandbox.egress) rendered.push(isolationPolicy(ctx));
    const egress = egressPolicyObject(ctx);
    if (egress) rendered.push(egress);
    rendered.push(renderPod(ctx, volumes));
    for (const o of rendered) addObject(objects, o, note);
  }
  return { objects: [...objects.values()], notes };
}

/**
 * Claims named in manifests are shared on purpose, so they are named first: valid names are kept,
 * others are sanitised (distinct Docker volume names stay distinct claims), and generated names avoid them all.
 */
function claimNameMap(sandboxes: Sandbox[], objectNames: NameAllocator): Map<string, string> {
  const raw = [...new Set(sandboxes.flatMap((s) => s.volumes.flatMap((v) => (v.kind === 'pvc' ? [v.claimName] : []))))];
  const valid = raw.filter((name) => toDnsSubdomain(name) === name);
  const names = new Map<string, string>();
  for (const name of valid) {
    objectNames.reserve(name);
    names.set(name, name);
  }
  for (const name of raw) if (!names.has(name)) names.set(name, objectNames.take(name));
  return names;
}

/** Sandboxes may share an object (a created claim); the same name with a different body is reported. */
function addObject(objects: Map<string, KubernetesObject>, o: KubernetesObject, note: (path: string, message: string) => void): void {
  const key = objectKey(o);
  const existing = objects.get(key);
  if (!existing) objects.set(key, o);
  else if (JSON.stringify(existing) !== JSON.stringify(o)) note('id', `${key} is also rendered for another sandbox with a different definition; the first one is kept`);
}
