import { SbxError } from '../errors.js';
import { sandboxesFrom } from '../plan/status.js';
import { observeContainers } from '../plan/observe.js';
import { containerNameArgument, sandboxIdArgument, tailArgument } from './arguments.js';
import type { Ctx } from './context.js';

interface LogFlags {
  follow?: boolean;
  tail?: string;
  timestamps?: boolean;
}

export async function run(ctx: Ctx, id: string, container: string | undefined, flags: LogFlags): Promise<void> {
  sandboxIdArgument(id);
  if (container !== undefined) containerNameArgument(container);
  if (flags.tail !== undefined) tailArgument(flags.tail);
  const [sb] = sandboxesFrom(await observeContainers(ctx.docker, id));
  if (!sb) throw new SbxError('NOT_FOUND', `sandbox ${id} not found`);
  const targets = container ? sb.containers.filter((c) => c.name === container) : sb.containers;
  if (container && !targets.length) {
    throw new SbxError('NOT_FOUND', `sandbox ${id} has no container ${container} (has: ${sb.containers.map((c) => c.name).join(', ')})`);
  }
  const args = ['logs'];
  if (flags.follow) args.push('--follow');
  if (flags.tail !== undefined) args.push('--tail', flags.tail);
  if (flags.timestamps) args.push('--timestamps');
  const prefixed = targets.length > 1;
  const width = Math.max(...targets.map((t) => t.name.length));
  const codes = await Promise.all(
    targets.map((t) =>
      ctx.docker.stream([...args, t.dockerName], (line, stream) => {
        const text = prefixed ? `${ctx.color.cyan(`[${t.name.padEnd(width)}]`)} ${line}\n` : `${line}\n`;
        (stream === 'stdout' ? process.stdout : process.stderr).write(text);
      }),
    ),
  );
  if (codes.some((c) => c !== 0)) throw new SbxError('DOCKER_FAILED', `docker logs failed for sandbox ${id}`);
}
