import { applySandbox, type ApplyOptions, type ApplyResult } from '../apply/apply-sandbox.js';
import { settleInOrder } from '../concurrency.js';
import { L } from '../labels.js';
import { LOCK_TIMEOUT_MS, withLocks } from '../lock.js';
import type { Sandbox } from '../manifest/model.js';
import { observeContainers } from '../plan/observe.js';
import type { Reporter } from '../ui/reporter.js';
import { parseConcurrency } from './arguments.js';
import { reportFailures, sandboxFailures } from './sandbox-failures.js';
import { planText } from '../plan/plan-text.js';
import { toJson } from '../ui/format.js';
import { toYaml } from '../ui/to-yaml.js';
import type { LoadResult } from '../manifest/model.js';
import type { InputText } from '../manifest/read-inputs.js';
import type { Ctx } from './context.js';
import { manifestFingerprint, unchangedLine, wasApplied } from '../apply/applied-record.js';
import { sharedEngineAnswers } from '../apply/engine-answers.js';
import { loadWithWarnings } from './load.js';
import { parseDuration } from './duration.js';

interface ApplyFlags {
  filename: string[];
  dryRun?: boolean;
  wait?: boolean;
  timeout: string;
  concurrency?: string;
}

export async function run(ctx: Ctx, flags: ApplyFlags): Promise<void> {
  const format = ctx.format('table', ['table', 'wide', 'json', 'yaml', 'name']);
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const limit = parseConcurrency(flags.concurrency);
  // The engine facts (`docker info`, the slowest question of a new sandbox's observation round, ~25 ms)
  // are asked while the manifests load; the round takes the answer.
  ctx.docker.api?.prefetch?.('/info');
  const inputs: InputText[] = [];
  const loaded = await loadWithWarnings(ctx, flags.filename, (input) => inputs.push(input));
  const fingerprint = recordable(flags.filename, inputs, loaded);
  const dryRun = Boolean(flags.dryRun);
  const applyOne = async (sb: Sandbox, reporter: Reporter, observed?: ApplyOptions['observed']): Promise<ApplyResult> => {
    const res = await applySandbox(sb, { docker: ctx.docker, reporter, dryRun, interrupted: () => ctx.signal.aborted, fingerprint, observed });
    for (const w of res.warnings) reporter.warn(w);
    if (flags.wait && !dryRun) {
      const { waitReady } = await import('../apply/wait.js');
      await waitReady(ctx.docker, sb, { timeoutMs, reporter });
    }
    return res;
  };
  const outcomes: PromiseSettledResult<ApplyResult>[] =
    loaded.sandboxes.length === 1 ? [{ status: 'fulfilled', value: await applyOne(loaded.sandboxes[0], ctx.reporter) }] : await applyMany(ctx, loaded.sandboxes, limit, dryRun, applyOne);
  const results = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const failed = reportFailures(ctx, sandboxFailures(loaded.sandboxes.map((sb) => sb.id), outcomes));
  const data = { dryRun, sandboxes: results, ...failed };
  if (format === 'json') return ctx.print(toJson(data));
  if (format === 'yaml') return ctx.print(toYaml(data));
  if (format === 'name') return ctx.print(results.map((r) => r.id).join('\n'));
  for (const r of results) ctx.print(dryRun ? dryRunText(r) : summary(r));
}

/**
 * Several sandboxes: their locks taken together (in one order, so two such commands cannot deadlock),
 * one `docker ps` and one round of the other questions for all, then up to `limit` applied at once.
 * Each sandbox's progress is kept together and written in manifest order; a failure rolls back that
 * sandbox only.
 */
async function applyMany(
  ctx: Ctx,
  sandboxes: Sandbox[],
  limit: number,
  dryRun: boolean,
  applyOne: (sb: Sandbox, reporter: Reporter, observed: ApplyOptions['observed']) => Promise<ApplyResult>,
): Promise<PromiseSettledResult<ApplyResult>[]> {
  const all = async () => {
    const listing = observeContainers(ctx.docker);
    // Beside the `docker ps` unless every sandbox was applied here before (then probably converged).
    const engine = sharedEngineAnswers(ctx.docker, sandboxes, sandboxes.some((sb) => !wasApplied(sb.id)));
    const containers = await listing;
    const outputs = sandboxes.map(() => ctx.reporter.buffered());
    const observedOf = (sb: Sandbox) => ({ containers: containers.filter((c) => c.labels[L.sandbox] === sb.id), engine });
    return settleInOrder(sandboxes, limit, (sb, i) => applyOne(sb, outputs[i].reporter, observedOf(sb)), (i) => outputs[i].flush());
  };
  if (dryRun) return all();
  return withLocks(sandboxes.map((sb) => `sandbox-${sb.id}`), all, { timeoutMs: LOCK_TIMEOUT_MS });
}

/**
 * One file, one sandbox, no warnings: the case a re-apply can answer from the applied record
 * (cli/fast-noop.ts prints exactly what this command prints then).
 */
function recordable(files: string[], inputs: InputText[], loaded: LoadResult): string | undefined {
  const [input] = inputs;
  if (files.length !== 1 || inputs.length !== 1 || input.file !== files[0] || input.file === '-') return undefined;
  if (loaded.sandboxes.length !== 1 || loaded.warnings.length) return undefined;
  return manifestFingerprint(input.file, input.text);
}

function summary(r: ApplyResult): string {
  if (!r.changed) return unchangedLine(r.id);
  const { created, replaced, removed } = r.counts;
  const parts = [
    created && `${created} created`,
    replaced && `${replaced} replaced`,
    removed && `${removed} removed`,
    r.unchanged.length && `${r.unchanged.length} unchanged`,
  ].filter(Boolean);
  return `sandbox ${r.id} applied (${parts.join(', ')})`;
}

function dryRunText(r: ApplyResult): string {
  return planText(r.id, r.steps, r.unchanged);
}
