import { SbxError } from '../errors.js';
import { L } from '../labels.js';
import { infraName } from '../plan/names.js';
import { sandboxesFrom } from '../plan/status.js';
import { observeContainers } from '../plan/observe.js';
import { containerNameArgument, sandboxIdArgument } from './arguments.js';
import type { Ctx } from './context.js';

export async function run(ctx: Ctx, id: string, command: string[], flags: { container?: string; interactive?: boolean; tty?: boolean }): Promise<void> {
  sandboxIdArgument(id);
  if (flags.container !== undefined) containerNameArgument(flags.container);
  const [sb] = sandboxesFrom(await observeContainers(ctx.docker, id));
  if (!sb) throw new SbxError('NOT_FOUND', `sandbox ${id} not found`);
  // "First" is the manifest's order, which the stored spec keeps.
  const target = flags.container ? sb.containers.find((c) => c.name === flags.container) : await firstContainer(ctx, id, sb.containers);
  if (!target) throw new SbxError('NOT_FOUND', `sandbox ${id} has no container ${flags.container} (has: ${sb.containers.map((c) => c.name).join(', ')})`);
  const args = ['exec'];
  if (flags.interactive) args.push('--interactive');
  if (flags.tty) args.push('--tty');
  process.exitCode = await ctx.docker.interactive([...args, target.dockerName, ...command]);
}

async function firstContainer<T extends { name: string }>(ctx: Ctx, id: string, containers: T[]): Promise<T | undefined> {
  const format = `{{index .Config.Labels "${L.spec}"}}`;
  const { stdout } = await ctx.docker.run(['inspect', '--type', 'container', '--format', format, infraName(id)], { allowFailure: true });
  try {
    const spec = JSON.parse(stdout) as { spec?: { containers?: { name: string }[] } };
    const first = spec.spec?.containers?.[0]?.name;
    return containers.find((c) => c.name === first) ?? containers[0];
  } catch {
    return containers[0];
  }
}
