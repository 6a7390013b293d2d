import { containerStates } from '../docker/container-state.js';
import { oomCandidates, sandboxesFrom, type SandboxStatus } from '../plan/status.js';
import { observeContainers } from '../plan/observe.js';
import { humanDuration, toJson } from '../ui/format.js';
import { renderTable } from '../ui/table.js';
import type { Ctx } from './context.js';

/** One `docker ps` call whatever the number of sandboxes (and one inspect when a container exited with 137). */
export async function run(ctx: Ctx, flags: { all?: boolean; quiet?: boolean }): Promise<void> {
  const format = flags.quiet ? 'name' : ctx.format('table', ['table', 'wide', 'json', 'yaml', 'name']);
  const now = new Date();
  const observed = await observeContainers(ctx.docker);
  // Only containers that exited with 137 may have been OOM-killed: inspect those, if any.
  const oom = (await containerStates(ctx.docker, oomCandidates(observed))).filter((s) => s.oomKilled).map((s) => s.name);
  const all = sandboxesFrom(observed, now, new Set(oom));
  const shown = flags.all ? all : all.filter((s) => !s.incomplete || s.expired || s.containers.length > 0);
  if (format === 'json') return ctx.print(toJson({ sandboxes: shown.map(toData) }));
  if (format === 'yaml') return ctx.print((await import('../ui/to-yaml.js')).toYaml({ sandboxes: shown.map(toData) }));
  if (format === 'name') return ctx.print(shown.map((s) => s.id).join('\n'));
  if (!shown.length) {
    ctx.reporter.info('No sandboxes found');
    return;
  }
  const headers = ['ID', 'STATUS', 'CONTAINERS', 'EGRESS', 'EXPIRES', 'AGE'];
  if (format === 'wide') headers.push('CREATED', 'EXPIRES_AT');
  const rows = shown.map((s) => {
    const row = [
      s.id,
      s.expired ? ctx.color.red(s.status) : s.status,
      s.containers.map((c) => c.name).join(','),
      String(s.egress),
      s.expiresAt ? (s.expired ? 'expired' : `in ${humanDuration(new Date(s.expiresAt).getTime() - now.getTime())}`) : '-',
      s.createdAt ? humanDuration(now.getTime() - new Date(s.createdAt).getTime()) : '-',
    ];
    if (format === 'wide') row.push(s.createdAt ?? '-', s.expiresAt ?? '-');
    return row;
  });
  ctx.print(renderTable(headers, rows));
}

export function toData(s: SandboxStatus): Record<string, unknown> {
  return {
    id: s.id,
    status: s.status,
    containers: s.containers.map((c) => ({ name: c.name, state: c.state, status: c.status, exitCode: c.exitCode ?? null, oomKilled: c.oomKilled })),
    egress: s.egress,
    createdAt: s.createdAt ?? null,
    expiresAt: s.expiresAt ?? null,
    expired: s.expired,
  };
}
