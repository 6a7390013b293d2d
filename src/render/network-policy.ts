import type { INetworkPolicy, INetworkPolicyEgressRule } from 'kubernetes-models/networking.k8s.io/v1';
import { allowEntryText } from '../manifest/egress.js';
import { REJECTED_V4, REJECTED_V6 } from '../network/reject-list.js';
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

/** Port 53 to any destination: cluster DNS sits in a private range (sandboxd allows DNS to any address with egress: true). */
const DNS_RULE: INetworkPolicyEgressRule = { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] };

/**
 * egress: true → egress to 0.0.0.0/0 except sandboxd's reject list (and ::/0 except the IPv6 ones),
 * plus DNS. An allow-list → one ipBlock per CIDR entry (with its port), plus DNS; domain entries
 * cannot be said in a NetworkPolicy, so they are noted and stay unreachable (fail closed).
 * Ingress is not restricted, as on Docker (published ports).
 */
export function egressPolicyObject(ctx: SandboxContext): INetworkPolicy | undefined {
  const { sandbox } = ctx;
  if (!sandbox.egress) return undefined;
  let rules: INetworkPolicyEgressRule[];
  if (!sandbox.egressAllow) {
    ctx.note('spec.egress', 'true: a NetworkPolicy allows egress to 0.0.0.0/0 and ::/0 except private, host-local, link-local, CGNAT, benchmark, multicast and reserved ranges, and DNS (port 53) to any address; the node\'s own public addresses and other Pods with public IPs are not excluded. It takes effect only with a network plugin that enforces NetworkPolicy');
    rules = [
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...REJECTED_V4] } }, { ipBlock: { cidr: '::/0', except: [...REJECTED_V6] } }] },
      DNS_RULE,
    ];
  } else {
    rules = sandbox.egressAllow.flatMap((e): INetworkPolicyEgressRule[] =>
      e.kind === 'cidr' ? [{ to: [{ ipBlock: { cidr: e.cidr } }], ...(e.port ? { ports: [{ protocol: 'TCP', port: e.port }, { protocol: 'UDP', port: e.port }] } : {}) }] : [],
    );
    rules.push(DNS_RULE);
    sandbox.egressAllow.forEach((e, i) => {
      if (e.kind === 'domain') {
        ctx.note(`spec.egress.allow[${i}]`, `${allowEntryText(e)}: a NetworkPolicy cannot allow a domain name, so it is not reachable from the Pod; use a CNI with FQDN policies (e.g. Cilium toFQDNs) or list its CIDRs`);
      }
    });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: ctx.objectNames.take(`${ctx.podName}-egress`), labels: ctx.labels },
    spec: { podSelector: { matchLabels: ctx.selector }, policyTypes: ['Egress'], egress: rules },
  };
}
