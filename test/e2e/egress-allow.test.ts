import { execFile } from 'node:child_process';
import http from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATE_DIR, httpGet, sbxE2E, sid, writeManifest } from '../helpers/e2e.js';
import { createTestNetns, type TestNetns } from '../helpers/netns.js';
import { expectExit, sandboxDoc, sh, shContainer, trackedSandboxes } from '../helpers/sandbox-e2e.js';

const hostCommand = async (argv: string[]) => (await promisify(execFile)(argv[0], argv.slice(1), { timeout: 10_000 })).stdout.trim();

/** The DNS helper's pid (from its state directory) when it runs, else undefined. */
async function helperPid(id: string): Promise<number | undefined> {
  const pidFile = path.join(STATE_DIR, 'network', id, 'dnsmasq.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = (await hostCommand(['cat', pidFile])).trim();
  const comm = await hostCommand(['cat', `/proc/${pid}/comm`]).catch(() => '');
  return comm === 'dnsmasq' ? Number(pid) : undefined;
}

/** Every dnsmasq on the host whose command line names this sandbox's state directory. */
async function dnsmasqsOf(id: string): Promise<number[]> {
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  const read = (f: string) => readFileSync(f, 'utf8');
  return pids.filter((p) => {
    try {
      return read(`/proc/${p}/comm`).trim() === 'dnsmasq' && read(`/proc/${p}/cmdline`).includes(`/network/${id}/dnsmasq.pid`);
    } catch {
      return false;
    }
  }).map(Number);
}

/** `nc` each target once; a reject answers at once. */
const tryConnect = (targets: string[]) => targets.map((t) => `nc -w 2 ${t.replace(':', ' ')} </dev/null >/dev/null 2>/tmp/err; echo "${t} rc=$? $(cat /tmp/err)"`).join('\n');
const refused = (out: string, t: string) => expect(out).toMatch(new RegExp(`^${t.replace(/\./g, '\\.')} rc=1 .*Connection refused`, 'm'));

describe('egress allow-lists', () => {
  const track = trackedSandboxes();
  let pub: TestNetns;
  let priv: TestNetns;
  let hostServer: http.Server | undefined;
  const env = { SBX_DNS_UPSTREAMS: '203.0.113.53' };

  beforeAll(async () => {
    pub = await createTestNetns('a', '203.0.113', [10, 11, 53]);
    priv = await createTestNetns('b', '10.78.0', [10]);
    await Promise.all([pub.serveHttp(8080), priv.serveHttp(8080)]);
    await pub.serveDns('203.0.113.53', { 'allowed.test': '203.0.113.10', 'other.test': '203.0.113.11', 'private.test': '10.78.0.10', 'cidr.test': '10.78.0.10', 'host.test': pub.hostAddress });
    // A service of the host itself, on the host's end of the veth: a public-looking address that is the host's.
    hostServer = http.createServer((_req, res) => res.end('host service\n'));
    await new Promise<void>((resolve) => hostServer!.listen(8089, pub.hostAddress, resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => hostServer?.close(resolve));
    await pub?.remove();
    await priv?.remove();
  });

  it('only allowed names resolve and connect; other IPs, and names resolving to private addresses, are refused', async () => {
    const id = track('allow-dns');
    const file = writeManifest(sandboxDoc('allow-dns', [shContainer('app')], { egress: { allow: ['allowed.test', 'private.test', '203.0.113.11/32:9999'] } }));
    expectExit(await sbxE2E(['apply', '-f', file], { env }), 0);
    // Positive controls from the host: every listener answers.
    for (const a of ['203.0.113.10', '203.0.113.11', '10.78.0.10']) expect(await httpGet(`http://${a}:8080/`)).toMatchObject({ status: 200 });

    const res = expectExit(await sh(id, 'app', 'nslookup allowed.test; nslookup other.test; nslookup private.test; timeout 5 wget -q -O - http://allowed.test:8080/; echo; ' + tryConnect(['203.0.113.11:8080', '10.78.0.10:8080'])), 0);
    expect(res.stdout).toMatch(/Name:\s+allowed\.test\s+Address:\s+203\.0\.113\.10/);
    expect(res.stdout).toMatch(/can't find other\.test: NXDOMAIN/);
    expect(res.stdout).toMatch(/Name:\s+private\.test\s+Address:\s+10\.78\.0\.10/);
    expect(res.stdout).toContain('hello 203.0.113.10');
    refused(res.stdout, '203.0.113.11:8080'); // other.test's address: no allowed name answered it; only port 9999 is listed
    refused(res.stdout, '10.78.0.10:8080'); // private.test resolved, but a private address needs a CIDR entry

    const got = JSON.parse(expectExit(await sbxE2E(['get', id, '-o', 'json']), 0).stdout);
    expect(got.networkPolicy).toBe('allow allowed.test, private.test, 203.0.113.11/32:9999');
  });

  it('a name resolving to one of the host\'s own addresses is refused, though the address looks public', async () => {
    const id = track('allow-host');
    const file = writeManifest(sandboxDoc('allow-host', [shContainer('app')], { egress: { allow: ['host.test'] } }));
    expectExit(await sbxE2E(['apply', '-f', file], { env }), 0);
    expect(await httpGet(`http://${pub.hostAddress}:8089/`)).toEqual({ status: 200, body: 'host service\n' });
    const res = expectExit(await sh(id, 'app', `nslookup host.test; ${tryConnect([`${pub.hostAddress}:8089`])}`), 0);
    expect(res.stdout).toMatch(new RegExp(`Name:\\s+host\\.test\\s+Address:\\s+${pub.hostAddress.replace(/\./g, '\\.')}`));
    refused(res.stdout, `${pub.hostAddress}:8089`);
  });

  it('a CIDR entry names a private address explicitly; a port entry allows only that port', async () => {
    const id = track('allow-cidr');
    const file = writeManifest(sandboxDoc('allow-cidr', [shContainer('app')], { egress: { allow: ['cidr.test', '10.78.0.10/32', '203.0.113.11/32:8080'] } }));
    expectExit(await sbxE2E(['apply', '-f', file], { env }), 0);
    const res = expectExit(await sh(id, 'app', 'timeout 5 wget -q -O - http://cidr.test:8080/; timeout 5 wget -q -O - http://203.0.113.11:8080/; ' + tryConnect(['203.0.113.11:8081', '203.0.113.10:8080'])), 0);
    expect(res.stdout).toContain('hello 10.78.0.10');
    expect(res.stdout).toContain('hello 203.0.113.11');
    refused(res.stdout, '203.0.113.11:8081');
    refused(res.stdout, '203.0.113.10:8080');
  });

  it('the DNS helper is restarted by apply after kill -9, swept by gc after a crash, and delete leaves nothing', async () => {
    const id = track('allow-life');
    const file = writeManifest(sandboxDoc('allow-life', [shContainer('app')], { egress: { allow: ['allowed.test'] } }));
    expectExit(await sbxE2E(['apply', '-f', file], { env }), 0);
    const first = await helperPid(id);
    expect(first).toBeGreaterThan(0);

    process.kill(first!, 'SIGKILL');
    await expect.poll(() => helperPid(id), { timeout: 3_000 }).toBeUndefined();
    expect(expectExit(await sh(id, 'app', 'nslookup allowed.test'), 1).stdout).not.toContain('203.0.113.10');
    const again = expectExit(await sbxE2E(['apply', '-f', file], { env }), 0);
    expect(again.stderr).toContain('enforce network policy (the DNS helper is not running)');
    expect(await helperPid(id)).toBeGreaterThan(0);
    expect(expectExit(await sh(id, 'app', 'timeout 5 wget -q -O - http://allowed.test:8080/'), 0).stdout).toContain('hello 203.0.113.10');

    // A crash: the sandbox's containers vanish behind sbx's back; gc stops the orphaned helper.
    expect(await hostCommand(['docker', 'rm', '-f', `sbx-${id}..app`, `sbx-${id}`])).toBeTruthy();
    const dry = expectExit(await sbxE2E(['gc', '--dry-run']), 0);
    expect(dry.stdout + dry.stderr).toContain(`DNS helper of sandbox ${id}`);
    expect(await helperPid(id)).toBeGreaterThan(0);
    expectExit(await sbxE2E(['gc']), 0);
    expect(await dnsmasqsOf(id)).toEqual([]);
    expect(existsSync(path.join(STATE_DIR, 'network', id))).toBe(false);

    expectExit(await sbxE2E(['apply', '-f', file], { env }), 0);
    expect(await helperPid(id)).toBeGreaterThan(0);
    expectExit(await sbxE2E(['delete', id]), 0);
    expect(await dnsmasqsOf(id)).toEqual([]);
    expect(readdirSync(path.join(STATE_DIR, 'network')).filter((d) => d === id)).toEqual([]);
  });

  it('--dry-run shows the ruleset and the DNS helper command; -v shows the commands run', async () => {
    const file = writeManifest(sandboxDoc('allow-dry', [shContainer('app')], { egress: { allow: ['allowed.test', '198.51.100.7/32:5432'] } }));
    const dry = expectExit(await sbxE2E(['apply', '-f', file, '--dry-run'], { env }), 0);
    expect(dry.stdout).toContain(`nsenter -t <pid of sbx-${sid('allow-dry')}> -n nft -f - <<EOF`);
    expect(dry.stdout).toContain('ip daddr 198.51.100.7/32 meta l4proto { tcp, udp } th dport 5432 accept');
    expect(dry.stdout).toContain('--server=/allowed.test/203.0.113.53');
    expect(dry.stdout).toContain('--cap-drop NET_RAW');
    const id = track('allow-dry');
    const verbose = expectExit(await sbxE2E(['apply', '-v', '-f', file], { env }), 0);
    expect(verbose.stderr).toMatch(/nsenter -t \d+ -n nft -f -/);
    expect(verbose.stderr).toMatch(/nsenter -t \d+ -n dnsmasq /);
    expectExit(await sbxE2E(['delete', id]), 0);
  });
});
