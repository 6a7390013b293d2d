import { L } from '../labels.js';
import type { DesiredContainer, DesiredOwnedVolume, DesiredSandbox } from './desired.js';
import { heldResources, type HeldResource } from './mounts.js';
import { isStashName, stashName } from './names.js';
import type { Observed, ObservedContainer } from './observe.js';

/**
 * A plan runs in three phases so that a failure can put back what existed:
 *  1. stash   — containers to be replaced or removed are stopped and renamed aside;
 *  2. create  — network, owned volumes, infra, containers (containers in parallel);
 *  3. cleanup — stashed containers, obsolete volumes and networks are removed.
 * If phase 2 fails, what it created is removed and stashed containers are restored.
 */
export type Step =
  | { kind: 'stash-container'; name: string; to: string; wasRunning: boolean; cause: string; resources: ContainerResources }
  | { kind: 'create-network'; name: string; cause: string }
  | { kind: 'create-volume'; volume: DesiredOwnedVolume; cause: string }
  | { kind: 'create-infra'; cause: string }
  | { kind: 'create-container'; container: DesiredContainer; cause: string }
  | { kind: 'start-container'; name: string; container: string; cause: string }
  | { kind: 'remove-container'; name: string; cause: string; resources: ContainerResources }
  | { kind: 'remove-volume'; name: string; cause: string }
  | { kind: 'remove-network'; name: string; cause: string };

/** Host-side resources a container holds (from its labels); released after it is removed. */
export type ContainerResources = HeldResource[];

export function containerResources(c: ObservedContainer): ContainerResources {
  return heldResources(c.labels);
}

export interface Plan {
  sandbox: string;
  steps: Step[];
  /** Resources left as they are, e.g. "container app". */
  unchanged: string[];
}

export function isNoop(plan: Plan): boolean {
  return plan.steps.length === 0;
}

export function reconcile(desired: DesiredSandbox, observed: Observed, run: string): Plan {
  const stash: Step[] = [];
  const create: Step[] = [];
  const cleanup: Step[] = [];
  const unchanged: string[] = [];

  const live = observed.containers.filter((c) => !isStashName(c.name));
  for (const c of observed.containers.filter((c) => isStashName(c.name))) {
    cleanup.push({ kind: 'remove-container', name: c.name, cause: 'left over from an interrupted apply', resources: containerResources(c) });
  }

  // Network first: the infra container is attached to it at creation.
  const wantNet = desired.network?.name;
  const haveNets = observed.networks.map((n) => n.name);
  const netMissing = wantNet !== undefined && !haveNets.includes(wantNet);
  if (netMissing) create.push({ kind: 'create-network', name: wantNet!, cause: 'egress: true needs a bridge network' });
  else if (wantNet) unchanged.push(`network ${wantNet}`);
  for (const n of haveNets.filter((n) => n !== wantNet)) {
    cleanup.push({ kind: 'remove-network', name: n, cause: wantNet ? 'not the sandbox network' : 'egress is false' });
  }

  const haveVolumes = new Map(observed.volumes.map((v) => [v.name, v]));
  for (const v of desired.ownedVolumes) {
    if (haveVolumes.has(v.name)) unchanged.push(`volume ${v.volume}`);
    else create.push({ kind: 'create-volume', volume: v, cause: volumeCause(v, observed) });
  }
  const wantVolumes = new Set(desired.ownedVolumes.map((v) => v.name));
  for (const v of observed.volumes) {
    if (v.labels[L.role] === 'volume' && !wantVolumes.has(v.name)) {
      const successor = desired.ownedVolumes.find((d) => d.volume === v.labels[L.volume]);
      cleanup.push({ kind: 'remove-volume', name: v.name, cause: successor ? `replaced (${successor.changeCause})` : 'no longer declared' });
    }
  }

  const infras = live.filter((c) => c.labels[L.role] === 'infra');
  const infra = infras.find((c) => c.name === desired.infra.name);
  const infraCause = !infra
    ? 'missing'
    : infra.labels[L.configHash] !== desired.infra.hash
      ? 'configuration changed'
      : infra.state !== 'running'
        ? `infra container is ${infra.state}`
        : netMissing
          ? 'network was missing'
          : undefined;
  for (const c of infras) {
    if (c === infra && !infraCause) continue;
    stash.push(stashStep(c, run, c === infra ? infraCause! : 'not the sandbox infra container'));
  }
  if (infraCause) create.push({ kind: 'create-infra', cause: infraCause });
  else unchanged.push(`infra ${desired.infra.name}`);

  const apps = live.filter((c) => c.labels[L.role] === 'container');
  const wantNames = new Set(desired.containers.map((c) => c.dockerName));
  for (const dc of desired.containers) {
    const cur = apps.find((c) => c.name === dc.dockerName);
    const cause = !cur
      ? 'missing'
      : infraCause
        ? 'infra container is recreated'
        : cur.labels[L.configHash] !== dc.hash
          ? 'configuration changed'
          : cur.state !== 'running' && hasHostSideMounts(cur)
            ? `container is ${cur.state} and its host-side mounts are prepared again`
            : undefined;
    if (cur && cause) stash.push(stashStep(cur, run, cause));
    if (cause) create.push({ kind: 'create-container', container: dc, cause });
    else if (cur && cur.state !== 'running') create.push({ kind: 'start-container', name: cur.name, container: dc.name, cause: `container is ${cur.state}` });
    else unchanged.push(`container ${dc.name}`);
  }
  for (const c of apps.filter((c) => !wantNames.has(c.name))) stash.push(stashStep(c, run, 'no longer in the manifest'));

  // Stashed containers are removed once the new ones run.
  for (const s of stash) if (s.kind === 'stash-container') cleanup.unshift({ kind: 'remove-container', name: s.to, cause: s.cause, resources: s.resources });
  return { sandbox: desired.id, steps: [...stash, ...create, ...cleanup], unchanged };
}

/**
 * Staging binds and shared bucket mounts live on the host, not in Docker: while the container was stopped
 * they may have gone (reboot, gc, a dead FUSE daemon), and `docker start` would then bind the empty
 * directory left behind. Recreating prepares them again.
 */
function hasHostSideMounts(c: ObservedContainer): boolean {
  return containerResources(c).length > 0;
}

function stashStep(c: ObservedContainer, run: string, cause: string): Step {
  return { kind: 'stash-container', name: c.name, to: stashName(c.name, run), wasRunning: c.state === 'running', cause, resources: containerResources(c) };
}

function volumeCause(v: DesiredOwnedVolume, observed: Observed): string {
  return observed.volumes.some((o) => o.labels[L.volume] === v.volume) ? v.changeCause : 'missing';
}

/** A short label for a step, for progress lines and the dry-run table. */
export function describeStep(s: Step): { action: string; resource: string } {
  switch (s.kind) {
    case 'stash-container':
      return { action: 'replace', resource: `container ${s.name}` };
    case 'create-network':
      return { action: 'create', resource: `network ${s.name}` };
    case 'create-volume':
      return { action: 'create', resource: `volume ${s.volume.volume} (${s.volume.name})` };
    case 'create-infra':
      return { action: 'create', resource: 'infra container' };
    case 'create-container':
      return { action: 'create', resource: `container ${s.container.name}` };
    case 'start-container':
      return { action: 'start', resource: `container ${s.container}` };
    case 'remove-container':
      return { action: 'remove', resource: `container ${s.name}` };
    case 'remove-volume':
      return { action: 'remove', resource: `volume ${s.name}` };
    case 'remove-network':
      return { action: 'remove', resource: `network ${s.name}` };
  }
}
