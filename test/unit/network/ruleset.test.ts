import { describe, expect, it } from 'vitest';
import { rulesetText, type RulesetInput } from '../../../src/network/ruleset.js';

const base: Omit<RulesetInput, 'policy'> = {
  hostAddresses: ['192.0.2.2', '172.17.0.1', '127.0.0.1'],
  bridgeSubnet: '172.18.0.0/16',
  nameservers: ['10.255.255.53'],
};

describe('rulesetText', () => {
  it('egress true: loopback and replies first, DNS to the nameservers before the reject list, then everything else', () => {
    const text = rulesetText({ ...base, policy: { kind: 'public' } });
    const chain = text.slice(text.indexOf('chain output'));
    const order = ['oifname "lo" accept', 'ct state established,related accept', 'meta nfproto ipv6 jump reject_fast', 'th dport 53 accept', 'ip daddr @rejected4 jump reject_fast', '    accept\n', 'jump reject_fast\n  }'];
    const at = order.map((s) => chain.indexOf(s));
    expect(at.every((i) => i >= 0), chain).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    for (const range of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '100.64.0.0/10', '198.18.0.0/15', '224.0.0.0/4', '240.0.0.0/4', '192.0.2.2', '172.18.0.0/16']) {
      expect(text).toContain(range);
    }
    expect(text).toContain('reject with tcp reset');
    expect(text).toContain('reject with icmpx admin-prohibited');
    expect(text).not.toContain('learned4');
  });

  it('an allow-list accepts CIDR entries before the reject list and learned addresses only after it', () => {
    const text = rulesetText({
      ...base,
      dnsHelper: { queryPort: 10053, uid: 65534 },
      policy: { kind: 'allow', entries: [{ kind: 'cidr', cidr: '10.1.0.0/16' }, { kind: 'cidr', cidr: '198.51.100.7/32', port: 5432 }, { kind: 'domain', name: 'pypi.org', wildcard: false }] },
    });
    const i = (s: string) => text.indexOf(s);
    expect(i('ip daddr 10.1.0.0/16 accept')).toBeLessThan(i('@rejected4 jump'));
    expect(i('ip daddr 198.51.100.7/32 meta l4proto { tcp, udp } th dport 5432 accept')).toBeLessThan(i('@rejected4 jump'));
    expect(i('ip daddr @learned4 accept')).toBeGreaterThan(i('@rejected4 jump'));
    expect(text).not.toMatch(/^\s+accept$/m);
    // Only the DNS helper's own upstream traffic reaches the nameservers.
    expect(text).toContain('udp sport 10053 udp dport 53 accept');
    expect(text).toContain('tcp dport 53 meta skuid 65534 accept');
    expect(text).not.toContain('meta l4proto { tcp, udp } th dport 53 accept');
  });

  it('reloads atomically: the table is declared, deleted and declared again in one file', () => {
    const text = rulesetText({ ...base, policy: { kind: 'public' } });
    expect(text.split('\n').slice(0, 3)).toEqual(['table inet sbx', 'delete table inet sbx', 'table inet sbx {']);
  });
});
