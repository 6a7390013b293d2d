import { Readable } from 'node:stream';
import { applySandbox, type ApplyResult } from '../apply/apply-sandbox.js';
import type { DockerClient } from '../docker/engine.js';
import { SbxError } from '../errors.js';
import { L } from '../labels.js';
import { loadManifests } from '../manifest/load.js';
import { LOCK_TIMEOUT_MS, withLocks } from '../lock.js';
import { infraName } from '../plan/names.js';
import { observeContainers } from '../plan/observe.js';
import type { Reporter } from '../ui/reporter.js';

/**
 * Start a stopped sandbox: its infra container again (same labels, so the TTL still counts from
 * creation), then an apply of the manifest it was created from, which starts the containers through
 * the same preparation as any apply: mounts re-checked and re-staged, the network policy installed
 * again in the new namespace.
 */
export async function startSandbox(id: string, o: { docker: DockerClient; reporter: Reporter; interrupted?: () => boolean }): Promise<ApplyResult> {
  // Under the sandbox's lock from the first look to the last change: no apply or delete in between.
  return withLocks([`sandbox-${id}`], () => startLocked(id, o), { timeoutMs: LOCK_TIMEOUT_MS });
}

async function startLocked(id: string, o: { docker: DockerClient; reporter: Reporter; interrupted?: () => boolean }): Promise<ApplyResult> {
  const infra = infraName(id);
  const format = `{{.State.Status}}\t{{index .Config.Labels "${L.spec}"}}`;
  const inspected = await o.docker.run(['inspect', '--type', 'container', '--format', format, infra], { allowFailure: true, what: `inspect infra container of ${id}` });
  if (inspected.exitCode !== 0) throw new SbxError('NOT_FOUND', `sandbox ${id} not found (no infra container ${infra})`, { hint: 'apply its manifest again' });
  const [state, spec] = inspected.stdout.split('\t');
  if (!spec) throw new SbxError('NOT_FOUND', `sandbox ${id} has no stored manifest on ${infra}`, { hint: 'apply its manifest again' });
  const { sandboxes } = await loadManifests(['-'], { stdin: Readable.from([spec]) });
  if (state !== 'running') {
    const t0 = Date.now();
    o.reporter.step({ action: 'start', resource: 'infra container', status: 'start' });
    await o.docker.run(['start', infra], { what: `start infra container of ${id}` });
    o.reporter.step({ action: 'start', resource: 'infra container', status: 'done', elapsedMs: Date.now() - t0 });
  }
  const observed = { containers: await observeContainers(o.docker, id) };
  return applySandbox(sandboxes[0], { docker: o.docker, reporter: o.reporter, dryRun: false, interrupted: o.interrupted, observed });
}
