import { randomBytes } from 'node:crypto';
import { containerCreateArgs, infraCreateArgs, networkCreateArgs, tmpfsVolumeCreateArgs } from '../docker/args.js';
import type { Docker } from '../docker/engine.js';
import { engineInfo, supportsRootfsLimit, type EngineInfo } from '../docker/engine-info.js';
import { ensurePauseImage, pauseImageRef } from '../docker/pause-image.js';
import { withLocks } from '../lock.js';
import type { Sandbox } from '../manifest/model.js';
import { desiredSandbox, type DesiredContainer, type DesiredSandbox } from '../plan/desired.js';
import { infraName, isStashName } from '../plan/names.js';
import { observe, observeContainers, observeNetworksAndVolumes, type Observed, type ObservedContainer } from '../plan/observe.js';
import { describeStep, isNoop, reconcile, type Plan, type Step } from '../plan/reconcile.js';
import { rootfsSizeBytes } from '../plan/tmp-budget.js';
import type { Reporter } from '../ui/reporter.js';
import { createMountProvider, ossfsKeyFor, plannedMounts, preflight } from '../volumes/index.js';
import { backendContext, type BackendContext } from '../volumes/types.js';
import { writeAppliedRecord } from './applied-record.js';
import { executePlan, mountLabels } from './execute.js';
import { checkResources } from './resource-check.js';

export interface ApplyOptions {
  docker: Docker;
  reporter: Reporter;
  dryRun: boolean;
  interrupted?: () => boolean;
  lockTimeoutMs?: number;
  /** The manifest's fingerprint when a re-apply may be answered from the applied record (cli/apply.ts decides). */
  fingerprint?: string;
}

export interface PlannedStep {
  action: string;
  resource: string;
  cause: string;
  argv?: string[];
}

/** What an apply did, counted per Docker object: a replaced object is neither created nor removed. */
export interface ApplyCounts {
  created: number;
  replaced: number;
  removed: number;
}

export interface ApplyResult {
  id: string;
  changed: boolean;
  counts: ApplyCounts;
  steps: PlannedStep[];
  unchanged: string[];
  warnings: string[];
}

export const LOCK_TIMEOUT_MS = 120_000;

export async function applySandbox(sandbox: Sandbox, o: ApplyOptions): Promise<ApplyResult> {
  const warnings = sandboxWarnings(sandbox);
  if (o.dryRun) return planOnly(sandbox, o, warnings);
  return withLocks([`sandbox-${sandbox.id}`], () => converge(sandbox, o, warnings), { timeoutMs: o.lockTimeoutMs ?? LOCK_TIMEOUT_MS });
}

async function converge(sandbox: Sandbox, o: ApplyOptions, warnings: string[]): Promise<ApplyResult> {
  const run = randomBytes(4).toString('hex');
  const desired = desiredSandbox(sandbox, { pauseImage: pauseImageRef(), ossfsKey: ossfsKeyFor });
  const observed = await observeForApply(o.docker, desired);
  const plan = reconcile(desired, observed, run);
  const record = o.fingerprint && !warnings.length && !usesOssfs(sandbox) ? o.fingerprint : undefined;
  if (isNoop(plan)) {
    if (record) recordApplied(record, desired, observed.containers);
    return { id: sandbox.id, changed: false, counts: countChanges(plan), steps: [], unchanged: plan.unchanged, warnings };
  }

  const toCreate = createdContainers(plan);
  // Engine facts (CPUs and memory to check against) are fetched beside the preflight checks; the API
  // version, a second call, only when a pvc sub_path depends on it, and then before the preflight.
  const needsApiFirst = needsApiVersion(toCreate);
  const pendingInfo = toCreate.length ? engineInfo(o.docker, needsApiFirst) : undefined;
  pendingInfo?.catch(() => undefined);
  const ctx = applyContext(o, sandbox.id, needsApiFirst ? await pendingInfo : undefined);
  // Every check that can fail on bad input runs before anything is created.
  await Promise.all([preflight(ctx, desired, toCreate), pendingInfo?.then((info) => checkResources(sandbox, toCreate, info))]);
  const mounts = createMountProvider(ctx, desired);
  const createdIds = await withLocks(
    ossfsKeysTouched(plan).map((k) => `ossfs-${k}`),
    () =>
      executePlan(plan, desired, {
        docker: o.docker,
        reporter: o.reporter,
        pauseImageRef: pauseImageRef(),
        pauseImage: () => ensurePauseImage(o.docker),
        mounts,
        rootfsSizeBytes: async (dc) => {
          const info = await pendingInfo;
          return info && supportsRootfsLimit(info) ? rootfsSizeBytes(dc.spec.resource.ephemeralStorageBytes) : undefined;
        },
        interrupted: o.interrupted,
      }),
    { timeoutMs: o.lockTimeoutMs ?? LOCK_TIMEOUT_MS },
  );
  if (record) recordApplied(record, desired, convergedContainers(desired, plan, observed.containers, createdIds));
  const info = await pendingInfo?.catch(() => undefined);
  if (info && !supportsRootfsLimit(info)) {
    warnings.push(`root filesystem size is not enforced (storage driver ${info.driver}${info.backingFs ? ` on ${info.backingFs}` : ''}); /tmp and tmpfs volumes are still size-limited`);
  }
  return { id: sandbox.id, changed: true, counts: countChanges(plan), steps: plan.steps.map((s) => planned(s, desired)), unchanged: plan.unchanged, warnings };
}

/**
 * One `docker ps` first. When the containers alone leave nothing to do, every tmpfs volume and the
 * network exist — Docker refuses to remove a volume a container mounts or a network a running
 * container is attached to — so a no-op apply is one docker call. Otherwise volumes and networks are
 * listed too, and leftovers among them are cleaned up with the changes.
 */
async function observeForApply(docker: Docker, desired: DesiredSandbox): Promise<Observed> {
  const containers = await observeContainers(docker, desired.id);
  const assumed = assumeNoop(desired, containers);
  return assumed ?? { containers, ...(await observeNetworksAndVolumes(docker, desired.id)) };
}

/** These containers with the sandbox's network and tmpfs volumes, when that is a no-op (see observeForApply). */
function assumeNoop(desired: DesiredSandbox, containers: ObservedContainer[]): Observed | undefined {
  const mounted = new Set(desired.containers.flatMap((dc) => dc.mounts.map((m) => m.tmpfsVolumeName)));
  if (!desired.tmpfsVolumes.every((v) => mounted.has(v.name))) return undefined;
  const assumed: Observed = {
    containers,
    networks: desired.network ? [{ name: desired.network.name, labels: desired.network.labels }] : [],
    volumes: desired.tmpfsVolumes.map((v) => ({ name: v.name, labels: v.labels })),
  };
  return isNoop(reconcile(desired, assumed, 'probe')) ? assumed : undefined;
}

/**
 * The containers a successful plan leaves: those it kept and those it created (ids from docker).
 * Recorded only if the same pure check as a re-apply's says they are a no-op.
 */
function convergedContainers(desired: DesiredSandbox, plan: Plan, observed: ObservedContainer[], createdIds: ReadonlyMap<string, string>): ObservedContainer[] {
  const replaced = new Set(plan.steps.flatMap((s) => (s.kind === 'stash-container' || s.kind === 'remove-container' ? [s.name] : [])));
  const kept = observed.filter((c) => !replaced.has(c.name) && !isStashName(c.name)).map((c) => ({ ...c, state: 'running' }));
  const labelsOf = new Map([[desired.infra.name, desired.infra.labels], ...desired.containers.map((dc) => [dc.dockerName, dc.labels] as const)]);
  const created = [...createdIds].map(([name, id]) => ({ id, name, state: 'running', status: '', labels: labelsOf.get(name) ?? {} }));
  return [...kept, ...created];
}

/** Writes the applied record when every container runs and a re-apply would plan nothing. */
function recordApplied(fingerprint: string, desired: DesiredSandbox, containers: ObservedContainer[]): void {
  if (!containers.every((c) => c.state === 'running' && c.id) || !assumeNoop(desired, containers)) return;
  writeAppliedRecord(fingerprint, { id: desired.id, containers: containers.map((c) => [c.id, c.name]) });
}

/** ossfs mounts depend on credentials from the environment and on a live FUSE daemon: never answered from a record. */
function usesOssfs(sandbox: Sandbox): boolean {
  return sandbox.volumes.some((v) => v.kind === 'ossfs');
}

/** --dry-run: observe and plan, with the docker argv each step would run; no lock, no change. */
async function planOnly(sandbox: Sandbox, o: ApplyOptions, warnings: string[]): Promise<ApplyResult> {
  const observed = await observe(o.docker, sandbox.id);
  const desired = desiredSandbox(sandbox, { pauseImage: pauseImageRef(), ossfsKey: ossfsKeyFor });
  const plan = reconcile(desired, observed, 'dryrun');
  const toCreate = createdContainers(plan);
  const info = toCreate.length ? await engineInfo(o.docker, needsApiVersion(toCreate)) : undefined;
  checkResources(sandbox, toCreate, info);
  const ctx = applyContext(o, sandbox.id, info);
  if (toCreate.length) await preflight(ctx, desired, toCreate);
  return { id: sandbox.id, changed: !isNoop(plan), counts: countChanges(plan), steps: plan.steps.map((s) => planned(s, desired, ctx)), unchanged: plan.unchanged, warnings };
}

/** Only a pvc sub_path depends on the engine's API version (volume-subpath mounts, API 1.45+). */
function needsApiVersion(toCreate: DesiredContainer[]): boolean {
  return toCreate.some((dc) => dc.mounts.some((m) => m.volume.kind === 'pvc' && m.mount.subPath !== undefined));
}

function countChanges(plan: Plan): ApplyCounts {
  // A container moved aside is replaced when an object of its name is created again, else removed.
  const createdNames = new Set(
    plan.steps.flatMap((s) => (s.kind === 'create-container' ? [s.container.dockerName] : s.kind === 'create-infra' ? [infraName(plan.sandbox)] : [])),
  );
  const stashed = plan.steps.filter((s) => s.kind === 'stash-container');
  const replaced = stashed.filter((s) => createdNames.has(s.name)).length;
  const volumesSwapped = plan.steps.filter((s) => s.kind === 'create-volume' && s.cause !== 'missing').length;
  const creates = plan.steps.filter((s) => s.kind.startsWith('create-')).length;
  const removes = plan.steps.filter((s) => s.kind === 'remove-volume' || s.kind === 'remove-network').length;
  return {
    created: creates - replaced - volumesSwapped,
    replaced: replaced + volumesSwapped,
    removed: stashed.length - replaced + removes - volumesSwapped,
  };
}

/** ossfs mounts of containers this plan creates and of those it removes: each is locked for the whole run. */
function ossfsKeysTouched(plan: Plan): string[] {
  const keys = plan.steps.flatMap((s) =>
    s.kind === 'create-container'
      ? s.container.mounts.flatMap((m) => (m.ossfsKey ? [m.ossfsKey] : []))
      : s.kind === 'stash-container' || s.kind === 'remove-container'
        ? s.resources.ossfsKeys
        : [],
  );
  return [...new Set(keys)];
}

function createdContainers(plan: Plan): DesiredContainer[] {
  return plan.steps.flatMap((s) => (s.kind === 'create-container' ? [s.container] : []));
}

function applyContext(o: ApplyOptions, id: string, info?: EngineInfo): BackendContext {
  return backendContext(o.docker, id, (l) => o.reporter.info(l), info?.apiVersion);
}

function planned(s: Step, desired: DesiredSandbox, ctx?: BackendContext): PlannedStep {
  const { action, resource } = describeStep(s);
  const out: PlannedStep = { action, resource, cause: s.cause };
  if (!ctx) return out;
  const argv = stepArgv(s, desired, ctx);
  if (argv) out.argv = ctx.docker.argv(argv);
  return out;
}

/** The docker argv of a step as --dry-run shows it (mount sources that only exist at apply time are shown as planned). */
function stepArgv(s: Step, d: DesiredSandbox, ctx: BackendContext): string[] | undefined {
  switch (s.kind) {
    case 'create-network':
      return networkCreateArgs(s.name, d.network!.labels);
    case 'create-volume':
      return tmpfsVolumeCreateArgs(s.volume);
    case 'create-infra':
      return infraCreateArgs(d.infra, d.network?.name, pauseImageRef());
    case 'create-container': {
      const mounts = plannedMounts(ctx, s.container);
      return containerCreateArgs(s.container, mounts, { ...s.container.labels, ...mountLabels(mounts) }, { infraName: d.infra.name });
    }
    case 'start-container':
      return ['start', s.name];
    case 'stash-container':
      return ['rename', s.name, s.to];
    case 'remove-container':
      return ['rm', '--force', '--volumes', s.name];
    case 'remove-volume':
      return ['volume', 'rm', s.name];
    case 'remove-network':
      return ['network', 'rm', s.name];
  }
}

function sandboxWarnings(sandbox: Sandbox): string[] {
  const w: string[] = [];
  if (!sandbox.egress && sandbox.ports.length) {
    w.push(`sandbox ${sandbox.id}: ports are not published because egress is false (the sandbox has only loopback); set egress: true to publish them`);
  }
  return w;
}
