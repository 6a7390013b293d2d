import { containerCreateArgs, infraCreateArgs, networkCreateArgs, tmpfsVolumeCreateArgs } from '../docker/args.js';
import type { Docker } from '../docker/engine.js';
import { SbxError } from '../errors.js';
import { L } from '../labels.js';
import type { DesiredContainer, DesiredSandbox } from '../plan/desired.js';
import { describeStep, type ContainerResources, type Plan, type Step } from '../plan/reconcile.js';
import type { Reporter } from '../ui/reporter.js';
import type { PreparedMount } from '../volumes/types.js';

/** Resolves a container's mounts right before it is created (backends: tmpfs, pvc, host, ossfs). */
export interface MountProvider {
  prepare(dc: DesiredContainer): Promise<PreparedMount[]>;
  /** After `docker create`: the engine's view of the mounts must match what was checked. */
  verify(containerName: string, mounts: PreparedMount[]): Promise<void>;
  /** Undo prepare() (staging binds) when the container could not be created. */
  release(mounts: PreparedMount[]): Promise<void>;
  /** Release host-side resources (staging binds, unused ossfs mounts) of containers that were removed. */
  afterRemove(resources: ContainerResources[]): Promise<void>;
}

export interface ExecuteOptions {
  docker: Docker;
  reporter: Reporter;
  pauseImage: () => Promise<string>;
  mounts: MountProvider;
  /** Name of the pause image, tried first; pauseImage() builds it when missing. */
  pauseImageRef: string;
  rootfsSizeBytes?: (dc: DesiredContainer) => Promise<number | undefined>;
  interrupted?: () => boolean;
  /** Network policy hook: runs once the new infra container runs, before any container joins its namespace. */
  afterInfraStart?: () => Promise<void>;
}

/** What this run created; removed again if the run fails. */
interface Created {
  containers: string[];
  /** Docker id of each container created, by name (docker run/create print it). */
  ids: Map<string, string>;
  volumes: string[];
  networks: string[];
  prepared: PreparedMount[];
}

/** Runs the plan; resolves with the id of every container it created, by name. */
export async function executePlan(plan: Plan, desired: DesiredSandbox, o: ExecuteOptions): Promise<ReadonlyMap<string, string>> {
  const created: Created = { containers: [], ids: new Map(), volumes: [], networks: [], prepared: [] };
  const stashed: Stashed[] = [];
  const phase = (k: Step['kind'][]) => plan.steps.filter((s) => k.includes(s.kind));

  try {
    for (const s of phase(['stash-container'])) {
      await step(o, s, async () => {
        const st = s as Extract<Step, { kind: 'stash-container' }>;
        // Recorded before stopping: a failed rename must still restart the container it stopped.
        const entry: Stashed = { ...st, renamed: false };
        stashed.push(entry);
        if (st.wasRunning) await o.docker.run(['stop', '--time', '2', st.name], { what: `stop container ${st.name}` });
        await o.docker.run(['rename', st.name, st.to], { what: `rename container ${st.name}` });
        entry.renamed = true;
      });
    }
    // Infra (after its network) and tmpfs volumes are independent: created side by side.
    const infra = async () => {
      for (const s of phase(['create-network'])) {
        const name = (s as Extract<Step, { kind: 'create-network' }>).name;
        await step(o, s, async () => {
          await o.docker.run(networkCreateArgs(name, desired.network!.labels), { what: `create network ${name}` });
          created.networks.push(name);
        });
      }
      for (const s of phase(['create-infra'])) await step(o, s, () => runInfra(desired, o, created));
      // network policy hook (see src/network): rules and DNS helper before any container joins the namespace.
      if (o.afterInfraStart && phase(['create-infra']).length) {
        await step(o, { action: 'enforce', resource: 'network policy', cause: 'in the new infra container\'s namespace' }, o.afterInfraStart);
      }
    };
    await settleAll([
      infra(),
      ...phase(['create-volume']).map((s) =>
        step(o, s, async () => {
          const v = (s as Extract<Step, { kind: 'create-volume' }>).volume;
          await o.docker.run(tmpfsVolumeCreateArgs(v), { what: `create volume ${v.volume}` });
          created.volumes.push(v.name);
        }),
      ),
    ]);
    checkInterrupted(o);
    await settleAll([
      ...phase(['create-container']).map((s) =>
        step(o, s, () => createContainer((s as Extract<Step, { kind: 'create-container' }>).container, desired, o, created)),
      ),
      ...phase(['start-container']).map((s) =>
        step(o, s, async () => {
          await o.docker.run(['start', (s as Extract<Step, { kind: 'start-container' }>).name], { what: `start ${describeStep(s).resource}` });
        }),
      ),
    ]);
    checkInterrupted(o);
  } catch (err) {
    await rollback(o, created, stashed);
    throw err;
  }

  // Phase 3: the new sandbox runs; what it replaced can go. A failure here leaves debris (removed by the
  // next apply or `sbx gc`), not a broken sandbox, so it is a warning and the apply still succeeds.
  const leftovers = phase(['remove-container', 'remove-volume', 'remove-network']);
  const containers = leftovers.filter((s) => s.kind === 'remove-container');
  if (containers.length) {
    const removed = containers as Extract<Step, { kind: 'remove-container' }>[];
    const label: StepLabel =
      removed.length === 1
        ? { ...describeStep(removed[0]), cause: removed[0].cause }
        : { action: 'remove', resource: `containers ${removed.map((s) => s.name).join(', ')}`, cause: 'replaced' };
    await cleanupStep(o, label, async () => {
      await o.docker.run(['rm', '--force', '--volumes', ...removed.map((s) => s.name)], { what: 'remove replaced containers' });
      await o.mounts.afterRemove(removed.map((s) => s.resources));
    });
  }
  for (const s of leftovers.filter((s) => s.kind !== 'remove-container')) {
    await cleanupStep(o, s, async () => {
      const name = (s as { name: string }).name;
      await o.docker.run(s.kind === 'remove-volume' ? ['volume', 'rm', name] : ['network', 'rm', name], { what: `remove ${name}` });
    });
  }
  return created.ids;
}

/**
 * Like Promise.all, but waits for every call to finish before failing: rolling back while a sibling
 * `docker create` is still running would miss the object it is about to create.
 */
async function settleAll(work: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

type Stashed = Extract<Step, { kind: 'stash-container' }> & { renamed: boolean };

/** A progress line for work that is not one plan step (several containers removed in one call). */
interface StepLabel {
  action: string;
  resource: string;
  cause: string;
}

async function cleanupStep(o: ExecuteOptions, s: Step | StepLabel, fn: () => Promise<void>): Promise<void> {
  try {
    await step(o, s, fn);
  } catch (err) {
    o.reporter.warn(`${err instanceof Error ? err.message : String(err)}; the next apply or \`sbx gc\` removes it`);
  }
}

/**
 * `docker run` of the infra container, never pulling: the pause image is local. Only when it is
 * missing is it built (or SBX_PAUSE_IMAGE reported missing), then the run is retried once.
 */
async function runInfra(desired: DesiredSandbox, o: ExecuteOptions, created: Created): Promise<void> {
  const attempt = async (image: string) => {
    const args = infraCreateArgs(desired.infra, desired.network?.name, image);
    args.splice(0, 1, 'run', '--detach', '--pull', 'never');
    if (!created.containers.includes(desired.infra.name)) created.containers.push(desired.infra.name);
    const { stdout } = await o.docker.run(args, { what: 'create infra container' });
    created.ids.set(desired.infra.name, stdout.trim());
  };
  try {
    await attempt(o.pauseImageRef);
  } catch (err) {
    if (!(err instanceof SbxError && err.code === 'IMAGE_NOT_FOUND')) throw err;
    await attempt(await o.pauseImage());
  }
}

async function createContainer(dc: DesiredContainer, desired: DesiredSandbox, o: ExecuteOptions, created: Created): Promise<void> {
  const mounts = await o.mounts.prepare(dc);
  created.prepared.push(...mounts);
  const labels = { ...dc.labels, ...mountLabels(mounts) };
  const args = containerCreateArgs(dc, mounts, labels, { infraName: desired.infra.name, rootfsSizeBytes: await o.rootfsSizeBytes?.(dc) });
  const needsVerify = mounts.some((m) => m.expectedSource);
  if (!needsVerify) {
    args.splice(0, 1, 'run', '--detach');
    // `docker run` may fail after creating the container; the name is ours either way, so remember it first.
    created.containers.push(dc.dockerName);
    const { stdout } = await o.docker.run(args, { what: `create container ${dc.name}` });
    created.ids.set(dc.dockerName, stdout.trim());
    return;
  }
  created.containers.push(dc.dockerName);
  const { stdout } = await o.docker.run(args, { what: `create container ${dc.name}` });
  created.ids.set(dc.dockerName, stdout.trim());
  await o.mounts.verify(dc.dockerName, mounts);
  await o.docker.run(['start', dc.dockerName], { what: `start container ${dc.name}` });
}

export function mountLabels(mounts: PreparedMount[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (mounts.length) {
    out[L.mounts] = JSON.stringify(
      mounts.map((m) => ({ volume: m.volume, backend: m.backend, source: m.displaySource, target: m.mount.target, readOnly: m.mount.readOnly })),
    );
  }
  const staged = mounts.map((m) => m.stagingPath).filter((p): p is string => Boolean(p));
  if (staged.length) out[L.stagedMounts] = JSON.stringify(staged);
  const keys = [...new Set(mounts.map((m) => m.ossfsKey).filter((k): k is string => Boolean(k)))];
  if (keys.length) out[L.ossfsKeys] = JSON.stringify(keys);
  return out;
}

async function step(o: ExecuteOptions, s: Step | StepLabel, fn: () => Promise<void>): Promise<void> {
  const { action, resource } = 'kind' in s ? describeStep(s) : s;
  const t0 = Date.now();
  o.reporter.step({ action, resource, cause: s.cause, status: 'start' });
  try {
    await fn();
    o.reporter.step({ action, resource, status: 'done', elapsedMs: Date.now() - t0 });
  } catch (err) {
    o.reporter.step({ action, resource, status: 'error', error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}

function checkInterrupted(o: ExecuteOptions): void {
  if (o.interrupted?.()) throw new SbxError('INTERRUPTED', 'interrupted', { exitCode: 130 });
}

/** Remove what this run created (containers first), then put stashed containers back. Best effort, never throws. */
async function rollback(o: ExecuteOptions, created: Created, stashed: Stashed[]): Promise<void> {
  const quiet = { allowFailure: true };
  if (created.containers.length) {
    o.reporter.info(`rolling back: removing ${created.containers.length} container(s) this apply created`);
    await o.docker.run(['rm', '--force', '--volumes', ...created.containers], quiet);
  }
  await o.mounts.release(created.prepared).catch(() => undefined);
  if (created.volumes.length) await o.docker.run(['volume', 'rm', '--force', ...created.volumes], quiet);
  for (const n of created.networks) await o.docker.run(['network', 'rm', n], quiet);
  for (const s of stashed.reverse()) {
    if (s.renamed) await o.docker.run(['rename', s.to, s.name], quiet);
    if (s.wasRunning) await o.docker.run(['start', s.name], quiet);
  }
}
