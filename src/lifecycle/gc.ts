import type { Docker } from '../docker/engine.js';
import { isLocked } from '../lock.js';
import { observeContainers } from '../plan/observe.js';
import type { Reporter } from '../ui/reporter.js';
import { sweepHostMounts } from '../volumes/index.js';
import { stateDir, type BackendContext } from '../volumes/types.js';
import { deleteSandbox } from './delete.js';
import { sandboxesFrom } from './status.js';

export interface GcAction {
  what: string;
  reason: string;
}

export interface GcOptions {
  docker: Docker;
  reporter: Reporter;
  dryRun: boolean;
  now?: Date;
}

/**
 * No daemon: expired sandboxes, sandboxes an interrupted apply left incomplete (when no apply holds
 * their lock), and host mounts no container uses (or whose FUSE endpoint died) are removed on demand.
 */
export async function collectGarbage(o: GcOptions): Promise<{ actions: GcAction[] }> {
  const actions: GcAction[] = [];
  const sandboxes = sandboxesFrom(await observeContainers(o.docker), o.now);
  for (const s of sandboxes) {
    let reason: string | undefined;
    if (s.expired) reason = `expired at ${s.expiresAt}`;
    else if (s.incomplete && !(await isLocked(`sandbox-${s.id}`))) reason = 'left incomplete by an interrupted apply';
    if (!reason) continue;
    actions.push({ what: `sandbox ${s.id}`, reason });
    if (!o.dryRun) await deleteSandbox(s.id, { docker: o.docker, reporter: o.reporter });
  }
  const ctx: BackendContext = { docker: o.docker, sandboxId: '', stateDir: stateDir(), log: (l) => o.reporter.info(l), apiVersion: '0' };
  actions.push(...(await sweepHostMounts(ctx, o.dryRun)));
  return { actions };
}
