import { SbxError } from '../errors.js';
import { stopSandbox } from '../lifecycle/stop.js';
import type { Ctx } from './context.js';

export async function run(ctx: Ctx, ids: string[]): Promise<void> {
  for (const id of ids) {
    if (!(await stopSandbox(id, { docker: ctx.docker, reporter: ctx.reporter }))) throw new SbxError('NOT_FOUND', `sandbox ${id} not found`);
    ctx.print(`sandbox ${id} stopped`);
  }
}
