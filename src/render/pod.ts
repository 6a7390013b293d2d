import type { IContainer, IPod, IVolume } from 'kubernetes-models/v1';
import { DEFAULT_PIDS_LIMIT } from '../plan/argv.js';
import { renderContainer } from './container.js';
import type { SandboxContext } from './context.js';
import { NameAllocator, toDnsLabel } from './names.js';
import { nodeSelector } from './node-selector.js';
import { containerPorts } from './ports.js';
import { readinessProbe } from './probe.js';
import type { RenderedVolumes } from './volumes.js';

/** What Docker gives every sbx container and a Pod cannot say. */
function podLevelNotes(ctx: SandboxContext): void {
  ctx.note('spec.containers', `sbx limits each container to ${DEFAULT_PIDS_LIMIT} processes; Kubernetes sets process limits per node (kubelet podPidsLimit), not per Pod`);
  ctx.note('spec.containers', 'sbx runs an init process as PID 1 (docker --init) that reaps zombies; on Kubernetes the command itself is PID 1');
  ctx.note('spec.containers', 'writing past ephemeral_storage evicts the Pod instead of failing with ENOSPC as on Docker');
  if (ctx.sandbox.ttlSeconds > 0) {
    ctx.note('spec.ttl_seconds', 'activeDeadlineSeconds stops the Pod that long after it started; Kubernetes keeps the failed Pod until it is deleted');
  }
}

/** All containers of a Pod share its network namespace, as the containers of a sandbox share the infra container's. */
export function renderPod(ctx: SandboxContext, volumes: RenderedVolumes): IPod {
  const { sandbox } = ctx;
  const containerNames = new NameAllocator(toDnsLabel);
  const podVolumes: IVolume[] = [...volumes.podVolumes];
  const containers: IContainer[] = sandbox.containers.map((c, index) => {
    const name = containerNames.take(c.name);
    if (name !== c.name) ctx.note(`spec.containers[${index}].name`, `renamed to "${name}": Kubernetes container names are lowercase DNS-1123 labels`);
    const rendered = renderContainer(ctx, {
      container: c,
      index,
      name,
      volumeMounts: volumes.mounts[index],
      // Ports belong to the shared network namespace; Kubernetes lists them on a container, so the first one.
      ports: index === 0 ? containerPorts(sandbox, ctx.note) : undefined,
    });
    podVolumes.push(...rendered.volumes);
    return rendered.container;
  });
  if (sandbox.readinessProbe && containers[0]) containers[0].readinessProbe = readinessProbe(sandbox.readinessProbe);
  podLevelNotes(ctx);
  const selector = nodeSelector(sandbox, ctx.note);

  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: ctx.podName,
      labels: ctx.labels,
      ...(Object.keys(ctx.annotations).length ? { annotations: ctx.annotations } : {}),
    },
    spec: {
      // sbx never restarts a sandbox's containers.
      restartPolicy: 'Never',
      // A sandbox gets no credentials for the platform it runs on, and no service discovery variables.
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      ...(sandbox.ttlSeconds > 0 ? { activeDeadlineSeconds: sandbox.ttlSeconds } : {}),
      ...(selector ? { nodeSelector: selector } : {}),
      containers,
      volumes: podVolumes,
    },
  };
}
