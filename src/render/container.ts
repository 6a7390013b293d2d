import type { IContainer, IContainerPort, IEnvVar, IVolume, IVolumeMount } from 'kubernetes-models/v1';
import type { Container } from '../manifest/model.js';
import { rootfsSizeBytes } from '../plan/tmp-budget.js';
import type { SandboxContext } from './context.js';
import { bytesQuantity, cpuQuantity } from './quantity.js';
import { securityContext } from './security.js';
import { containerTmpfs } from './tmpfs.js';

export interface ContainerInput {
  container: Container;
  index: number;
  name: string;
  volumeMounts: IVolumeMount[];
  ports?: IContainerPort[];
}

export interface RenderedContainer {
  container: IContainer;
  volumes: IVolume[];
}

function envVars(env: string[], base: string, ctx: SandboxContext): IEnvVar[] {
  const out: IEnvVar[] = [];
  env.forEach((entry, i) => {
    const eq = entry.indexOf('=');
    if (eq <= 0) ctx.note(`${base}.env[${i}]`, 'not KEY=VALUE; left out');
    else out.push({ name: entry.slice(0, eq), value: entry.slice(eq + 1) });
  });
  return out;
}

/** sbx's snake_case policy names → Kubernetes' imagePullPolicy. */
const PULL_POLICY = { if_not_present: 'IfNotPresent', always: 'Always', never: 'Never' } as const;

export function renderContainer(ctx: SandboxContext, input: ContainerInput): RenderedContainer {
  const c = input.container;
  const base = `spec.containers[${input.index}]`;
  const tmpfs = containerTmpfs(ctx, c, base, input.name);
  const budget = c.resource.ephemeralStorageBytes;
  // /tmp is memory-backed, so ephemeral-storage covers the root-filesystem share of the budget, as on Docker.
  const ephemeral = rootfsSizeBytes(budget);
  const resources = { cpu: cpuQuantity(c.resource.cpuMillis), memory: bytesQuantity(c.resource.memoryBytes), 'ephemeral-storage': bytesQuantity(ephemeral) };
  const env = envVars(c.env, base, ctx);
  const container: IContainer = {
    name: input.name,
    image: c.image,
    imagePullPolicy: PULL_POLICY[c.imagePullPolicy],
    ...(c.args?.length ? { command: c.args } : {}),
    ...(c.workDir ? { workingDir: c.workDir } : {}),
    ...(env.length ? { env } : {}),
    ...(input.ports?.length ? { ports: input.ports } : {}),
    resources: { requests: resources, limits: { ...resources } },
    volumeMounts: [...tmpfs.mounts, ...input.volumeMounts],
    securityContext: securityContext(c, base, ctx.note),
  };
  return { container, volumes: tmpfs.volumes };
}
