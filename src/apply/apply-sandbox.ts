import { randomBytes } from 'node:crypto';
import type { DockerClient } from '../docker/engine.js';
import { supportsRootfsLimit, type EngineInfo } from '../docker/engine-info.js';
import { pauseImageFound, pauseImageRef, pauseImageTar } from '../docker/pause-image.js';
import { LOCK_TIMEOUT_MS, withLocks } from '../lock.js';
import { egressPolicy, enforcePolicy, plannedPolicy, policyInPlace, refuseRemoteEngine, releaseEgress } from '../network/index.js';
import type { Sandbox } from '../manifest/model.js';
import { assumedObservation, containersConverged } from '../plan/converged.js';
import { desiredSandbox, type DesiredContainer, type DesiredSandbox } from '../plan/desired.js';
import { imageSteps, imagesToResolve } from '../plan/images.js';
import { infraName, isStashName } from '../plan/names.js';
import { observeContainers, type ObservedContainer } from '../plan/observe.js';
import { realisePlan } from '../plan/realise.js';
import { isNoop, reconcile, type Plan } from '../plan/reconcile.js';
import { printedSteps, type PrintedStep } from '../plan/plan-text.js';
import type { PlanStep } from '../plan/steps.js';
import { rootfsSizeBytes } from '../plan/tmp-budget.js';
import type { Reporter } from '../ui/reporter.js';
import { createMountProvider, mayRecordApplied, mountLockNames, plannedMounts, preflight, repairSteps, volumeKinds, volumeSteps } from '../volumes/index.js';
import { sharedMountKeys } from '../plan/mounts.js';
import { backendContext, type BackendContext } from '../volumes/types.js';
import { markApplied, wasApplied, writeAppliedRecord } from './applied-record.js';
import { answersFor, engineAnswers, type EngineAnswers } from './engine-answers.js';
import { executePlan } from './execute.js';
import { checkResources } from './resource-check.js';

export interface ApplyOptions {
  docker: DockerClient;
  reporter: Reporter;
  dryRun: boolean;
  interrupted?: () => boolean;
  lockTimeoutMs?: number;
  /** The manifest's fingerprint when a re-apply may be answered from the applied record (cli/apply.ts decides). */
  fingerprint?: string;
  /**
   * Several sandboxes in one command: the caller holds this sandbox's lock, observed its containers
   * with one `docker ps` for all of them, and asks the engine's other questions once for all.
   */
  observed?: { containers: ObservedContainer[]; engine?: () => Promise<EngineAnswers> };
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
  steps: PrintedStep[];
  unchanged: string[];
  warnings: string[];
}

export async function applySandbox(sandbox: Sandbox, o: ApplyOptions): Promise<ApplyResult> {
  const warnings = sandboxWarnings(sandbox);
  if (o.dryRun) return result(await planApply(sandbox, o), warnings);
  if (o.observed) return converge(sandbox, o, warnings);
  return withLocks([`sandbox-${sandbox.id}`], () => converge(sandbox, o, warnings), { timeoutMs: o.lockTimeoutMs ?? LOCK_TIMEOUT_MS });
}

/** Everything an apply will do, decided before anything changes. */
interface PlannedApply {
  desired: DesiredSandbox;
  containers: ObservedContainer[];
  plan: Plan;
  steps: PlanStep[];
  ctx: BackendContext;
  info?: EngineInfo;
}

async function converge(sandbox: Sandbox, o: ApplyOptions, warnings: string[]): Promise<ApplyResult> {
  const p = await planApply(sandbox, o);
  const record = o.fingerprint && !warnings.length && mayRecordApplied(sandbox.volumes) && !egressPolicy(sandbox) ? o.fingerprint : undefined;
  if (!p.steps.length) {
    if (record) recordApplied(record, p.desired, p.containers);
    else markApplied(sandbox.id);
    return result(p, warnings);
  }
  const createdIds = await withLocks(
    mountLockNames(mountKeysTouched(p.plan, p.steps)),
    () =>
      executePlan(p.steps, {
        docker: o.docker,
        reporter: o.reporter,
        mounts: createMountProvider(p.ctx, p.desired),
        policy: {
          enforce: (infra, policy) => enforcePolicy(p.ctx, sandbox.id, infra, policy),
          release: async () => void (await releaseEgress(p.ctx, sandbox.id)),
        },
        stdin: { 'pause-image-tar': pauseImageTar },
        interrupted: o.interrupted,
      }),
    { timeoutMs: o.lockTimeoutMs ?? LOCK_TIMEOUT_MS },
  );
  if (record) recordApplied(record, p.desired, convergedContainers(p.desired, p.plan, p.containers, createdIds));
  else markApplied(sandbox.id);
  if (p.info && !supportsRootfsLimit(p.info) && createdContainers(p.plan).length) {
    warnings.push(`root filesystem size is not enforced (storage driver ${p.info.driver}${p.info.backingFs ? ` on ${p.info.backingFs}` : ''}); /tmp and tmpfs volumes are still size-limited`);
  }
  return result(p, warnings);
}

/**
 * Observe, reconcile once, check, and realise every step with its final commands. What a new sandbox
 * needs to know is asked in one round: containers, networks, volumes, engine facts, the pause image
 * and every image the manifest names, side by side. A sandbox applied here before (wasApplied) is
 * probably converged: its containers are asked first, alone, and when they show it converged that is
 * all (a re-apply of an unchanged file is mostly answered before this, from the applied record:
 * cli/fast-noop.ts); otherwise the rest follows in a second round.
 */
async function planApply(sandbox: Sandbox, o: ApplyOptions): Promise<PlannedApply> {
  const run = randomBytes(4).toString('hex');
  const pauseImage = pauseImageRef();
  const desired = desiredSandbox(sandbox, { pauseImage, kinds: volumeKinds });
  const ctx = applyContext(o, sandbox.id, run);
  const observed = o.observed?.containers;
  const likelyNew = observed ? !containersConverged(desired, observed) : !wasApplied(sandbox.id);
  // The containers' `docker ps` is spawned first: it decides whether the rest is needed at all.
  const observing = observed ? Promise.resolve(observed) : observeContainers(o.docker, desired.id);
  const facts = likelyNew ? askEngine(o, sandbox, desired, pauseImage, ctx.stateDir) : undefined;
  // Marked handled now: its answers are awaited only if needed, and a failure then is thrown there.
  facts?.catch(() => undefined);
  const containers = await observing;
  const policy = egressPolicy(sandbox);
  if (containersConverged(desired, containers)) {
    const plan = reconcile(desired, assumedObservation(desired, containers), run);
    const missing = policy ? await policyMissing(ctx, sandbox, desired) : undefined;
    const repairs = await repairSteps(ctx, desired.containers);
    if (!missing && !repairs.length) return { desired, containers, plan, steps: [], ctx };
    const restore = missing
      ? realisePlan(plan, desired, { pauseImage, pauseImagePresent: true, rootfsSizeBytes: () => undefined, mountsOf: () => [], volumeSteps: [], policy: await plannedPolicy(sandbox, ctx.stateDir), policyMissing: missing })
      : [];
    return { desired, containers, plan, steps: [...repairs, ...restore], ctx };
  }
  const { listed, info, pausePresent, planned, present } = await (facts ?? askEngine(o, sandbox, desired, pauseImage, ctx.stateDir));
  const plan = reconcile(desired, { containers, ...listed }, run);
  const withInfo = applyContext(o, sandbox.id, run, info);
  const toCreate = createdContainers(plan);
  // Every check that can fail on bad input runs before anything is created.
  checkResources(sandbox, toCreate, info);
  const images = imagesToResolve(toCreate);
  if (toCreate.length) await preflight(withInfo, desired, toCreate);
  const keepsInfra = !plan.steps.some((s) => s.kind === 'create-infra');
  const steps = realisePlan(plan, desired, {
    pauseImage,
    pauseImagePresent: pausePresent,
    rootfsSizeBytes: (dc) => (supportsRootfsLimit(info) ? rootfsSizeBytes(dc.spec.resource.ephemeralStorageBytes) : undefined),
    mountsOf: (dc) => plannedMounts(withInfo, dc),
    volumeSteps: toCreate.length ? await volumeSteps(withInfo, toCreate) : [],
    policy: planned,
    policyMissing: policy && keepsInfra ? await policyMissing(withInfo, sandbox, desired) : undefined,
    imageSteps: imageSteps(images, present),
  });
  return { desired, containers, plan, steps, ctx: withInfo, info };
}

/** The read-only questions a sandbox that is not converged needs answered, all at once. */
async function askEngine(o: ApplyOptions, sandbox: Sandbox, desired: DesiredSandbox, pauseImage: string, stateDir: string) {
  const shared = o.observed?.engine;
  const [answers, planned] = await Promise.all([
    shared ? shared().then((all) => answersFor(all, desired.id)) : engineAnswers(o.docker, desired.id, desired.containers, pauseImage),
    plannedPolicy(sandbox, stateDir),
    egressPolicy(sandbox) ? refuseRemoteEngine(o.docker, sandbox) : undefined,
  ]);
  const { listed, info, present } = answers;
  return { listed, info, pausePresent: pauseImageFound(pauseImage, present), planned, present };
}

/** Why a kept infra container's namespace needs its policy installed again, or undefined when it holds it. */
async function policyMissing(ctx: BackendContext, sandbox: Sandbox, desired: DesiredSandbox): Promise<string | undefined> {
  const state = await policyInPlace(ctx, sandbox, desired.infra.name);
  return state === 'in place' ? undefined : state;
}

function result(p: PlannedApply, warnings: string[]): ApplyResult {
  const steps = printedSteps(p.steps, (args) => p.ctx.docker.argv(args));
  return { id: p.desired.id, changed: p.steps.length > 0, counts: countChanges(p.plan), steps, unchanged: p.plan.unchanged, warnings };
}

/**
 * The containers a successful plan leaves: those it kept and those it created (ids from docker).
 * Recorded only if the same pure check as a re-apply's says they are converged.
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
  if (!containers.every((c) => c.state === 'running' && c.id) || !containersConverged(desired, containers)) return;
  writeAppliedRecord(fingerprint, { id: desired.id, containers: containers.map((c) => [c.id, c.name]) });
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

/** Shared host mounts of containers this plan creates and of those it removes: each is locked for the whole run. */
function mountKeysTouched(plan: Plan, steps: PlanStep[]): string[] {
  const repaired = steps.flatMap((s) => s.run).flatMap((c) => (c.kind === 'repair-mounts' ? c.mounts.flatMap((m) => (m.mountKey ? [m.mountKey] : [])) : []));
  const keys = plan.steps.flatMap((s) =>
    s.kind === 'create-container'
      ? s.container.mounts.flatMap((m) => (m.mountKey ? [m.mountKey] : []))
      : s.kind === 'stash-container' || s.kind === 'remove-container'
        ? sharedMountKeys(s.resources)
        : [],
  );
  return [...new Set([...keys, ...repaired])];
}

function createdContainers(plan: Plan): DesiredContainer[] {
  return plan.steps.flatMap((s) => (s.kind === 'create-container' ? [s.container] : []));
}

function applyContext(o: ApplyOptions, id: string, run: string, info?: EngineInfo): BackendContext {
  return backendContext(o.docker, id, o.reporter, info?.apiVersion, run);
}

function sandboxWarnings(sandbox: Sandbox): string[] {
  const w: string[] = [];
  if (!sandbox.egress && sandbox.ports.length) {
    w.push(`sandbox ${sandbox.id}: ports are not published because egress is false (the sandbox has only loopback); set egress: true to publish them`);
  }
  return w;
}
