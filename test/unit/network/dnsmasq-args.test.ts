import { describe, expect, it } from 'vitest';
import { dnsmasqArgs } from '../../../src/network/dnsmasq-args.js';

const base = { upstreams: ['192.0.2.53', '192.0.2.54'], pidFile: '/s/network/x/dnsmasq.pid', logFile: '/s/network/x/dnsmasq.log', user: 'nobody' };

describe('dnsmasqArgs', () => {
  it('forwards only allowed names, to every upstream, and answers everything else NXDOMAIN', () => {
    const args = dnsmasqArgs({ ...base, entries: [{ kind: 'domain', name: 'pypi.org', wildcard: false }, { kind: 'domain', name: 'pythonhosted.org', wildcard: true }] });
    expect(args).toEqual(expect.arrayContaining(['--server=/pypi.org/192.0.2.53', '--server=/pypi.org/192.0.2.54', '--server=/*.pythonhosted.org/192.0.2.53', '--address=/#/', '--no-resolv', '--no-hosts', '--cache-size=0']));
    // An exact entry does not allow its subdomains; a wildcard does not add its apex.
    expect(args).toContain('--address=/*.pypi.org/');
    expect(args).not.toContain('--server=/pythonhosted.org/192.0.2.53');
    expect(args.filter((a) => a.startsWith('--nftset='))).toEqual(['--nftset=/pypi.org/*.pythonhosted.org/4#inet#sbx#learned4']);
  });

  it('an exact name listed with its wildcard allows both', () => {
    const args = dnsmasqArgs({ ...base, entries: [{ kind: 'domain', name: 'a.test', wildcard: false }, { kind: 'domain', name: 'a.test', wildcard: true }] });
    expect(args).not.toContain('--address=/*.a.test/');
  });

  it('without domain entries: no forwarding and no set, every name NXDOMAIN', () => {
    const args = dnsmasqArgs({ ...base, entries: [{ kind: 'cidr', cidr: '203.0.113.0/24' }] });
    expect(args.filter((a) => a.startsWith('--server') || a.startsWith('--nftset'))).toEqual([]);
    expect(args).toContain('--address=/#/');
  });

  it('its pid file is named on the command line (how sbx recognises its helper)', () => {
    expect(dnsmasqArgs({ ...base, entries: [] })).toContain('--pid-file=/s/network/x/dnsmasq.pid');
  });
});
