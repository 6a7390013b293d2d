import type { DockerClient } from './engine.js';

/** Why and when a container ran and ended, as `docker inspect` reports it. */
export interface ContainerState {
  name: string;
  state: string;
  exitCode: number;
  oomKilled: boolean;
  restartCount: number;
  /** ISO 8601; absent when it never started / has not finished. */
  startedAt?: string;
  finishedAt?: string;
}

interface Inspected {
  Name: string;
  RestartCount: number;
  State: { Status: string; ExitCode: number; OOMKilled: boolean; StartedAt: string; FinishedAt: string };
}

/** Docker reports "never" as the zero time. */
const time = (t: string) => (t && !t.startsWith('0001-01-01') ? t : undefined);

/** One `docker inspect` for all the named containers (none: no call). */
export async function containerStates(docker: DockerClient, names: readonly string[]): Promise<ContainerState[]> {
  if (!names.length) return [];
  const inspected = await docker.json<Inspected[]>(['inspect', '--type', 'container', ...names], { what: 'inspect containers' });
  return inspected.map((c) => stateOf(c));
}

export function stateOf(c: Inspected): ContainerState {
  const startedAt = time(c.State.StartedAt);
  const finishedAt = c.State.Status === 'running' ? undefined : time(c.State.FinishedAt);
  return {
    name: c.Name.replace(/^\//, ''),
    state: c.State.Status,
    exitCode: c.State.ExitCode,
    oomKilled: c.State.OOMKilled,
    restartCount: c.RestartCount,
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
  };
}
