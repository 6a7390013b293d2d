import { containerCreateArgs, infraCreateArgs, networkCreateArgs, pauseImportArgs, removeContainersArgs, ownedVolumeCreateArgs } from './argv.js';
import type { DesiredContainer, DesiredSandbox } from './desired.js';
import { mountLabels, type PreparedMount } from './mounts.js';
import { describeStep, type Plan, type Step } from './reconcile.js';
import { PHASES, type Command, type PlanStep } from './steps.js';

/** What the engine and the backends said before planning; with these the plan is final. */
export interface PlanFacts {
  pauseImage: string;
  /** Whether the pause image is on the engine; if not, a step builds it before the infra container. */
  pauseImagePresent: boolean;
  /** --storage-opt size= for a container, when the storage driver enforces it. */
  rootfsSizeBytes: (dc: DesiredContainer) => number | undefined;
  /** The Docker mounts the backends will prepare for a container (sources final, no side effects). */
  mountsOf: (dc: DesiredContainer) => PreparedMount[];
  /** Docker volumes the backends need created first (volumes/backend.ts volumeSteps): argv and its undo. */
  volumeSteps: PlanStep[];
  /** The network policy to install in the infra container's namespace (egress true or an allow-list). */
  policy?: { ruleset: string; dnsHelper?: string[] };
  /** Why the policy must be installed again in a kept infra container (observed missing), if it must. */
  policyMissing?: string;
  /** Pulls of the images the created containers need (plan/images.ts), before anything else. */
  imageSteps?: PlanStep[];
}

const docker = (args: string[], what: string, extra: Partial<Extract<Command, { kind: 'docker' }>> = {}): Command => ({ kind: 'docker', args, what, ...extra });

/** Every step of the plan with its final commands. Pure: the same inputs give the same steps. */
export function realisePlan(plan: Plan, desired: DesiredSandbox, facts: PlanFacts): PlanStep[] {
  const out: PlanStep[] = [];
  if (plan.steps.some((s) => s.kind === 'create-container')) out.push(...(facts.imageSteps ?? []));
  const createsInfra = plan.steps.some((s) => s.kind === 'create-infra');
  if (createsInfra && !facts.pauseImagePresent) {
    out.push({
      action: 'build',
      resource: `image ${facts.pauseImage}`,
      cause: 'the pause image is not on the engine (sbx builds it from bytes, never pulls it)',
      phase: 'prepare',
      run: [docker(pauseImportArgs(facts.pauseImage), `build pause image ${facts.pauseImage}`, { stdin: 'pause-image-tar' })],
      undo: [],
    });
  }
  if (plan.steps.some((s) => s.kind === 'create-container')) out.push(...facts.volumeSteps);
  if (facts.policy && (createsInfra || facts.policyMissing)) out.push(policyStep(desired, facts.policy, createsInfra ? undefined : facts.policyMissing));
  const removed = plan.steps.filter((s): s is Extract<Step, { kind: 'remove-container' }> => s.kind === 'remove-container');
  for (const s of plan.steps) {
    if (s.kind === 'remove-container') continue;
    out.push({ ...label(s), ...commands(s, desired, facts) });
  }
  if (removed.length) {
    out.push({
      ...(removed.length === 1 ? label(removed[0]) : { action: 'remove', resource: `containers ${removed.map((s) => s.name).join(', ')}`, cause: 'replaced' }),
      phase: 'cleanup',
      run: [docker(removeContainersArgs(removed.map((s) => s.name)), 'remove replaced containers'), { kind: 'release-resources', resources: removed.map((s) => s.resources) }],
      undo: [],
    });
  }
  // Steps of a phase start side by side in plan order, and only a run's first docker call is spawned at
  // once (later ones wait for the launcher's bash): the infra container, the long call of its phase,
  // goes before the volumes created beside it.
  const isInfraStep = (s: PlanStep) => s.run.some((c) => c.kind === 'docker' && c.printsIdOf === desired.infra.name);
  return PHASES.flatMap((phase) => {
    const mine = out.filter((s) => s.phase === phase);
    return phase === 'infra' ? [...mine.filter(isInfraStep), ...mine.filter((s) => !isInfraStep(s))] : mine;
  });
}

/**
 * Rules and DNS helper go into the infra container's namespace before any container joins it. In a
 * new infra, the undo stops the helper (the rules die with the namespace); in a kept one whose
 * policy went missing, it is installed again and stays.
 */
function policyStep(d: DesiredSandbox, policy: NonNullable<PlanFacts['policy']>, missing: string | undefined): PlanStep {
  return {
    action: 'enforce',
    resource: 'network policy',
    cause: missing ?? `egress ${policy.dnsHelper ? 'allow-list' : 'true'}: in the new infra container's namespace`,
    phase: 'policy',
    run: [{ kind: 'network-policy', infra: d.infra.name, ...policy }],
    undo: missing ? [] : [{ kind: 'release-network-policy', sandbox: d.id }],
  };
}

function label(s: Step): { action: string; resource: string; cause: string } {
  return { ...describeStep(s), cause: s.cause };
}

function commands(s: Exclude<Step, { kind: 'remove-container' }>, d: DesiredSandbox, f: PlanFacts): Pick<PlanStep, 'phase' | 'run' | 'undo'> {
  switch (s.kind) {
    case 'stash-container':
      return {
        phase: 'stash',
        run: [...(s.wasRunning ? [docker(['stop', '--time', '2', s.name], `stop container ${s.name}`)] : []), docker(['rename', s.name, s.to], `rename container ${s.name}`)],
        undo: [docker(['rename', s.to, s.name], `rename container ${s.to} back`), ...(s.wasRunning ? [docker(['start', s.name], `start container ${s.name}`)] : [])],
      };
    case 'create-network':
      return { phase: 'prepare', run: [docker(networkCreateArgs(s.name, d.network!.labels), `create network ${s.name}`)], undo: [docker(['network', 'rm', s.name], `remove network ${s.name}`)] };
    case 'create-volume':
      return {
        phase: 'infra',
        run: [docker(ownedVolumeCreateArgs(s.volume), `create volume ${s.volume.volume}`)],
        undo: [docker(['volume', 'rm', '--force', s.volume.name], `remove volume ${s.volume.name}`)],
      };
    case 'create-infra': {
      const args = infraCreateArgs(d.infra, d.network?.name, f.pauseImage);
      return {
        phase: 'infra',
        run: [docker(['run', '--detach', '--pull', 'never', ...args.slice(1)], 'create infra container', { printsIdOf: d.infra.name })],
        undo: [docker(removeContainersArgs([d.infra.name]), 'remove infra container')],
      };
    }
    case 'create-container':
      return { phase: 'containers', ...containerCommands(s.container, d, f) };
    case 'start-container':
      return { phase: 'containers', run: [docker(['start', s.name], `start container ${s.container}`)], undo: [] };
    case 'remove-volume':
      return { phase: 'cleanup', run: [docker(['volume', 'rm', s.name], `remove volume ${s.name}`)], undo: [] };
    case 'remove-network':
      return { phase: 'cleanup', run: [docker(['network', 'rm', s.name], `remove network ${s.name}`)], undo: [] };
  }
}

/**
 * Mounts first (staging binds, FUSE mounts), then the container. When sbx resolved a mount source
 * itself, the container is created, its mounts checked against the engine's view, then started;
 * otherwise one `docker run`.
 */
function containerCommands(dc: DesiredContainer, d: DesiredSandbox, f: PlanFacts): Pick<PlanStep, 'run' | 'undo'> {
  const mounts = f.mountsOf(dc);
  const args = containerCreateArgs(dc, mounts, { ...dc.labels, ...mountLabels(mounts) }, { infraName: d.infra.name, rootfsSizeBytes: f.rootfsSizeBytes(dc) });
  const what = `create container ${dc.name}`;
  const prepare: Command[] = mounts.length ? [{ kind: 'prepare-mounts', container: dc.dockerName, mounts }] : [];
  const verified = mounts.some((m) => m.expectedSource);
  const run: Command[] = verified
    ? [...prepare, docker(args, what, { printsIdOf: dc.dockerName }), { kind: 'verify-mounts', container: dc.dockerName, mounts }, docker(['start', dc.dockerName], `start container ${dc.name}`)]
    : [...prepare, docker(['run', '--detach', ...args.slice(1)], what, { printsIdOf: dc.dockerName })];
  const undo: Command[] = [docker(removeContainersArgs([dc.dockerName]), `remove container ${dc.name}`), ...(mounts.length ? [{ kind: 'release-mounts' as const, container: dc.dockerName, mounts }] : [])];
  return { run, undo };
}
