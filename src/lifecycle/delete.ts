import { forgetAppliedRecord } from '../apply/applied-record.js';
import type { DockerClient } from '../docker/engine.js';
import { LOCK_TIMEOUT_MS, withLocks } from '../lock.js';
import { releaseEgress } from '../network/index.js';
import { L } from '../labels.js';
import { removeContainersArgs } from '../plan/argv.js';
import { observeContainers, observedOf, observeNetworksAndVolumes, type Observed } from '../plan/observe.js';
import { sharedMountKeys } from '../plan/mounts.js';
import { containerResources } from '../plan/reconcile.js';
import type { Reporter } from '../ui/reporter.js';
import { mountLockNames, releaseContainerResources, removeCreatedVolumes } from '../volumes/index.js';
import { backendContext } from '../volumes/types.js';

export interface DeleteOptions {
  docker: DockerClient;
  reporter: Reporter;
  /** Also remove the Docker volumes the backends created for this sandbox (pvc create: true) that nothing else uses. */
  volumes?: boolean;
  lockTimeoutMs?: number;
  /**
   * Every sbx object, listed before the locks were taken (to find the targets of --all or -l), with the
   * lock epoch read before that listing: used instead of listing again when nothing sbx does changed
   * since (lock.ts).
   */
  seen?: { observed: Observed; since: string | undefined };
}

/** Remove every Docker object labelled with the sandbox id and the host-side mounts only it used. Returns false when nothing was found. */
export async function deleteSandbox(id: string, o: DeleteOptions): Promise<boolean> {
  const timeoutMs = o.lockTimeoutMs ?? LOCK_TIMEOUT_MS;
  return withLocks(
    [`sandbox-${id}`],
    async ({ unchangedSinceEpoch }) => {
      forgetAppliedRecord(id);
      const seen = unchangedSinceEpoch && o.seen ? observedOf(o.seen.observed, id) : undefined;
      // Containers first: removing them need not wait for the network and volume listings, which are
      // asked once the removal is under way (each docker spawn holds this process for a few ms).
      const containers = seen?.containers ?? (await observeContainers(o.docker, id));
      let listing: Promise<Omit<Observed, 'containers'>> | undefined = seen ? Promise.resolve(seen) : undefined;
      const list = () => (listing ??= observeNetworksAndVolumes(o.docker, id));
      const ctx = backendContext(o.docker, id, o.reporter);
      if (!containers.length) {
        const { networks, volumes } = await list();
        // network policy hook: a DNS helper left without its sandbox goes too.
        const helperStopped = await releaseEgress(ctx, id);
        if (!networks.length && !volumes.length) {
          if (o.volumes) await removeCreatedVolumes(ctx);
          return helperStopped;
        }
      }
      const resources = containers.map(containerResources);
      const keys = sharedMountKeys(resources.flat());
      await withLocks(
        mountLockNames(keys),
        async () => {
          // network policy hook: the DNS helper goes first (it pins the namespace); the rules die with it.
          await releaseEgress(ctx, id);
          if (containers.length) {
            const t0 = Date.now();
            const removal = o.docker.run(removeContainersArgs(containers.map((c) => c.name)), { what: `remove containers of ${id}` });
            list().catch(() => undefined);
            await removal;
            o.reporter.step({ action: 'remove', resource: `${containers.length} container(s) of ${id}`, status: 'done', elapsedMs: Date.now() - t0 });
          }
          await releaseContainerResources(ctx, resources);
        },
        { timeoutMs },
      );
      const { networks, volumes: volumesFound } = await list();
      const volumes = volumesFound.filter((v) => v.labels[L.role] === 'volume').map((v) => v.name);
      await Promise.all([
        volumes.length ? o.docker.run(['volume', 'rm', '--force', ...volumes], { what: `remove volumes of ${id}` }) : undefined,
        ...networks.map((n) => o.docker.run(['network', 'rm', n.name], { what: `remove network ${n.name}` })),
      ]);
      if (o.volumes) await removeCreatedVolumes(ctx);
      return true;
    },
    { timeoutMs, since: o.seen?.since },
  );
}
