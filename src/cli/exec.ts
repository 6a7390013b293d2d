import { containerNameArgument, sandboxIdArgument } from './arguments.js';
import type { Ctx } from './context.js';
import { targetContainer } from './target-container.js';

export async function run(ctx: Ctx, id: string, command: string[], flags: { container?: string; interactive?: boolean; tty?: boolean }): Promise<void> {
  sandboxIdArgument(id);
  if (flags.container !== undefined) containerNameArgument(flags.container);
  const target = await targetContainer(ctx, id, flags.container);
  const args = ['exec'];
  if (flags.interactive) args.push('--interactive');
  if (flags.tty) args.push('--tty');
  process.exitCode = await ctx.docker.interactive([...args, target.dockerName, ...command]);
}
