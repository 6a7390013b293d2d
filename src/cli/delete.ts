import { SbxError } from '../errors.js';
import { deleteSandbox } from '../lifecycle/delete.js';
import { deleteSandboxes } from '../lifecycle/delete-many.js';
import { sandboxesFrom } from '../plan/status.js';
import { lockEpoch } from '../lock.js';
import { observe, observeContainers, observeContainersSelecting, observeNetworksAndVolumes, printableSelector, type Observed, type ObservedContainer } from '../plan/observe.js';
import { toJson } from '../ui/format.js';
import { labelSelector, parseConcurrency, sandboxIdArgument } from './arguments.js';
import { reportFailures, sandboxFailures } from './sandbox-failures.js';
import type { Ctx } from './context.js';

interface DeleteFlags {
  filename?: string[];
  all?: boolean;
  volumes?: boolean;
  concurrency?: string;
  selector?: string[];
}

export async function run(ctx: Ctx, ids: string[], flags: DeleteFlags): Promise<void> {
  const format = ctx.format('table', ['table', 'json', 'name']);
  const targets = new Set(ids.map(sandboxIdArgument));
  if (flags.filename) {
    // Loaded only for -f: the manifest machinery (YAML parser, schema) is most of what a delete would load.
    const { loadForCommand } = await import('./load.js');
    for (const sb of await loadForCommand(ctx, flags.filename)) targets.add(sb.id);
  }
  const selector = (flags.selector ?? []).map(labelSelector);
  const seen = flags.all || selector.length ? await everyObject(ctx, selector) : undefined;
  if (seen) for (const s of sandboxesFrom(seen.selected)) targets.add(s.id);
  if (!targets.size && !flags.all && !selector.length) throw new SbxError('USAGE', 'name sandbox ids, -f FILE, -l KEY=VALUE or --all');

  const limit = parseConcurrency(flags.concurrency);
  const list = [...targets];
  const options = { docker: ctx.docker, reporter: ctx.reporter, volumes: flags.volumes, seen };
  const outcomes: PromiseSettledResult<boolean>[] =
    list.length <= 1
      ? await Promise.all(list.map(async (id) => ({ status: 'fulfilled' as const, value: await deleteSandbox(id, options) })))
      : await deleteSandboxes(list, { ...options, limit });
  const deleted = list.filter((_, i) => outcomes[i].status === 'fulfilled' && (outcomes[i] as PromiseFulfilledResult<boolean>).value);
  const missing = list.filter((_, i) => outcomes[i].status === 'fulfilled' && !(outcomes[i] as PromiseFulfilledResult<boolean>).value);
  for (const id of missing) ctx.reporter.warn(`sandbox ${id} not found`);
  const failed = reportFailures(ctx, sandboxFailures(list, outcomes));
  if (format === 'json') return ctx.print(toJson({ deleted, notFound: missing, ...failed }));
  for (const id of deleted) ctx.print(format === 'name' ? id : `sandbox ${id} deleted`);
}

/**
 * The containers --all or -l select, and every sbx object with the lock epoch read before listing them:
 * the deletion uses this listing, instead of a second one under the locks, when no sbx changed anything
 * meanwhile.
 */
async function everyObject(ctx: Ctx, selector: string[]): Promise<{ selected: ObservedContainer[]; observed: Observed; since: string | undefined }> {
  const since = await lockEpoch();
  const pairs = printableSelector(selector);
  if (pairs) {
    const [{ containers, selected }, others] = await Promise.all([observeContainersSelecting(ctx.docker, pairs), observeNetworksAndVolumes(ctx.docker)]);
    return { selected, observed: { containers, ...others }, since };
  }
  const [selected, observed] = await Promise.all([observeContainers(ctx.docker, undefined, selector), observe(ctx.docker)]);
  return { selected, observed, since };
}
