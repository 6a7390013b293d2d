import type { AllowEntry } from '../manifest/egress.js';
import { REJECTED_V4 } from './reject-list.js';

/** The nftables table sbx owns inside a sandbox's network namespace. */
export const TABLE = { family: 'inet', name: 'sbx' } as const;
/** The set the DNS helper adds answered addresses to (allow-lists). */
export const LEARNED_SET = 'learned4';

export type EgressPolicy = { kind: 'public' } | { kind: 'allow'; entries: AllowEntry[] };

/** What a ruleset is computed from; everything host-specific is passed in, so this is pure. */
export interface RulesetInput {
  policy: EgressPolicy;
  /** IPv4 addresses of the host (every interface): rejected, whatever their range. */
  hostAddresses: string[];
  /** The sandbox bridge's subnet (CIDR), if known. */
  bridgeSubnet?: string;
  /** Nameservers DNS may reach (port 53). */
  nameservers: string[];
  /** Allow-lists: the DNS helper's upstream traffic is told apart by its UDP source port and user id. */
  dnsHelper?: { queryPort: number; uid: number };
}

const elements = (xs: string[]) => (xs.length ? ` elements = { ${[...new Set(xs)].join(', ')} };` : '');

/**
 * One `nft -f` transaction: the table is declared, deleted and declared again, so a reload replaces
 * the old rules atomically. The output chain is first-match:
 *   loopback (containers of a sandbox, Docker's embedded DNS) → established/related (replies,
 *   published ports) → no IPv6 → DNS to the nameservers → explicit CIDR entries → the reject list →
 *   public: accept | allow-list: addresses the DNS helper learned → reject.
 * Rejects are fast: a TCP reset, an ICMP admin-prohibited otherwise.
 */
export function rulesetText(input: RulesetInput): string {
  const reject = [...REJECTED_V4, ...input.hostAddresses, ...(input.bridgeSubnet ? [input.bridgeSubnet] : [])];
  const { policy } = input;
  const lines = [
    `table ${TABLE.family} ${TABLE.name}`,
    `delete table ${TABLE.family} ${TABLE.name}`,
    `table ${TABLE.family} ${TABLE.name} {`,
    `  set rejected4 { type ipv4_addr; flags interval; auto-merge;${elements(reject)} }`,
    `  set nameservers4 { type ipv4_addr;${elements(input.nameservers)} }`,
  ];
  if (policy.kind === 'allow') lines.push(`  set ${LEARNED_SET} { type ipv4_addr; size 65535; }`);
  lines.push(
    '  chain reject_fast {',
    '    meta l4proto tcp reject with tcp reset',
    '    reject with icmpx admin-prohibited',
    '  }',
    '  chain output {',
    '    type filter hook output priority filter; policy accept;',
    '    oifname "lo" accept',
    '    ct state established,related accept',
    '    meta nfproto ipv6 jump reject_fast',
    ...dnsRules(input),
    ...(policy.kind === 'allow' ? policy.entries.flatMap(cidrRule) : []),
    '    ip daddr @rejected4 jump reject_fast',
    policy.kind === 'public' ? '    accept' : `    ip daddr @${LEARNED_SET} accept`,
    '    jump reject_fast',
    '  }',
    '}',
  );
  return lines.join('\n') + '\n';
}

function dnsRules(input: RulesetInput): string[] {
  if (!input.nameservers.length) return [];
  if (!input.dnsHelper) return ['    ip daddr @nameservers4 meta l4proto { tcp, udp } th dport 53 accept'];
  const { queryPort, uid } = input.dnsHelper;
  return [
    `    ip daddr @nameservers4 udp sport ${queryPort} udp dport 53 accept`,
    `    ip daddr @nameservers4 tcp dport 53 meta skuid ${uid} accept`,
  ];
}

function cidrRule(e: AllowEntry): string[] {
  if (e.kind !== 'cidr') return [];
  return [e.port ? `    ip daddr ${e.cidr} meta l4proto { tcp, udp } th dport ${e.port} accept` : `    ip daddr ${e.cidr} accept`];
}
