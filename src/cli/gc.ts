import { collectGarbage } from '../lifecycle/gc.js';
import { toJson } from '../ui/format.js';
import { parseConcurrency } from './arguments.js';
import type { Ctx } from './context.js';

export async function run(ctx: Ctx, flags: { dryRun?: boolean; concurrency?: string }): Promise<void> {
  const format = ctx.format('table', ['table', 'json']);
  const concurrency = parseConcurrency(flags.concurrency);
  const report = await collectGarbage({ docker: ctx.docker, reporter: ctx.reporter, dryRun: Boolean(flags.dryRun), concurrency });
  if (format === 'json') return ctx.print(toJson({ dryRun: Boolean(flags.dryRun), ...report }));
  const verb = flags.dryRun ? 'would remove' : 'removed';
  if (!report.actions.length) return ctx.print('nothing to collect');
  for (const a of report.actions) ctx.print(`${verb} ${a.what} (${a.reason})`);
}
