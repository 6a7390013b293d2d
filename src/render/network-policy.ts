import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { SandboxContext } from './context.js';

/**
 * egress: false leaves a sandbox with loopback only: no traffic out and none in. A policy of both
 * types with no rules denies both; the containers still talk over 127.0.0.1 inside the Pod.
 */
export function isolationPolicy(ctx: SandboxContext): INetworkPolicy {
  ctx.note(
    'spec.egress',
    'false: a NetworkPolicy denies all traffic into and out of the Pod, DNS included; containers still reach each other on 127.0.0.1. It takes effect only with a network plugin that enforces NetworkPolicy',
  );
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: ctx.objectNames.take(`${ctx.podName}-no-network`), labels: ctx.labels },
    spec: { podSelector: { matchLabels: ctx.selector }, policyTypes: ['Ingress', 'Egress'] },
  };
}
