import { containerStates } from '../docker/container-state.js';
import { SbxError } from '../errors.js';
import { observeContainers } from '../plan/observe.js';
import { sandboxesFrom } from '../plan/status.js';
import { toJson } from '../ui/format.js';
import type { Ctx } from './context.js';
import { parseDuration } from './duration.js';

/**
 * Blocks until the container (default: every container) has exited, then exits with its code; with
 * several, the first non-zero code in name order. `--timeout` ends the wait with WAIT_TIMEOUT.
 */
export async function run(ctx: Ctx, id: string, flags: { container?: string; timeout?: string }): Promise<void> {
  const format = ctx.format('table', ['table', 'json']);
  const timeoutMs = flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
  const [sb] = sandboxesFrom(await observeContainers(ctx.docker, id));
  if (!sb) throw new SbxError('NOT_FOUND', `sandbox ${id} not found`);
  const targets = flags.container ? sb.containers.filter((c) => c.name === flags.container) : sb.containers;
  if (!targets.length) throw new SbxError('NOT_FOUND', `sandbox ${id} has no container ${flags.container} (has: ${sb.containers.map((c) => c.name).join(', ')})`);
  const names = targets.map((t) => t.dockerName);
  const res = await ctx.docker.run(['wait', ...names], { allowFailure: true, timeoutMs, what: `wait for sandbox ${id}` });
  if (res.timedOut) {
    const what = flags.container ? `container ${flags.container}` : `the containers (${targets.map((t) => t.name).join(', ')})`;
    throw new SbxError('WAIT_TIMEOUT', `sandbox ${id}: ${what} still running after ${flags.timeout}`, { hint: 'raise --timeout, or stop it with sbx stop' });
  }
  if (res.exitCode !== 0) throw new SbxError('DOCKER_FAILED', `wait for sandbox ${id}: ${res.stderr.trim() || 'docker wait failed'}`);
  const states = new Map((await containerStates(ctx.docker, names)).map((s) => [s.name, s]));
  const ended = targets.map((t) => ({ name: t.name, exitCode: states.get(t.dockerName)?.exitCode ?? Number(res.stdout.split('\n')[names.indexOf(t.dockerName)]), oomKilled: states.get(t.dockerName)?.oomKilled ?? false }));
  if (format === 'json') ctx.print(toJson({ id, containers: ended }));
  else for (const e of ended) ctx.reporter.info(`container ${e.name} exited with ${e.exitCode}${e.oomKilled ? ' (OOM-killed)' : ''}`);
  process.exitCode = ended.find((e) => e.exitCode !== 0)?.exitCode ?? 0;
}
