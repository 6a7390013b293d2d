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
  const listed = await containersFromApi(docker, sandboxId, selector);
  if (listed) return listed.map(containerOfApi);
  const { stdout } = await docker.run(containersPsArgs(sandboxId, selector));
  return parseContainers(stdout);
}

/** What the engine's API lists for that `docker ps`, or undefined when the CLI is to be asked. */
function containersFromApi(docker: DockerClient, sandboxId: string | undefined, selector: readonly string[]): Promise<ApiContainer[] | undefined> {
  return listFromApi<ApiContainer>(docker, '/containers/json', { all: '1', filters: JSON.stringify({ label: [sandboxFilter(sandboxId), ...selector] }) });
}

/** A listing endpoint's array, or undefined when the API gave none (no API, no answer, another shape). */
async function listFromApi<T>(docker: DockerClient, pathname: string, query: Record<string, string>): Promise<T[] | undefined> {
  const answer = await docker.api?.get<T[]>(pathname, query);
  return answer?.status === 200 && Array.isArray(answer.body) ? answer.body : undefined;
}

interface ApiContainer {
  Id: string;
  Names?: string[] | null;
  State?: string;
  Status?: string;
  Created?: number;
  Labels?: Record<string, string> | null;
}

/** The same fields as `docker ps` prints them: names without the leading "/", links' aliases left out. */
function containerOfApi(c: ApiContainer): ObservedContainer {
  const name = (c.Names ?? []).map((n) => n.replace(/^\//, '')).find((n) => !n.includes('/')) ?? '';
  const createdAt = typeof c.Created === 'number' ? new Date(c.Created * 1000).toISOString() : undefined;
  return { id: c.Id, name, state: c.State ?? '', status: c.Status ?? '', createdAt, labels: pickLabels(CONTAINER_LABELS, c.Labels) };
}

/** The labels of `names` that are set and not empty (what `{{.Label}}` printing gives). */
function pickLabels(names: readonly string[], labels: Record<string, string> | null | undefined): Record<string, string> {
  return labelsOf(names, names.map((n) => labels?.[n] ?? ''));
}

const sandboxFilter = (sandboxId: string | undefined) => (sandboxId === undefined ? L.sandbox : `${L.sandbox}=${sandboxId}`);

/** The docker arguments of that `docker ps`; `printed`: more labels to print after sbx's own. */
export function containersPsArgs(sandboxId?: string, selector: readonly string[] = [], printed: readonly string[] = []): string[] {
  const filter = sandboxFilter(sandboxId);
  const format = ['{{.ID}}', '{{.Names}}', '{{.State}}', '{{.Status}}', '{{.CreatedAt}}', labelFormat([...CONTAINER_LABELS, ...printed])].join(SEP);
  return ['ps', '-a', '--no-trunc', '--filter', `label=${filter}`, ...selector.flatMap((l) => ['--filter', `label=${l}`]), '--format', format];
}

/**
 * A selector as KEY/VALUE pairs that a printed label can be matched against, or undefined when one cannot
 * (KEY alone or an empty VALUE: a printed label cannot tell empty from absent; keys other than plain
 * label names are left to docker's filter).
 */
export function printableSelector(selector: readonly string[]): [string, string][] | undefined {
  const pairs = selector.map((s) => [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)] as [string, string]);
  return selector.every((s) => s.includes('=')) && pairs.every(([k, v]) => /^[A-Za-z0-9][\w./-]*$/.test(k) && v !== '') ? pairs : undefined;
}

/** Every sbx container and those carrying every pair's label and value, from one `docker ps`. */
export async function observeContainersSelecting(docker: DockerClient, pairs: readonly [string, string][]): Promise<{ containers: ObservedContainer[]; selected: ObservedContainer[] }> {
  const listed = await containersFromApi(docker, undefined, []);
  if (listed) {
    const containers = listed.map(containerOfApi);
    return { containers, selected: containers.filter((_, i) => pairs.every(([k, v]) => listed[i].Labels?.[k] === v)) };
  }
  const { stdout } = await docker.run(containersPsArgs(undefined, [], pairs.map(([k]) => k)));
  const rows = psRows(stdout);
  const matches = (fields: string[]) => {
    const printed = fields.slice(5 + CONTAINER_LABELS.length);
    return pairs.every(([, v], i) => printed[i] === v);
  };
  const containers = rows.map(containerOf);
  return { containers, selected: containers.filter((_, i) => matches(rows[i])) };
}

export function parseContainers(stdout: string): ObservedContainer[] {
  return psRows(stdout).map(containerOf);
}

/** The fields of each non-empty line of that `docker ps`. */
function psRows(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(SEP));
}

function containerOf([id, name, state, status, created, ...vals]: string[]): ObservedContainer {
  return { id, name, state, status, createdAt: isoFromPs(created), labels: labelsOf(CONTAINER_LABELS, vals) };
}

/** `docker ps` prints "2026-01-02 03:04:05 +0000 UTC". */
function isoFromPs(created: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})/.exec(created);
  if (!m) return undefined;
  const d = new Date(`${m[1]}T${m[2]}${m[3]}:${m[4]}`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const OBJECT_LABELS = [L.sandbox, L.role, L.volume, L.configHash];

async function observeObjects(docker: DockerClient, kind: 'network' | 'volume', sandboxId?: string): Promise<ObservedObject[]> {
  const filter = sandboxFilter(sandboxId);
  const listed = await objectsFromApi(docker, kind, filter);
  if (listed) return listed.map((o) => ({ name: o.Name, labels: pickLabels(OBJECT_LABELS, o.Labels) }));
  const { stdout } = await docker.run([kind, 'ls', '--filter', `label=${filter}`, '--format', ['{{.Name}}', labelFormat(OBJECT_LABELS)].join(SEP)]);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name, ...vals] = line.split(SEP);
      return { name, labels: labelsOf(OBJECT_LABELS, vals) };
    });
}

interface ApiObject {
  Name: string;
  Labels?: Record<string, string> | null;
}

/** `docker network ls` / `docker volume ls` as the engine's API lists them, or undefined (ask the CLI). */
async function objectsFromApi(docker: DockerClient, kind: 'network' | 'volume', filter: string): Promise<ApiObject[] | undefined> {
  const filters = JSON.stringify({ label: [filter] });
  if (kind === 'network') return listFromApi<ApiObject>(docker, '/networks', { filters });
  const answer = await docker.api?.get<{ Volumes?: ApiObject[] | null }>('/volumes', { filters });
  return answer?.status === 200 && answer.body && typeof answer.body === 'object' ? (answer.body.Volumes ?? []) : undefined;
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

/** One sandbox's share of an observation of every sbx object. */
export function observedOf(all: Observed, id: string): Observed {
  const mine = <T extends { labels: Partial<Record<string, string>> }>(xs: T[]) => xs.filter((x) => x.labels[L.sandbox] === id);
  return { containers: mine(all.containers), networks: mine(all.networks), volumes: mine(all.volumes) };
}
