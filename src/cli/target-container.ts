import { SbxError } from '../errors.js';
import { L } from '../labels.js';
import { infraName } from '../plan/names.js';
import { observeContainers } from '../plan/observe.js';
import { sandboxesFrom, type ContainerStatus } from '../plan/status.js';
import type { Ctx } from './context.js';

/** The named container of a sandbox, or its first one (the manifest's order, which the stored spec keeps). */
export async function targetContainer(ctx: Ctx, id: string, name: string | undefined): Promise<ContainerStatus> {
  const [sb] = sandboxesFrom(await observeContainers(ctx.docker, id));
  if (!sb) throw new SbxError('NOT_FOUND', `sandbox ${id} not found`);
  const target = name ? sb.containers.find((c) => c.name === name) : await firstContainer(ctx, id, sb.containers);
  if (!target) throw new SbxError('NOT_FOUND', `sandbox ${id} has no container ${name} (has: ${sb.containers.map((c) => c.name).join(', ')})`);
  return target;
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
