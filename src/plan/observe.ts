import type { DockerClient } from '../docker/engine.js';
import { L } from '../labels.js';

/** Labels every observed object reports (read with {{.Label}} so values may hold commas). */
const CONTAINER_LABELS = [L.sandbox, L.role, L.container, L.configHash, L.createdAt, L.expiresAt, L.egress, L.hostResources, L.legacyMountKeys, L.legacyStagedMounts] as const;

export interface ObservedContainer {
  id: string;
  name: string;
  /** created | running | exited | paused | restarting | removing | dead */
  state: string;
  status: string;
  /** When Docker created the container (ISO 8601). */
  createdAt?: string;
  labels: Partial<Record<(typeof CONTAINER_LABELS)[number], string>>;
}

export interface ObservedObject {
  name: string;
  labels: Partial<Record<string, string>>;
}

export interface Observed {
  containers: ObservedContainer[];
  networks: ObservedObject[];
  volumes: ObservedObject[];
}

const SEP = '\u001f';

function labelFormat(labels: readonly string[]): string {
  return labels.map((l) => `{{.Label "${l}"}}`).join(SEP);
}

function labelsOf(names: readonly string[], values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  names.forEach((n, i) => {
    if (values[i]) out[n] = values[i];
  });
  return out;
}

/**
 * One `docker ps`: every sbx container (or one sandbox's), with the labels sbx keeps its state in.
 * `selector`: only containers that also carry these labels (KEY or KEY=VALUE, all must match).
 */
export async function observeContainers(docker: DockerClient, sandboxId?: string, selector: readonly string[] = []): Promise<ObservedContainer[]> {
  const { stdout } = await docker.run(containersPsArgs(sandboxId, selector));
  return parseContainers(stdout);
}

/** The docker arguments of that `docker ps`. */
export function containersPsArgs(sandboxId?: string, selector: readonly string[] = []): string[] {
  const filter = sandboxId === undefined ? L.sandbox : `${L.sandbox}=${sandboxId}`;
  const format = ['{{.ID}}', '{{.Names}}', '{{.State}}', '{{.Status}}', '{{.CreatedAt}}', labelFormat(CONTAINER_LABELS)].join(SEP);
  return ['ps', '-a', '--no-trunc', '--filter', `label=${filter}`, ...selector.flatMap((l) => ['--filter', `label=${l}`]), '--format', format];
}

export function parseContainers(stdout: string): ObservedContainer[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, name, state, status, created, ...vals] = line.split(SEP);
      return { id, name, state, status, createdAt: isoFromPs(created), labels: labelsOf(CONTAINER_LABELS, vals) };
    });
}

/** `docker ps` prints "2026-01-02 03:04:05 +0000 UTC". */
function isoFromPs(created: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})/.exec(created);
  if (!m) return undefined;
  const d = new Date(`${m[1]}T${m[2]}${m[3]}:${m[4]}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

async function observeObjects(docker: DockerClient, kind: 'network' | 'volume', sandboxId?: string): Promise<ObservedObject[]> {
  const filter = sandboxId === undefined ? L.sandbox : `${L.sandbox}=${sandboxId}`;
  const names = [L.sandbox, L.role, L.volume, L.configHash];
  const { stdout } = await docker.run([kind, 'ls', '--filter', `label=${filter}`, '--format', ['{{.Name}}', labelFormat(names)].join(SEP)]);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name, ...vals] = line.split(SEP);
      return { name, labels: labelsOf(names, vals) };
    });
}

/** Networks and volumes: two concurrent listing calls. */
export async function observeNetworksAndVolumes(docker: DockerClient, sandboxId?: string): Promise<Omit<Observed, 'containers'>> {
  const [networks, volumes] = await Promise.all([observeObjects(docker, 'network', sandboxId), observeObjects(docker, 'volume', sandboxId)]);
  return { networks, volumes };
}

/** Observe Docker once: three concurrent listing calls, no per-object inspect. */
export async function observe(docker: DockerClient, sandboxId?: string): Promise<Observed> {
  const [containers, others] = await Promise.all([observeContainers(docker, sandboxId), observeNetworksAndVolumes(docker, sandboxId)]);
  return { containers, ...others };
}
