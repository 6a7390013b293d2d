import type { IContainer, IPod } from 'kubernetes-models/v1';
import type { Sandbox } from '../../../src/manifest/model.js';
import { renderKubernetes, type KubernetesObject, type RenderResult } from '../../../src/render/kubernetes.js';

export function render(sandboxes: Sandbox[], opts: { secretsFromEnv?: boolean; env?: Record<string, string> } = {}): RenderResult {
  return renderKubernetes(sandboxes, { secretsFromEnv: opts.secretsFromEnv ?? false, env: opts.env ?? {} });
}

export function ofKind<K extends KubernetesObject['kind']>(r: RenderResult, kind: K): Extract<KubernetesObject, { kind: K }>[] {
  return r.objects.filter((o): o is Extract<KubernetesObject, { kind: K }> => o.kind === kind);
}

export function pod(r: RenderResult, name?: string): IPod {
  const pods = ofKind(r, 'Pod');
  const found = name === undefined ? pods[0] : pods.find((p) => p.metadata?.name === name);
  if (!found) throw new Error(`no Pod ${name ?? ''} in ${r.objects.map((o) => o.kind).join(', ')}`);
  return found;
}

export function containerOf(p: IPod, name: string): IContainer {
  const c = p.spec?.containers.find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
}

export function notesAt(r: RenderResult, path: string): string[] {
  return r.notes.filter((n) => n.path === path).map((n) => n.message);
}
