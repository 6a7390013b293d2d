import type { DockerClient } from '../docker/engine.js';
import { pullImage } from '../docker/images.js';
import { EXIT, SbxError } from '../errors.js';
import { PHASES, type Command, type MountProvider, type PlanStep, type PolicyProvider } from '../plan/steps.js';
import type { PreparedMount } from '../plan/mounts.js';
import type { Reporter } from '../ui/reporter.js';

export interface ExecuteOptions {
  docker: DockerClient;
  reporter: Reporter;
  mounts: MountProvider;
  policy: PolicyProvider;
  /** The bytes a command names as its stdin. */
  stdin: Record<'pause-image-tar', () => Uint8Array>;
  interrupted?: () => boolean;
}

/**
 * Runs the steps phase by phase (steps of one phase side by side) and resolves with the id of every
 * container created, by name. If a step fails, the undo commands of every step that started run in
 * reverse order; a failing cleanup step is a warning (debris for the next apply or `sbx gc`).
 * It decides nothing: every command and its undo come from the plan.
 */
export async function executePlan(steps: PlanStep[], o: ExecuteOptions): Promise<ReadonlyMap<string, string>> {
  const ids = new Map<string, string>();
  const started: PlanStep[] = [];
  try {
    for (const phase of PHASES.filter((p) => p !== 'cleanup')) {
      const mine = steps.filter((s) => s.phase === phase);
      await settleAll(
        mine.map((s) => {
          started.push(s);
          return reported(o, s, () => runAll(o, s.run, ids));
        }),
      );
      if (mine.length) checkInterrupted(o);
    }
  } catch (err) {
    await rollback(o, started);
    throw err;
  }
  for (const s of steps.filter((s) => s.phase === 'cleanup')) {
    await reported(o, s, () => runAll(o, s.run, ids)).catch((err: unknown) => {
      o.reporter.warn(`${err instanceof Error ? err.message : String(err)}; the next apply or \`sbx gc\` removes it`);
    });
  }
  return ids;
}

async function runAll(o: ExecuteOptions, commands: Command[], ids: Map<string, string>): Promise<void> {
  for (const c of commands) await runCommand(o, c, ids);
}

async function runCommand(o: ExecuteOptions, c: Command, ids: Map<string, string>, allowFailure = false): Promise<void> {
  switch (c.kind) {
    case 'docker': {
      if (c.pull) return pullImage(o.docker, c.args, (p) => o.reporter.pull(p));
      const { stdout, exitCode } = await o.docker.run(c.args, { what: c.what, allowFailure, input: c.stdin ? o.stdin[c.stdin]() : undefined });
      if (c.printsIdOf && exitCode === 0) ids.set(c.printsIdOf, stdout.trim());
      return;
    }
    case 'prepare-mounts':
      return expectPlanned(c.container, c.mounts, await o.mounts.prepare(c.container, c.mounts));
    case 'verify-mounts':
      return o.mounts.verify(c.container, c.mounts);
    case 'release-mounts':
      return o.mounts.release(c.container);
    case 'repair-mounts':
      return o.mounts.repair(c.container, c.mounts);
    case 'release-resources':
      return o.mounts.afterRemove(c.resources);
    case 'network-policy':
      return o.policy.enforce(c.infra, c);
    case 'release-network-policy':
      return o.policy.release();
  }
}

/** The container's argv was built from the planned mounts: what the backends made must be exactly that. */
function expectPlanned(container: string, planned: PreparedMount[], got: PreparedMount[]): void {
  const key = (ms: PreparedMount[]) => JSON.stringify(ms.map((m) => [m.mount, m.displaySource, m.expectedSource, m.stagingPath, m.mountKey]));
  if (key(planned) !== key(got)) {
    throw new Error(`container ${container}: the prepared mounts differ from the plan (planned ${key(planned)}, prepared ${key(got)})`);
  }
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

async function reported(o: ExecuteOptions, s: PlanStep, fn: () => Promise<void>): Promise<void> {
  const { action, resource } = s;
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
  if (o.interrupted?.()) throw new SbxError('INTERRUPTED', 'interrupted', { exitCode: EXIT.INTERRUPTED });
}

/** Undo every started step, last first. Best effort: each undo command may fail, none throws. */
async function rollback(o: ExecuteOptions, started: PlanStep[]): Promise<void> {
  const toUndo = started.filter((s) => s.undo.length);
  if (toUndo.length) o.reporter.info(`rolling back: undoing ${toUndo.length} step(s) this apply started`);
  for (const s of [...toUndo].reverse()) {
    for (const c of s.undo) await runCommand(o, c, new Map(), true).catch(() => undefined);
  }
}
