import { startSandbox } from '../lifecycle/start.js';
import type { Ctx } from './context.js';

export async function run(ctx: Ctx, ids: string[]): Promise<void> {
  for (const id of ids) {
    const res = await startSandbox(id, { docker: ctx.docker, reporter: ctx.reporter });
    for (const w of res.warnings) ctx.reporter.warn(w);
    ctx.print(`sandbox ${id} started`);
  }
}
