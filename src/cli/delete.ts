import { SbxError } from '../errors.js';
import { deleteSandbox } from '../lifecycle/delete.js';
import { deleteSandboxes } from '../lifecycle/delete-many.js';
import { sandboxesFrom } from '../plan/status.js';
import { observeContainers } from '../plan/observe.js';
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
  if (flags.all || selector.length) for (const s of sandboxesFrom(await observeContainers(ctx.docker, undefined, selector))) targets.add(s.id);
  if (!targets.size && !flags.all && !selector.length) throw new SbxError('USAGE', 'name sandbox ids, -f FILE, -l KEY=VALUE or --all');

  const limit = parseConcurrency(flags.concurrency);
  const list = [...targets];
  const options = { docker: ctx.docker, reporter: ctx.reporter, volumes: flags.volumes };
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
