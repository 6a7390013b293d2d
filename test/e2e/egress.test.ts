import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { docker, dockerJson, httpGet, sbxE2E, sid, writeManifest } from '../helpers/e2e.js';
import { createTestNetns, type TestNetns } from '../helpers/netns.js';
import { applyOk, expectExit, expectNothingLeft, sandboxDoc, sh, shContainer, trackedSandboxes } from '../helpers/sandbox-e2e.js';
import { startEngineProxy } from '../helpers/tcp-proxy.js';

/** Each target is tried once with a 2 s timeout; a REJECT answers at once with "Connection refused", a DROP would time out. */
function tryConnect(targets: string[]): string {
  return targets.map((t) => `nc -w 2 ${t.replace(':', ' ')} </dev/null >/dev/null 2>/tmp/err; echo "${t} rc=$? $(cat /tmp/err)"`).join('\n');
}

const hostCommand = async (argv: string[]) => (await promisify(execFile)(argv[0], argv.slice(1), { timeout: 10_000 })).stdout.trim();
const infraAddress = async (id: string) => (await docker(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', `sbx-${id}`])).trim();
const gatewayOf = async (network: string) => (await docker(['network', 'inspect', '--format', '{{range .IPAM.Config}}{{.Gateway}}{{end}}', network])).trim();

describe('egress: true is the public internet only', () => {
  const track = trackedSandboxes();
  let publicNs: TestNetns;
  let privateNs: TestNetns;
  let hostServer: http.Server;
  let hostPort: number;
  const hostAddress = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal && !a.address.startsWith('172.'))!.address;

  beforeAll(async () => {
    publicNs = await createTestNetns('p', '203.0.113', [10]);
    privateNs = await createTestNetns('q', '10.77.0', [10]);
    await Promise.all([publicNs.serveHttp(8080), privateNs.serveHttp(8080)]);
    hostServer = http.createServer((_q, r) => r.end('host\n'));
    await new Promise<void>((r) => hostServer.listen(0, '0.0.0.0', r));
    hostPort = (hostServer.address() as AddressInfo).port;
  });
  afterAll(async () => {
    hostServer?.close();
    await publicNs?.remove();
    await privateNs?.remove();
  });

  it('rejects the host, private networks and other sandboxes fast, reaches a public address, keeps ports and --wait', async () => {
    const a = track('egress-a');
    const b = track('egress-b');
    const web = shContainer('web', 'httpd -p 8080 -h /etc');
    const file = writeManifest([
      sandboxDoc('egress-a', [web], { egress: true, ports: [{ container_port: 8080 }], readiness_probe: { protocol: 'tcp', port: 8080 } }),
      sandboxDoc('egress-b', [web], { egress: true }),
    ]);
    expectExit(await sbxE2E(['apply', '-f', file, '--wait', '--timeout', '60s']), 0);

    // Positive controls from the host: every listener answers there.
    const bAddress = await infraAddress(b);
    for (let i = 0; i < 40 && 'error' in (await httpGet(`http://${bAddress}:8080/passwd`, 1000)); i++) await new Promise((r) => setTimeout(r, 250));
    for (const url of [`http://${hostAddress}:${hostPort}/`, `http://10.77.0.10:8080/`, `http://${bAddress}:8080/passwd`]) {
      expect(await httpGet(url), url).toMatchObject({ status: 200 });
    }
    const targets = [`${await gatewayOf(`sbx-${a}`)}:${hostPort}`, `${hostAddress}:${hostPort}`, `${await gatewayOf('bridge')}:${hostPort}`, '10.77.0.10:8080', `${bAddress}:8080`];
    const t0 = Date.now();
    const res = expectExit(await sh(a, 'web', tryConnect(targets)), 0);
    expect(Date.now() - t0).toBeLessThan(5_000);
    for (const t of targets) expect(res.stdout).toMatch(new RegExp(`^${t.replace(/\./g, '\\.')} rc=1 .*Connection refused`, 'm'));

    const reached = expectExit(await sh(a, 'web', 'timeout 5 wget -q -O - http://203.0.113.10:8080/'), 0);
    expect(reached.stdout.trim()).toBe('hello 203.0.113.10');
    // Containers of the sandbox still reach each other on loopback.
    expect(expectExit(await sh(a, 'web', 'timeout 5 wget -q -O - http://127.0.0.1:8080/passwd'), 0).stdout).toContain('root:');

    const got = JSON.parse(expectExit(await sbxE2E(['get', a, '-o', 'json']), 0).stdout);
    expect(got.networkPolicy).toMatch(/^public internet only/);
    const published = got.ports.find((p: { container: string }) => p.container === '8080/tcp').host.split(':').pop();
    expect(await httpGet(`http://127.0.0.1:${published}/passwd`)).toMatchObject({ status: 200 });
    expect(await httpGet(`http://${hostAddress}:${published}/passwd`)).toMatchObject({ status: 200 });
  });

  it('containers run without NET_RAW and NET_ADMIN: raw sockets fail and nothing reaches a forbidden address', async () => {
    const id = track('egress-raw');
    await applyOk(writeManifest(sandboxDoc('egress-raw', [shContainer('app')], { egress: true })));
    const before = await privateNs.packetsIn();
    const res = await sh(id, 'app', 'grep CapEff /proc/self/status; ping -c 1 -W 1 10.77.0.10; arping -c 1 -w 1 10.77.0.10; nc -u -w 1 10.77.0.10 8080 </etc/hostname; traceroute -m 2 -w 1 10.77.0.10; echo end');
    expect(res.stdout).toContain('end');
    const capEff = BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(res.stdout)![1]}`);
    expect(capEff & (1n << 12n)).toBe(0n); // CAP_NET_ADMIN
    expect(capEff & (1n << 13n)).toBe(0n); // CAP_NET_RAW
    expect(res.stderr).toMatch(/permission denied|Operation not permitted/i);
    expect(await privateNs.packetsIn()).toBe(before);
  });

  it('a manifest adding NET_ADMIN or NET_RAW back is refused; with egress false it is accepted', async () => {
    const bad = writeManifest(sandboxDoc('egress-caps', [{ ...shContainer('app'), cap_add: ['NET_RAW'] }, { ...shContainer('app2'), cap_add: ['CAP_NET_ADMIN'] }], { egress: true }));
    const res = expectExit(await sbxE2E(['validate', '-f', bad]), 2);
    expect(res.stderr).toMatch(/spec\.containers\[0\]\.cap_add\[0\].*MANIFEST_INVALID.*NET_RAW/);
    expect(res.stderr).toMatch(/spec\.containers\[1\]\.cap_add\[0\].*MANIFEST_INVALID.*NET_ADMIN/);
    const ok = writeManifest(sandboxDoc('egress-caps-off', [{ ...shContainer('app'), cap_add: ['NET_RAW'] }], { egress: false }));
    expectExit(await sbxE2E(['validate', '-f', ok]), 0);
  });

  it('egress: false is unchanged: loopback only, no rules, no helper', async () => {
    const id = track('egress-off');
    await applyOk(writeManifest(sandboxDoc('egress-off', [shContainer('app')])));
    const res = expectExit(await sh(id, 'app', 'ip -o link | cut -d: -f2; grep CapEff /proc/self/status'), 0);
    expect(res.stdout.split('\n').filter((l) => !l.startsWith('CapEff')).map((s) => s.trim()).filter(Boolean)).toEqual(['lo']);
    const [infra] = await dockerJson([`inspect`, `sbx-${id}`]);
    expect(await hostCommand(['nsenter', '-t', String(infra.State.Pid), '-n', 'nft', 'list', 'tables'])).toBe('');
    expect(JSON.parse(expectExit(await sbxE2E(['get', id, '-o', 'json']), 0).stdout).networkPolicy).toMatch(/^none/);
  });

  it('a remote engine is refused before anything is created', async () => {
    const proxy = await startEngineProxy();
    try {
      const file = writeManifest(sandboxDoc('egress-remote', [shContainer('app')], { egress: true }));
      const res = expectExit(await sbxE2E(['apply', '-f', file], { env: { DOCKER_HOST: proxy.dockerHost } }), 1);
      expect(res.stderr).toContain('error[REMOTE_ENGINE_UNSUPPORTED]');
      await expectNothingLeft(sid('egress-remote'));
    } finally {
      await proxy.close();
    }
  });
});
