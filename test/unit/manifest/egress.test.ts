import { describe, expect, it } from 'vitest';
import { parseAllowEntry } from '../../../src/manifest/egress.js';

describe('egress.allow entries', () => {
  it.each([
    ['pypi.org', { kind: 'domain', name: 'pypi.org', wildcard: false }],
    ['PyPI.org.', { kind: 'domain', name: 'pypi.org', wildcard: false }],
    ['*.pythonhosted.org', { kind: 'domain', name: 'pythonhosted.org', wildcard: true }],
    ['203.0.113.0/24', { kind: 'cidr', cidr: '203.0.113.0/24' }],
    ['203.0.113.7', { kind: 'cidr', cidr: '203.0.113.7/32' }],
    ['198.51.100.7/32:5432', { kind: 'cidr', cidr: '198.51.100.7/32', port: 5432 }],
    ['198.51.100.7:443', { kind: 'cidr', cidr: '198.51.100.7/32', port: 443 }],
  ])('%s', (raw, entry) => {
    expect(parseAllowEntry(raw)).toEqual({ ok: true, entry });
  });

  it.each([
    ['203.0.113.5/24', /host bits set; did you mean 203\.0\.113\.0\/24/],
    ['300.1.1.1', /not an IPv4 address/],
    ['10.0.0.0/33', /prefix length/],
    ['10.0.0.1:0', /port 0/],
    ['pypi.org:443', /a port can only follow an address/],
    ['2001:db8::/32', /IPv6/],
    ['exa mple.com', /not a domain name/],
    ['*', /not a domain name/],
    ['', /not a domain name/],
    ['1.2.3', /not an IPv4 address/],
  ])('%s is refused', (raw, problem) => {
    const r = parseAllowEntry(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(problem);
  });
});
