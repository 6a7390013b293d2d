import { forgetAppliedRecord, recordedSandboxes } from '../apply/applied-record.js';
import type { DockerClient } from '../docker/engine.js';
import { defaultConcurrency, settleInOrder } from '../concurrency.js';
import { SbxError, SbxErrors } from '../errors.js';
import { isLocked } from '../lock.js';
import { L } from '../labels.js';
import { sweepEgress } from '../network/index.js';
import { removeContainersArgs } from '../plan/argv.js';
import { infraName, isStashName } from '../plan/names.js';
import { observe, type Observed } from '../plan/observe.js';
import type { Reporter } from '../ui/reporter.js';
import { sweepHostMounts } from '../volumes/index.js';
import { backendContext } from '../volumes/types.js';
import { deleteSandbox } from './delete.js';
import { sandboxesFrom } from '../plan/status.js';

import type { GcAction } from '../volumes/backend.js';

export type { GcAction };

export interface GcOptions {
  docker: DockerClient;
  reporter: Reporter;
  dryRun: boolean;
  now?: Date;
  /** Sandboxes deleted at once (default: defaultConcurrency()). */
  concurrency?: number;
}

/**
 * No daemon: expired sandboxes, sandboxes an interrupted apply left incomplete (when no apply holds
 * their lock), containers an interrupted apply moved aside, and host mounts no container uses (or
 * whose FUSE endpoint died) are removed on demand.
 */
export async function collectGarbage(o: GcOptions): Promise<{ actions: GcAction[] }> {
  const actions: GcAction[] = [];
  const now = o.now ?? new Date();
  const observed = await observe(o.docker);
  const sandboxes = sandboxesFrom(observed.containers, now);
  const candidates: Candidate[] = [
    ...sandboxes.map((s) => ({ ...s, lastCreated: () => Promise.resolve(newestContainer(observed, s.id)) })),
    // An apply killed before its first container leaves only a network or a volume the sandbox owns.
    ...idsWithoutContainers(observed).map((id) => ({ id, expired: false, incomplete: true, lastCreated: () => newestObject(o.docker, observed, id) })),
  ];
  const deleted = new Set<string>();
  for (const s of candidates) {
    let reason: string | undefined;
    if (s.expired) reason = `expired at ${s.expiresAt}`;
    else if (s.incomplete && (await abandoned(s, now))) reason = 'left incomplete by an interrupted apply';
    if (!reason) continue;
    actions.push({ what: `sandbox ${s.id}`, reason });
    deleted.add(s.id);
  }
  // Each under its own lock; one that fails does not stop the others (its error is thrown at the end).
  const outcomes = o.dryRun ? [] : await settleInOrder([...deleted], o.concurrency ?? defaultConcurrency(), (id) => deleteSandbox(id, { docker: o.docker, reporter: o.reporter }));
  const failures = outcomes.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  actions.push(...(await removeStashedContainers(o, observed, deleted, now)));
  const ctx = backendContext(o.docker, '', o.reporter);
  actions.push(...(await sweepHostMounts(ctx, o.dryRun)));
  // network policy hook: DNS helpers whose sandbox or namespace is gone.
  actions.push(...(await sweepEgress(ctx, infraName, o.dryRun)));
  if (!o.dryRun) await forgetRecordsOfGoneSandboxes(observed, deleted);
  if (failures.length) throw failures.length === 1 || !failures.every((f) => f instanceof SbxError) ? failures[0] : new SbxErrors(failures as SbxError[]);
  return { actions };
}

/** Notes of sandboxes removed behind sbx's back (they are memos, so this is housekeeping, not an action to report). */
async function forgetRecordsOfGoneSandboxes(observed: Observed, deleted: Set<string>): Promise<void> {
  const live = new Set(observed.containers.map((c) => c.labels[L.sandbox]).filter((id) => id !== undefined && !deleted.has(id)));
  for (const id of recordedSandboxes()) {
    if (!live.has(id) && !(await isLocked(`sandbox-${id}`))) forgetAppliedRecord(id);
  }
}

/**
 * An apply running elsewhere (another machine, another state dir) holds a lock this process cannot
 * see, so an incomplete sandbox also has to be left alone for a while after its last object appeared.
 */
const INCOMPLETE_GRACE_MS = 30_000;

interface Candidate {
  id: string;
  expired: boolean;
  expiresAt?: string;
  incomplete: boolean;
  /** Creation time of the sandbox's newest object (ms), if known. */
  lastCreated: () => Promise<number | undefined>;
}

async function abandoned(s: Candidate, now: Date): Promise<boolean> {
  if (await isLocked(`sandbox-${s.id}`)) return false;
  const last = await s.lastCreated();
  return last === undefined || now.getTime() - last >= INCOMPLETE_GRACE_MS;
}

function newestContainer(observed: Observed, id: string): number | undefined {
  const times = observed.containers.filter((c) => c.labels[L.sandbox] === id && c.createdAt).map((c) => Date.parse(c.createdAt!));
  return times.length ? Math.max(...times) : undefined;
}

async function newestObject(docker: DockerClient, observed: Observed, id: string): Promise<number | undefined> {
  const mine = (xs: { name: string; labels: Partial<Record<string, string>> }[]) => xs.filter((x) => x.labels[L.sandbox] === id).map((x) => x.name);
  const created = async (args: string[], names: string[]) =>
    names.length ? (await docker.run([...args, ...names], { allowFailure: true })).stdout.split('\n').filter(Boolean) : [];
  const stamps = [
    ...(await created(['volume', 'inspect', '--format', '{{.CreatedAt}}'], mine(observed.volumes))),
    ...(await created(['network', 'inspect', '--format', '{{json .Created}}'], mine(observed.networks))).map((j) => JSON.parse(j) as string),
  ];
  const times = stamps.map((t) => Date.parse(t)).filter((t) => !Number.isNaN(t));
  return times.length ? Math.max(...times) : undefined;
}

function idsWithoutContainers(observed: Observed): string[] {
  const withContainers = new Set(observed.containers.map((c) => c.labels[L.sandbox]));
  const ids = [...observed.networks, ...observed.volumes].map((x) => x.labels[L.sandbox]).filter((id): id is string => Boolean(id));
  return [...new Set(ids)].filter((id) => !withContainers.has(id)).sort();
}

/** Containers a replacing apply renamed aside and could not remove (that apply has finished or died). */
async function removeStashedContainers(o: GcOptions, observed: Observed, deleted: Set<string>, now: Date): Promise<GcAction[]> {
  const actions: GcAction[] = [];
  for (const c of observed.containers) {
    const id = c.labels[L.sandbox];
    if (!id || deleted.has(id) || !isStashName(c.name)) continue;
    // The stash is old itself; how recently its sandbox got a new container tells whether an apply may still be at work.
    const stillApplying = { id, expired: false, incomplete: true, lastCreated: async () => newestContainer(observed, id) };
    if (!(await abandoned(stillApplying, now))) continue;
    actions.push({ what: `container ${c.name}`, reason: 'replaced by an earlier apply' });
    if (!o.dryRun) await o.docker.run(removeContainersArgs([c.name]), { what: `remove container ${c.name}` });
  }
  return actions;
}
