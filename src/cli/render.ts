import { renderKubernetes } from '../render/kubernetes.js';
import { renderToText } from '../render/index.js';
import type { Ctx } from './context.js';
import { loadForCommand } from './load.js';

export async function run(ctx: Ctx, flags: { filename: string[]; target: string; secretsFromEnv?: boolean }): Promise<void> {
  const format = ctx.format('yaml', ['yaml', 'json']);
  const sandboxes = await loadForCommand(ctx, flags.filename);
  const result = renderKubernetes(sandboxes, { secretsFromEnv: Boolean(flags.secretsFromEnv) });
  for (const n of result.notes) ctx.reporter.warn(`note: ${n.sandbox} ${n.path}: ${n.message}`);
  ctx.print(renderToText(result, format as 'yaml' | 'json'));
}
