import type { AllowEntry } from '../manifest/egress.js';
import { LEARNED_SET, TABLE } from './ruleset.js';

/** Where the DNS helper listens inside the sandbox's namespace; the infra container gets `--dns` to it. */
export const DNS_HELPER_ADDRESS = '127.0.0.1';
/** UDP source port of the helper's upstream queries: the only UDP DNS the filter lets out. */
export const DNS_HELPER_QUERY_PORT = 10053;

export interface DnsmasqInput {
  entries: AllowEntry[];
  upstreams: string[];
  pidFile: string;
  logFile: string;
  /** User dnsmasq drops to (its TCP upstream queries are matched by this user's id). */
  user: string;
}

/**
 * dnsmasq (Debian's dnsmasq-base) as an allow-listing forwarder: allowed names go to the upstreams,
 * everything else is NXDOMAIN (`--address=/#/`), and every address it answers for an allowed name
 * is added to the filter's set (`--nftset`). No cache: each lookup reaches the upstream and adds its
 * addresses again, and a CNAME target cached for an allowed name is never served on its own.
 * Entries are matched on whole labels: `pypi.org` is that name only (its subdomains are NXDOMAIN),
 * `*.pythonhosted.org` its subdomains only.
 */
export function dnsmasqArgs(input: DnsmasqInput): string[] {
  const args = [
    '--conf-file=/dev/null',
    '--no-resolv',
    '--no-hosts',
    '--no-poll',
    `--listen-address=${DNS_HELPER_ADDRESS}`,
    '--bind-interfaces',
    '--port=53',
    `--query-port=${DNS_HELPER_QUERY_PORT}`,
    '--cache-size=0',
    `--user=${input.user}`,
    `--pid-file=${input.pidFile}`,
    `--log-facility=${input.logFile}`,
  ];
  const domains = input.entries.flatMap((e) => (e.kind === 'domain' ? [e] : []));
  const patterns = [...new Set(domains.map((d) => (d.wildcard ? `*.${d.name}` : d.name)))];
  for (const p of patterns) for (const up of input.upstreams) args.push(`--server=/${p}/${up}`);
  // dnsmasq's /name/ also matches subdomains; an exact entry's subdomains are answered NXDOMAIN unless a wildcard allows them.
  for (const d of domains) if (!d.wildcard && !patterns.includes(`*.${d.name}`)) args.push(`--address=/*.${d.name}/`);
  args.push('--address=/#/');
  if (patterns.length) args.push(`--nftset=/${patterns.join('/')}/4#${TABLE.family}#${TABLE.name}#${LEARNED_SET}`);
  return args;
}
