import { L } from '../labels.js';
import { byText } from '../text-order.js';
import { isStashName } from './names.js';
import type { ObservedContainer } from './observe.js';

export interface SandboxStatus {
  id: string;
  /** e.g. running(2), partial(1/2), exited(3) (exit code), oom-killed, stopped, incomplete, expired */
  status: string;
  containers: ContainerStatus[];
  infra?: { name: string; state: string };
  egress: boolean;
  createdAt?: string;
  expiresAt?: string;
  expired: boolean;
  /** No infra container, or containers never started: what an interrupted apply leaves. */
  incomplete: boolean;
}

export interface ContainerStatus {
  name: string;
  dockerName: string;
  state: string;
  status: string;
  /** An exited container's code (from docker ps: "Exited (3) 2 minutes ago"). */
  exitCode?: number;
  /** Killed by the kernel for exceeding its memory limit (known from docker inspect only). */
  oomKilled: boolean;
}

/** An exited container's exit code, from docker ps' status text. */
export function exitCodeOf(c: Pick<ObservedContainer, 'state' | 'status'>): number | undefined {
  const m = c.state === 'exited' || c.state === 'dead' ? /^Exited \((-?\d+)\)/.exec(c.status) : null;
  return m ? Number(m[1]) : undefined;
}

/** The containers that may have been OOM-killed (exit 137): only `docker inspect` tells. */
export function oomCandidates(containers: ObservedContainer[]): string[] {
  return containers.filter((c) => c.labels[L.role] === 'container' && exitCodeOf(c) === 137).map((c) => c.name);
}

/**
 * Group `docker ps` rows into sandboxes; labels are the only state. `oomKilled`: Docker names of the
 * containers inspect reported as OOM-killed.
 */
export function sandboxesFrom(containers: ObservedContainer[], now = new Date(), oomKilled: ReadonlySet<string> = new Set()): SandboxStatus[] {
  const byId = new Map<string, ObservedContainer[]>();
  for (const c of containers) {
    const id = c.labels[L.sandbox];
    if (!id) continue;
    (byId.get(id) ?? byId.set(id, []).get(id)!).push(c);
  }
  return [...byId.entries()]
    .map(([id, cs]) => statusOf(id, cs, now, oomKilled))
    .sort((a, b) => byText(a.id, b.id));
}

function statusOf(id: string, cs: ObservedContainer[], now: Date, oomKilled: ReadonlySet<string>): SandboxStatus {
  const infra = cs.find((c) => c.labels[L.role] === 'infra' && !isStashName(c.name));
  const apps = cs.filter((c) => c.labels[L.role] === 'container' && !isStashName(c.name));
  const expiresAt = infra?.labels[L.expiresAt];
  const expired = expiresAt !== undefined && new Date(expiresAt).getTime() <= now.getTime();
  const running = apps.filter((c) => c.state === 'running').length;
  const incomplete = !infra || apps.length === 0 || apps.some((c) => c.state === 'created');
  const containers: ContainerStatus[] = apps
    .map((c) => {
      const exitCode = exitCodeOf(c);
      return { name: c.labels[L.container] ?? c.name, dockerName: c.name, state: c.state, status: c.status, ...(exitCode !== undefined ? { exitCode } : {}), oomKilled: oomKilled.has(c.name) };
    })
    .sort((a, b) => byText(a.name, b.name));
  let status: string;
  if (expired) status = 'expired';
  else if (incomplete) status = 'incomplete';
  else if (running === apps.length && infra?.state === 'running') status = `running(${running})`;
  // `sbx stop` stops the infra container last; containers that ended by themselves leave it running.
  else if (running === 0 && infra?.state !== 'running') status = 'stopped';
  else if (running === 0) status = containers.some((c) => c.oomKilled) ? 'oom-killed' : `exited(${containers.find((c) => c.exitCode)?.exitCode ?? 0})`;
  else status = `partial(${running}/${apps.length})`;
  return {
    id,
    status,
    containers,
    infra: infra ? { name: infra.name, state: infra.state } : undefined,
    egress: infra?.labels[L.egress] === 'true',
    createdAt: infra?.labels[L.createdAt],
    expiresAt,
    expired,
    incomplete,
  };
}
