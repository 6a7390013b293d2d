import { L } from '../labels.js';
import type { DesiredSandbox } from './desired.js';
import { isStashName } from './names.js';
import type { Observed, ObservedContainer } from './observe.js';

/**
 * Whether these containers alone show a converged sandbox: the infra container and every desired
 * container present with its configuration hash and running, nothing else, and every volume the sandbox
 * owns mounted by one of them. Then the sandbox's network and owned volumes exist too — Docker refuses to
 * remove a volume a container mounts or a network a running container is attached to — so they need
 * no listing. reconcile() of `assumedObservation` then plans nothing.
 */
export function containersConverged(desired: DesiredSandbox, containers: ObservedContainer[]): boolean {
  const mounted = new Set(desired.containers.flatMap((dc) => dc.mounts.map((m) => m.ownedVolume)));
  if (!desired.ownedVolumes.every((v) => mounted.has(v.name))) return false;
  const want = new Map([[desired.infra.name, desired.infra.hash], ...desired.containers.map((dc) => [dc.dockerName, dc.hash] as const)]);
  if (containers.length !== want.size) return false;
  return containers.every((c) => !isStashName(c.name) && c.state === 'running' && want.get(c.name) === c.labels[L.configHash] && roleMatches(desired, c));
}

function roleMatches(desired: DesiredSandbox, c: ObservedContainer): boolean {
  return c.labels[L.role] === (c.name === desired.infra.name ? 'infra' : 'container');
}

/** What a converged sandbox's listings would show (see containersConverged). */
export function assumedObservation(desired: DesiredSandbox, containers: ObservedContainer[]): Observed {
  return {
    containers,
    networks: desired.network ? [{ name: desired.network.name, labels: desired.network.labels }] : [],
    volumes: desired.ownedVolumes.map((v) => ({ name: v.name, labels: v.labels })),
  };
}
