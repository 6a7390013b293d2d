import { SbxError } from '../errors.js';
import { L } from '../labels.js';
import { sandboxesFrom } from '../plan/status.js';
import { observeContainers } from '../plan/observe.js';
import { stateOf } from '../docker/container-state.js';
import { toJson } from '../ui/format.js';
import { renderTable } from '../ui/table.js';
import { sandboxIdArgument } from './arguments.js';
import type { Ctx } from './context.js';
import { toData } from './ls.js';

interface InspectedContainer {
  Name: string;
  RestartCount: number;
  State: { Status: string; ExitCode: number; OOMKilled: boolean; StartedAt: string; FinishedAt: string };
  Config: { Labels: Record<string, string> };
  NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null };
}

interface MountLabel {
  volume: string;
  backend: string;
  source: string;
  target: string;
  readOnly: boolean;
}

export async function run(ctx: Ctx, id: string): Promise<void> {
  const format = ctx.format('table', ['table', 'wide', 'json', 'yaml', 'name']);
  sandboxIdArgument(id);
  const observed = await observeContainers(ctx.docker, id);
  const [seen] = sandboxesFrom(observed);
  if (!seen) throw new SbxError('NOT_FOUND', `sandbox ${id} not found`);
  if (format === 'name') return ctx.print(seen.id);
  const names = [seen.infra?.name, ...seen.containers.map((c) => c.dockerName)].filter((n): n is string => Boolean(n));
  const inspected = await ctx.docker.json<InspectedContainer[]>(['inspect', '--type', 'container', ...names]);
  const states = new Map(inspected.map((c) => [c.Name.replace(/^\//, ''), stateOf(c)]));
  const [status] = sandboxesFrom(observed, new Date(), new Set([...states.values()].filter((s) => s.oomKilled).map((s) => s.name)));
  const infra = inspected.find((c) => c.Config.Labels[L.role] === 'infra');

  if (format === 'yaml') {
    // The manifest as applied (secrets were never stored), ready to re-apply.
    const spec = infra?.Config.Labels[L.spec];
    if (!spec) throw new SbxError('NOT_FOUND', `sandbox ${id} has no stored manifest (infra container missing)`);
    return ctx.print((await import('../ui/to-yaml.js')).toYaml(JSON.parse(spec)));
  }

  const mounts = inspected.flatMap((c) => {
    const label = c.Config.Labels[L.mounts];
    const container = c.Config.Labels[L.container];
    return label ? (JSON.parse(label) as MountLabel[]).map((m) => ({ container, ...m })) : [];
  });
  const ports = Object.entries(infra?.NetworkSettings.Ports ?? {}).flatMap(([port, binds]) =>
    (binds ?? []).map((b) => ({ container: port, host: `${b.HostIp || '0.0.0.0'}:${b.HostPort}` })),
  );
  const networkPolicy = infra?.Config.Labels[L.egressPolicy] ?? (status.egress ? 'unfiltered (applied before network policies)' : 'none (loopback only)');
  const base = toData(status);
  const containers = status.containers.map((c) => {
    const st = states.get(c.dockerName);
    return { name: c.name, state: c.state, status: c.status, exitCode: st?.exitCode ?? null, oomKilled: st?.oomKilled ?? false, restartCount: st?.restartCount ?? 0, startedAt: st?.startedAt ?? null, finishedAt: st?.finishedAt ?? null };
  });
  const data = { ...base, containers, networkPolicy, mounts, ports };
  if (format === 'json') return ctx.print(toJson(data));

  const out: string[] = [];
  out.push(`Sandbox:   ${status.id}`);
  out.push(`Status:    ${status.status}`);
  out.push(`Egress:    ${status.egress}`);
  out.push(`Network:   ${networkPolicy}`);
  out.push(`Created:   ${status.createdAt ?? '-'}`);
  out.push(`Expires:   ${status.expiresAt ?? 'never'}${status.expired ? ' (expired)' : ''}`);
  out.push('', 'Containers:');
  out.push(
    indent(
      renderTable(
        ['NAME', 'STATE', 'EXIT', 'OOM-KILLED', 'RESTARTS', 'STARTED', 'FINISHED'],
        containers.map((c) => [c.name, c.state, c.state === 'running' || c.exitCode === null ? '-' : String(c.exitCode), c.oomKilled ? 'yes' : 'no', String(c.restartCount), c.startedAt ?? '-', c.finishedAt ?? '-']),
      ),
    ),
  );
  out.push('Mounts:');
  out.push(
    mounts.length
      ? indent(renderTable(['CONTAINER', 'VOLUME', 'BACKEND', 'SOURCE', 'TARGET', 'MODE'], mounts.map((m) => [m.container, m.volume, m.backend, m.source, m.target, m.readOnly ? 'ro' : 'rw'])))
      : '  (none)\n',
  );
  out.push('Ports:');
  out.push(ports.length ? indent(renderTable(['CONTAINER', 'HOST'], ports.map((p) => [p.container, p.host]))) : '  (none)\n');
  ctx.print(out.join('\n'));
}

const indent = (t: string) =>
  t
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');
