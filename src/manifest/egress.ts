/**
 * One entry of `egress.allow`, parsed: a domain (`pypi.org`: that name only), a wildcard
 * (`*.pythonhosted.org`: its subdomains, not the name itself), or an IPv4 address or CIDR with an
 * optional port (`198.51.100.7/32:5432`). IPv6 entries are refused: sandboxes have no IPv6.
 */
export type AllowEntry =
  | { kind: 'domain'; name: string; wildcard: boolean }
  | { kind: 'cidr'; cidr: string; port?: number };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const CIDR_PORT = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?(?::(\d{1,5}))?$/;

/** The parsed entry, or why it is not one. */
export function parseAllowEntry(raw: string): { ok: true; entry: AllowEntry } | { ok: false; problem: string } {
  const text = raw.trim().toLowerCase();
  if (text.includes('[') || /^[0-9a-f]*:[0-9a-f]*:/.test(text)) {
    return { ok: false, problem: 'IPv6 destinations cannot be allowed: sandboxes have no IPv6 (every IPv6 packet is rejected)' };
  }
  const ip = CIDR_PORT.exec(text);
  if (ip) return parseCidr(ip[1], ip[2], ip[3]);
  if (/^\d+(\.\d+)*(\/\d+)?(:\d+)?$/.test(text)) return { ok: false, problem: 'not an IPv4 address or CIDR (a.b.c.d or a.b.c.d/len, optionally :port)' };
  if (text.includes(':')) return { ok: false, problem: 'a port can only follow an address or CIDR (a domain entry allows every port)' };
  const wildcard = text.startsWith('*.');
  const name = wildcard ? text.slice(2) : text.replace(/\.$/, '');
  if (name.length > 253 || !name.split('.').every((l) => LABEL.test(l))) {
    return { ok: false, problem: 'not a domain name (labels of letters, digits and "-"), a "*." wildcard, or an IPv4 address/CIDR' };
  }
  return { ok: true, entry: { kind: 'domain', name, wildcard } };
}

function parseCidr(addr: string, len: string | undefined, port: string | undefined): ReturnType<typeof parseAllowEntry> {
  const octets = addr.split('.').map(Number);
  if (octets.some((o) => o > 255)) return { ok: false, problem: `${addr} is not an IPv4 address` };
  const prefix = len === undefined ? 32 : Number(len);
  if (prefix > 32) return { ok: false, problem: `/${len} is not an IPv4 prefix length (0-32)` };
  const value = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (value % size !== 0) {
    const base = value - (value % size);
    return { ok: false, problem: `${addr}/${prefix} has host bits set; did you mean ${toDotted(base)}/${prefix}?` };
  }
  const out: AllowEntry = { kind: 'cidr', cidr: `${addr}/${prefix}` };
  if (port !== undefined) {
    const p = Number(port);
    if (p < 1 || p > 65535) return { ok: false, problem: `port ${port} is not between 1 and 65535` };
    out.port = p;
  }
  return { ok: true, entry: out };
}

export function toDotted(value: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(value / 2 ** s) % 256).join('.');
}

/** How an entry is written back (normalised: lowercase, explicit prefix length). */
export function allowEntryText(e: AllowEntry): string {
  if (e.kind === 'domain') return e.wildcard ? `*.${e.name}` : e.name;
  return e.port ? `${e.cidr}:${e.port}` : e.cidr;
}
