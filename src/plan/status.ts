import { L } from '../labels.js';
import { isStashName } from './names.js';
import type { ObservedContainer } from './observe.js';

export interface SandboxStatus {
  id: string;
  /** e.g. running(2), partial(1/2), exited(2), incomplete, expired */
  status: string;
  containers: { name: string; dockerName: string; state: string; status: string }[];
  infra?: { name: string; state: string };
  egress: boolean;
  createdAt?: string;
  expiresAt?: string;
  expired: boolean;
  /** No infra container, or containers never started: what an interrupted apply leaves. */
  incomplete: boolean;
}

/** Group `docker ps` rows into sandboxes; labels are the only state. */
export function sandboxesFrom(containers: ObservedContainer[], now = new Date()): SandboxStatus[] {
  const byId = new Map<string, ObservedContainer[]>();
  for (const c of containers) {
    const id = c.labels[L.sandbox];
    if (!id) continue;
    (byId.get(id) ?? byId.set(id, []).get(id)!).push(c);
  }
  return [...byId.entries()]
    .map(([id, cs]) => statusOf(id, cs, now))
    .sort((a, b) => a.id.localeCompare(b.id));
}

function statusOf(id: string, cs: ObservedContainer[], now: Date): SandboxStatus {
  const infra = cs.find((c) => c.labels[L.role] === 'infra' && !isStashName(c.name));
  const apps = cs.filter((c) => c.labels[L.role] === 'container' && !isStashName(c.name));
  const expiresAt = infra?.labels[L.expiresAt];
  const expired = expiresAt !== undefined && new Date(expiresAt).getTime() <= now.getTime();
  const running = apps.filter((c) => c.state === 'running').length;
  const incomplete = !infra || apps.length === 0 || apps.some((c) => c.state === 'created');
  let status: string;
  if (expired) status = 'expired';
  else if (incomplete) status = 'incomplete';
  else if (running === apps.length && infra?.state === 'running') status = `running(${running})`;
  else if (running === 0) status = `exited(${apps.length})`;
  else status = `partial(${running}/${apps.length})`;
  return {
    id,
    status,
    containers: apps
      .map((c) => ({ name: c.labels[L.container] ?? c.name, dockerName: c.name, state: c.state, status: c.status }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    infra: infra ? { name: infra.name, state: infra.state } : undefined,
    egress: infra?.labels[L.egress] === 'true',
    createdAt: infra?.labels[L.createdAt],
    expiresAt,
    expired,
    incomplete,
  };
}
