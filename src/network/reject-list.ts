/**
 * sandboxd's "not the public internet" list (SPEC §2, research/sandboxd.md §2.2), plus 0/8. The
 * filter rejects these before it accepts anything learned through DNS, so the same list is the
 * DNS-rebinding check: a name that resolves into it is refused unless a CIDR entry names it.
 * The host's own addresses and the sandbox's bridge are added per sandbox.
 */
export const REJECTED_V4: readonly string[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
];

/**
 * IPv6 has no address in a sandbox (Docker 20.10 networks are IPv4-only unless created with
 * --ipv6), and the filter rejects every IPv6 packet off loopback. For a Kubernetes render, these are
 * the ranges a NetworkPolicy excludes from ::/0.
 */
export const REJECTED_V6: readonly string[] = ['::1/128', '::ffff:0:0/96', '64:ff9b::/96', 'fc00::/7', 'fe80::/10', 'ff00::/8'];
