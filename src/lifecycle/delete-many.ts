import { forgetAppliedRecord } from '../apply/applied-record.js';
import { dockerError } from '../docker/classify.js';
import type { DockerClient } from '../docker/engine.js';
import { L } from '../labels.js';
import { LOCK_TIMEOUT_MS, withLocks } from '../lock.js';
import { releaseEgress } from '../network/index.js';
import { removeContainersArgs } from '../plan/argv.js';
import { sharedMountKeys } from '../plan/mounts.js';
import { observe, observeContainers, observedOf, observeNetworksAndVolumes, type Observed } from '../plan/observe.js';
import { containerResources } from '../plan/reconcile.js';
import { settleInOrder } from '../concurrency.js';
import { mountLockNames, releaseContainerResources, removeCreatedVolumes } from '../volumes/index.js';
import { backendContext, type BackendContext } from '../volumes/types.js';
import type { DeleteOptions } from './delete.js';

interface Target {
  id: string;
  ctx: BackendContext;
  observed: Observed;
  /** Set when a removal of its objects failed: the sandbox is reported failed, the others go on. */
  error?: Error;
  found: boolean;
}

/**
 * Several sandboxes: their locks together and one listing for all (the caller's, when nothing changed
 * since it was made), then each kind of object removed for all of them in one docker call — every
 * container in one `docker rm` (the CLI removes them side by side), then every volume and every
 * network. When a batched call fails, a fresh listing tells which sandboxes still hold objects: those
 * fail (with docker's words about their objects), the others are done. Host-side work (DNS helpers,
 * mounts) runs per sandbox, up to `limit` at once.
 */
export async function deleteSandboxes(ids: string[], o: DeleteOptions & { limit: number }): Promise<PromiseSettledResult<boolean>[]> {
  return withLocks(
    ids.map((id) => `sandbox-${id}`),
    async ({ unchangedSinceEpoch }) => {
      const all = unchangedSinceEpoch && o.seen ? o.seen.observed : await observe(o.docker);
      const targets: Target[] = ids.map((id) => {
        const observed = observedOf(all, id);
        return { id, ctx: backendContext(o.docker, id, o.reporter), observed, found: Object.values(observed).some((xs) => xs.length > 0) };
      });
      await perSandbox(targets, o.limit, async (t) => {
        forgetAppliedRecord(t.id);
        // network policy hook: the DNS helper goes first (it pins the namespace); the rules die with it.
        if (await releaseEgress(t.ctx, t.id)) t.found = true;
      });
      const going = targets.filter((t) => !t.error);
      const resources = going.flatMap((t) => t.observed.containers.map(containerResources));
      await withLocks(mountLockNames(sharedMountKeys(resources.flat())), () => removeContainers(o, going), { timeoutMs: o.lockTimeoutMs ?? LOCK_TIMEOUT_MS });
      await removeVolumesAndNetworks(o.docker, going.filter((t) => !t.error));
      if (o.volumes) await perSandbox(targets, o.limit, (t) => removeCreatedVolumes(t.ctx));
      return targets.map((t): PromiseSettledResult<boolean> => (t.error ? { status: 'rejected', reason: t.error } : { status: 'fulfilled', value: t.found }));
    },
    { timeoutMs: o.lockTimeoutMs ?? LOCK_TIMEOUT_MS, since: o.seen?.since },
  );
}

/** One `docker rm` for every container; then the host-side resources of those that are gone are released. */
async function removeContainers(o: DeleteOptions & { limit: number }, targets: Target[]): Promise<void> {
  const names = targets.flatMap((t) => t.observed.containers.map((c) => c.name));
  if (!names.length) return;
  const t0 = Date.now();
  const args = removeContainersArgs(names);
  const res = await o.docker.run(args, { allowFailure: true, what: 'remove containers' });
  const left = res.exitCode === 0 ? new Set<string>() : new Set((await observeContainers(o.docker)).map((c) => c.name));
  await perSandbox(targets, o.limit, async (t) => {
    if (!t.observed.containers.length) return;
    const stuck = t.observed.containers.filter((c) => left.has(c.name));
    const gone = t.observed.containers.filter((c) => !left.has(c.name));
    if (gone.length) await releaseContainerResources(t.ctx, gone.map(containerResources));
    if (stuck.length) return void (t.error = dockerError(args, linesAbout(res.stderr, stuck.map((c) => c.name)), `remove containers of ${t.id}`));
    o.reporter.step({ action: 'remove', resource: `${gone.length} container(s) of ${t.id}`, status: 'done', elapsedMs: Date.now() - t0 });
  });
}

/** Every volume in one `docker volume rm`, every network in one `docker network rm`, side by side. */
async function removeVolumesAndNetworks(docker: DockerClient, targets: Target[]): Promise<void> {
  const volumesOf = (t: Target) => t.observed.volumes.filter((v) => v.labels[L.role] === 'volume').map((v) => v.name);
  const networksOf = (t: Target) => t.observed.networks.map((n) => n.name);
  const volumes = targets.flatMap(volumesOf);
  const networks = targets.flatMap(networksOf);
  const volumeArgs = ['volume', 'rm', '--force', ...volumes];
  const networkArgs = ['network', 'rm', ...networks];
  const [v, n] = await Promise.all([
    volumes.length ? docker.run(volumeArgs, { allowFailure: true, what: 'remove volumes' }) : undefined,
    networks.length ? docker.run(networkArgs, { allowFailure: true, what: 'remove networks' }) : undefined,
  ]);
  if (!v?.exitCode && !n?.exitCode) return;
  const left = await observeNetworksAndVolumes(docker);
  const leftNames = new Set([...left.volumes, ...left.networks].map((x) => x.name));
  for (const t of targets) {
    const stuckVolumes = volumesOf(t).filter((name) => leftNames.has(name));
    const stuckNetworks = networksOf(t).filter((name) => leftNames.has(name));
    if (!stuckVolumes.length && !stuckNetworks.length) continue;
    const what = [stuckVolumes.length && 'volumes', stuckNetworks.length && 'networks'].filter(Boolean).join(' and ');
    const stderr = `${v?.stderr ?? ''}\n${n?.stderr ?? ''}`;
    t.error = dockerError(stuckVolumes.length ? volumeArgs : networkArgs, linesAbout(stderr, [...stuckVolumes, ...stuckNetworks]), `remove ${what} of ${t.id}`);
  }
}

/** The lines of docker's stderr that name one of these objects (all of it when none does). */
function linesAbout(stderr: string, names: string[]): string {
  const lines = stderr.split('\n').filter((l) => names.some((n) => l.includes(n)));
  return (lines.length ? lines : stderr.split('\n')).join('\n');
}

async function perSandbox(targets: Target[], limit: number, fn: (t: Target) => Promise<void>): Promise<void> {
  const outcomes = await settleInOrder(targets, limit, fn);
  outcomes.forEach((r, i) => {
    if (r.status === 'rejected' && !targets[i].error) targets[i].error = r.reason instanceof Error ? r.reason : new Error(String(r.reason));
  });
}
