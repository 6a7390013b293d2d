import { forgetAppliedRecord } from '../apply/applied-record.js';
import type { DockerClient } from '../docker/engine.js';
import { L } from '../labels.js';
import { LOCK_TIMEOUT_MS, withLocks } from '../lock.js';
import { releaseEgress } from '../network/index.js';
import { isStashName } from '../plan/names.js';
import { observeContainers } from '../plan/observe.js';
import type { Reporter } from '../ui/reporter.js';
import { backendContext } from '../volumes/types.js';

/** Seconds a container gets between SIGTERM and SIGKILL. */
export const STOP_GRACE_SECONDS = 10;

/**
 * Stop every container of the sandbox, the infra container last (it holds the namespace the others
 * use). Containers, volumes and mounts stay; `sbx start` brings it back. False when there is no such sandbox.
 */
export async function stopSandbox(id: string, o: { docker: DockerClient; reporter: Reporter; lockTimeoutMs?: number }): Promise<boolean> {
  return withLocks(
    [`sandbox-${id}`],
    async () => {
      const containers = (await observeContainers(o.docker, id)).filter((c) => !isStashName(c.name));
      if (!containers.length) return false;
      forgetAppliedRecord(id);
      const running = (role: string) => containers.filter((c) => c.labels[L.role] === role && c.state !== 'exited' && c.state !== 'created').map((c) => c.name);
      await stopAll(o, running('container'), `containers of ${id}`);
      // The DNS helper pins the namespace: it goes before the infra container; its rules die with the namespace.
      await releaseEgress(backendContext(o.docker, id, o.reporter), id);
      // The infra container only waits (its pause program ignores SIGTERM): no grace period to sit out.
      await stopAll(o, running('infra'), 'infra container', 0);
      return true;
    },
    { timeoutMs: o.lockTimeoutMs ?? LOCK_TIMEOUT_MS },
  );
}

async function stopAll(o: { docker: DockerClient; reporter: Reporter }, names: string[], what: string, graceSeconds = STOP_GRACE_SECONDS): Promise<void> {
  if (!names.length) return;
  const t0 = Date.now();
  o.reporter.step({ action: 'stop', resource: what, status: 'start' });
  await o.docker.run(['stop', '--time', String(graceSeconds), ...names], { what: `stop ${what}` });
  o.reporter.step({ action: 'stop', resource: what, status: 'done', elapsedMs: Date.now() - t0 });
}
