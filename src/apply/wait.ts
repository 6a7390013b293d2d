import { setTimeout as sleep } from 'node:timers/promises';
import type { DockerClient } from '../docker/engine.js';
import { SbxError } from '../errors.js';
import { sandboxesFrom } from '../plan/status.js';
import type { Sandbox } from '../manifest/model.js';
import { containerName, infraName } from '../plan/names.js';
import { observeContainers } from '../plan/observe.js';
import type { Reporter } from '../ui/reporter.js';
import { httpOk, tcpConnect } from './probe.js';

export interface WaitOptions {
  timeoutMs: number;
  reporter: Reporter;
}

/** --wait: every container running, then the readiness probe passing (success_threshold times in a row). */
export async function waitReady(docker: DockerClient, sandbox: Sandbox, o: WaitOptions): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  const t0 = Date.now();
  for (;;) {
    const [s] = sandboxesFrom(await observeContainers(docker, sandbox.id));
    const stopped = s?.containers.filter((c) => c.state === 'exited' || c.state === 'dead') ?? [];
    if (stopped.length) {
      throw new SbxError('WAIT_TIMEOUT', `sandbox ${sandbox.id}: container ${stopped.map((c) => `${c.name} (${c.status})`).join(', ')} stopped before it was ready; see sbx logs ${sandbox.id}`);
    }
    if (s && s.status.startsWith('running(')) break;
    if (Date.now() > deadline) throw new SbxError('WAIT_TIMEOUT', `sandbox ${sandbox.id} not running after ${o.timeoutMs / 1000}s (status ${s?.status ?? 'missing'})`);
    await sleep(250);
  }
  const probe = sandbox.readinessProbe;
  if (probe) {
    await sleep(probe.initialDelaySeconds * 1000);
    const hostPort = await publishedPort(docker, sandbox);
    let successes = 0;
    let failures = 0;
    while (successes < probe.successThreshold) {
      const ok = await probeOnce(docker, sandbox, hostPort);
      if (ok) successes++;
      else {
        successes = 0;
        failures++;
        if (failures >= probe.failureThreshold || Date.now() > deadline) {
          throw new SbxError('WAIT_TIMEOUT', `sandbox ${sandbox.id}: readiness probe ${probe.protocol}://127.0.0.1:${probe.port}${probe.path ?? ''} failed ${failures} time(s)`);
        }
      }
      if (successes < probe.successThreshold) await sleep(probe.periodSeconds * 1000);
    }
  }
  o.reporter.step({ action: 'ready', resource: `sandbox ${sandbox.id}`, status: 'done', elapsedMs: Date.now() - t0 });
}

/** The host port of the probed container port, when published (egress: true). */
async function publishedPort(docker: DockerClient, sandbox: Sandbox): Promise<number | undefined> {
  const probe = sandbox.readinessProbe!;
  if (!sandbox.egress || !sandbox.ports.some((p) => p.containerPort === probe.port && p.protocol === 'tcp')) return undefined;
  const { stdout } = await docker.run(['port', infraName(sandbox.id), `${probe.port}/tcp`], { allowFailure: true });
  const m = /:(\d+)\s*$/m.exec(stdout);
  return m ? Number(m[1]) : undefined;
}

/**
 * From the host when the port is published; otherwise from inside the sandbox's network namespace
 * with the first container's own tools (wget/nc, as busybox and most base images have).
 */
async function probeOnce(docker: DockerClient, sandbox: Sandbox, hostPort: number | undefined): Promise<boolean> {
  const p = sandbox.readinessProbe!;
  const timeoutMs = p.timeoutSeconds * 1000;
  if (hostPort !== undefined) {
    return p.protocol === 'tcp' ? tcpConnect(hostPort, timeoutMs) : httpOk(`http://127.0.0.1:${hostPort}${p.path ?? '/'}`, timeoutMs);
  }
  const target = containerName(sandbox.id, sandbox.containers[0].name);
  const res = await docker.run(['exec', target, ...probeCommand(p)], { allowFailure: true, timeoutMs: timeoutMs + 5000 }).catch(() => undefined);
  return res?.exitCode === 0;
}

/**
 * The probe as an argv run by `docker exec`: no shell, so the path stays one argument of wget.
 * `timeout` bounds it inside the container (busybox's `wget -T` crashes in some static builds, and
 * busybox's nc has no `-z`: with no stdin it connects and exits 0).
 */
export function probeCommand(p: NonNullable<Sandbox['readinessProbe']>): string[] {
  const timeout = String(p.timeoutSeconds);
  return p.protocol === 'tcp'
    ? ['timeout', timeout, 'nc', '-w', timeout, '127.0.0.1', String(p.port)]
    : ['timeout', timeout, 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${p.port}${p.path ?? '/'}`];
}
