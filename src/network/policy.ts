import { allowEntryText } from '../manifest/egress.js';
import type { Sandbox } from '../manifest/model.js';
import { DNS_HELPER_ADDRESS } from './dnsmasq-args.js';
import type { EgressPolicy } from './ruleset.js';

export type { EgressPolicy } from './ruleset.js';

/** The policy sbx enforces for a sandbox; undefined with egress false (loopback only, nothing to filter). */
export function egressPolicy(s: Pick<Sandbox, 'egress' | 'egressAllow'>): EgressPolicy | undefined {
  if (!s.egress) return undefined;
  return s.egressAllow ? { kind: 'allow', entries: s.egressAllow } : { kind: 'public' };
}

/** Allow-lists answer DNS through a per-sandbox helper; egress: true uses Docker's embedded resolver as is. */
export function needsDnsHelper(s: Pick<Sandbox, 'egress' | 'egressAllow'>): boolean {
  return egressPolicy(s)?.kind === 'allow';
}

/** The nameserver the infra container is given (`--dns`): Docker's embedded resolver forwards to it inside the namespace. */
export function infraDns(s: Pick<Sandbox, 'egress' | 'egressAllow'>): string | undefined {
  return needsDnsHelper(s) ? DNS_HELPER_ADDRESS : undefined;
}

/**
 * Capabilities every container of a filtered sandbox runs without: NET_ADMIN could rewrite the
 * namespace's rules, NET_RAW (in Docker's default set) sends raw frames past them.
 */
export function policyCapDrops(s: Pick<Sandbox, 'egress' | 'egressAllow'>): string[] {
  return egressPolicy(s) ? ['NET_ADMIN', 'NET_RAW'] : [];
}

/** What decides the sandbox's network (part of the infra's config hash): false, "public" or the allow-list. */
export function policyIdentity(s: Pick<Sandbox, 'egress' | 'egressAllow'>): unknown {
  const p = egressPolicy(s);
  return !p ? false : p.kind === 'public' ? { policy: 'public' } : { allow: p.entries.map(allowEntryText) };
}

/** One line for `sbx get` and the infra label. */
export function describePolicy(s: Pick<Sandbox, 'egress' | 'egressAllow'>): string {
  const p = egressPolicy(s);
  if (!p) return 'none (loopback only)';
  if (p.kind === 'public') return 'public internet only (host, private, link-local, multicast and other sandboxes rejected)';
  return p.entries.length ? `allow ${p.entries.map(allowEntryText).join(', ')}` : 'allow nothing (an empty allow-list)';
}
