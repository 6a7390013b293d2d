import { SbxError } from '../errors.js';
import { deleteSandbox } from '../lifecycle/delete.js';
import { sandboxesFrom } from '../plan/status.js';
import { observeContainers } from '../plan/observe.js';
import { toJson } from '../ui/format.js';
import { sandboxIdArgument } from './arguments.js';
import type { Ctx } from './context.js';
import { loadForCommand } from './load.js';

interface DeleteFlags {
  filename?: string[];
  all?: boolean;
  volumes?: boolean;
}

export async function run(ctx: Ctx, ids: string[], flags: DeleteFlags): Promise<void> {
  const format = ctx.format('table', ['table', 'json', 'name']);
  const targets = new Set(ids.map(sandboxIdArgument));
  if (flags.filename) for (const sb of await loadForCommand(ctx, flags.filename)) targets.add(sb.id);
  if (flags.all) for (const s of sandboxesFrom(await observeContainers(ctx.docker))) targets.add(s.id);
  if (!targets.size && !flags.all) throw new SbxError('USAGE', 'name sandbox ids, -f FILE or --all');

  const deleted: string[] = [];
  const missing: string[] = [];
  for (const id of targets) {
    if (await deleteSandbox(id, { docker: ctx.docker, reporter: ctx.reporter, volumes: flags.volumes })) deleted.push(id);
    else missing.push(id);
  }
  for (const id of missing) ctx.reporter.warn(`sandbox ${id} not found`);
  if (format === 'json') return ctx.print(toJson({ deleted, notFound: missing }));
  for (const id of deleted) ctx.print(format === 'name' ? id : `sandbox ${id} deleted`);
}
