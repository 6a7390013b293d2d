import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseQuantity } from '../../src/manifest/quantity.js';
import { ROOT } from '../helpers/cli.js';
import { dockerJson, httpGet, sbxE2E, sid, writeManifest } from '../helpers/e2e.js';
import { applyDoc, applyOk, containersOf, expectExit, expectNothingLeft, sandboxDoc, sh, shContainer } from '../helpers/sandbox-e2e.js';

const MI = 1024 * 1024;

/** SPEC §2: /tmp is 20% of the container's ephemeral_storage (default 128Mi), at least 16Mi when the budget is ≥ 48Mi. */
function tmpBudgetBytes(ephemeralStorage?: string): number {
  const budget = ephemeralStorage ? bytes(ephemeralStorage) : 128 * MI;
  return Math.max(Math.floor(budget * 0.2), budget >= 48 * MI ? 16 * MI : 0);
}

function bytes(q: string): number {
  const r = parseQuantity(q, 'bytes');
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

// Each test uses its own sandbox, so the groups below run side by side.
describe.concurrent('sandbox lifecycle', () => {
  describe.sequential('the shared-volume example (manifests/shared-volume.yaml)', () => {
    const example = parse(readFileSync(path.join(ROOT, 'manifests/shared-volume.yaml'), 'utf8'));
    const id = sid(example.id);
    const tmpfsVolume = example.spec.volumes.find((v: { ephemeral_storage?: string }) => v.ephemeral_storage);
    const [writer, reader] = example.spec.containers;
    const mountIn = (c: { volume_mounts: { name: string; mount_path: string }[] }) =>
      c.volume_mounts.find((m) => m.name === tmpfsVolume.name)!.mount_path;

    beforeAll(async () => {
      await applyOk(writeManifest(example));
    });
    afterAll(async () => {
      await sbxE2E(['delete', id]);
    });

    it('runs both containers', async () => {
      const ls = expectExit(await sbxE2E(['ls']), 0);
      expect(ls.stdout).toMatch(new RegExp(`^${id}\\s+running\\(2\\)`, 'm'));
      const live = await containersOf(id);
      expect(live.infra?.state).toBe('running');
      expect(live[writer.name]?.state).toBe('running');
      expect(live[reader.name]?.state).toBe('running');
    });

    it('the reader sees what the writer writes to the shared volume', async () => {
      const token = `hello-${Date.now()}`;
      expectExit(await sh(id, writer.name, `echo ${token} > ${mountIn(writer)}/e2e.txt`), 0);
      const read = expectExit(await sh(id, reader.name, `cat ${mountIn(reader)}/e2e.txt`), 0);
      expect(read.stdout.trim()).toBe(token);
    });

    it('writing past the volume size fails with "No space left on device"', async () => {
      // tmpfs pages count against the writing container's memory (as emptyDir does on Kubernetes): with
      // the example's 128Mi volume and 128Mi memory limit the writer is OOM-killed before the volume is
      // full. A copy with more memory for the writer shows the volume's own limit.
      const roomy = structuredClone(example);
      roomy.id = 'example-enospc';
      roomy.spec.containers[0].resource.memory = `${2 * bytes(tmpfsVolume.ephemeral_storage) / MI}Mi`;
      const roomyId = sid(roomy.id);
      await applyOk(writeManifest(roomy));
      try {
        const size = bytes(tmpfsVolume.ephemeral_storage);
        const dir = mountIn(writer);
        const fill = await sh(roomyId, writer.name, `dd if=/dev/zero of=${dir}/fill bs=1M count=${size / MI + 8}; rc=$?; ls -l ${dir}/fill; rm -f ${dir}/fill; exit $rc`);
        expect(fill.exitCode).not.toBe(0);
        expect(fill.stderr).toContain('No space left on device');
        const written = Number(/^\S+\s+\S+\s+\S+\s+\S+\s+(\d+)/m.exec(fill.stdout)?.[1]);
        expect(written).toBeLessThanOrEqual(size);
        expect(written).toBeGreaterThan(size - 2 * MI);
      } finally {
        await sbxE2E(['delete', roomyId]);
      }
    });

    it("writing past a container's /tmp budget fails with ENOSPC, a write within it succeeds", async () => {
      const budgetKi = Math.floor(tmpBudgetBytes(writer.resource.ephemeral_storage) / 1024);
      expectExit(await sh(id, writer.name, `dd if=/dev/zero of=/tmp/ok bs=1024 count=${budgetKi - 1024} && rm /tmp/ok`), 0);
      const over = await sh(id, writer.name, `dd if=/dev/zero of=/tmp/fill bs=1024 count=${budgetKi + 1024}; rc=$?; rm -f /tmp/fill; exit $rc`);
      expect(over.exitCode).not.toBe(0);
      expect(over.stderr).toContain('No space left on device');
    });

    it('/tmp is private to each container', async () => {
      expectExit(await sh(id, writer.name, 'echo mine > /tmp/private.txt'), 0);
      const other = await sh(id, reader.name, 'cat /tmp/private.txt');
      expect(other.exitCode).not.toBe(0);
      expect(other.stderr).toContain('No such file');
    });
  });

  /** A TCP listener on every host address that answers "pong"; containers dial the docker0 address. */
  async function hostListener(): Promise<{ address: string; port: number; close: () => void }> {
    const server = net.createServer((s) => s.end('pong\n'));
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    // docker0 has no carrier while no container uses the default bridge, so Node does not list it; ip does.
    const docker0 = /inet (\d+\.\d+\.\d+\.\d+)/.exec(execFileSync('ip', ['-4', '-o', 'addr', 'show', 'docker0']).toString())?.[1];
    if (!docker0) throw new Error('no IPv4 address on docker0');
    return { address: docker0, port: (server.address() as net.AddressInfo).port, close: () => server.close() };
  }

  describe.concurrent('networking', () => {
    let host: Awaited<ReturnType<typeof hostListener>>;
    beforeAll(async () => {
      host = await hostListener();
    });
    afterAll(() => host?.close());

    it('containers of one sandbox reach each other on 127.0.0.1', async () => {
      const id = sid('net-loopback');
      await applyDoc(
        sandboxDoc('net-loopback', [
          shContainer('server', 'mkdir -p /tmp/www && echo served-by-server > /tmp/www/index.html && httpd -p 127.0.0.1:8080 -h /tmp/www'),
          shContainer('client'),
        ]),
      );
      try {
        const got = await sh(id, 'client', 'for i in $(seq 50); do wget -qO- http://127.0.0.1:8080/ && exit 0; sleep 0.2; done; exit 1');
        expectExit(got, 0);
        expect(got.stdout.trim()).toBe('served-by-server');
      } finally {
        await sbxE2E(['delete', id]);
      }
    });

    it('egress: false — a listener on the host is not reachable, only loopback exists', async () => {
      const id = sid('net-no-egress');
      await applyDoc(sandboxDoc('net-no-egress', [shContainer('app')], { egress: false }));
      try {
        const dial = await sh(id, 'app', `nc -w 3 ${host.address} ${host.port} </dev/null`);
        expect(dial.exitCode).not.toBe(0);
        expect(dial.stdout).not.toContain('pong');
        expect(dial.stderr).toMatch(/unreachable/i);
        const links = expectExit(await sh(id, 'app', "ip -o link | cut -d: -f2 | tr -d ' '"), 0);
        expect(links.stdout.trim()).toBe('lo');
      } finally {
        await sbxE2E(['delete', id]);
      }
    });

    it('egress: true — the same listener is refused at once (the public internet only; egress*.test.ts has the rest)', async () => {
      const id = sid('net-egress');
      await applyDoc(sandboxDoc('net-egress', [shContainer('app')], { egress: true }));
      try {
        const dial = await sh(id, 'app', `nc -w 3 ${host.address} ${host.port} </dev/null`);
        expect(dial.exitCode).not.toBe(0);
        expect(dial.stdout).not.toContain('pong');
        expect(dial.stderr).toMatch(/Connection refused/);
        // The network is there: the interface beyond loopback exists.
        expect(expectExit(await sh(id, 'app', "ip -o link | cut -d: -f2 | tr -d ' '"), 0).stdout).toMatch(/^eth0/m);
      } finally {
        await sbxE2E(['delete', id]);
      }
    });
  });

  describe.concurrent('ports and readiness', () => {
    const probe = { protocol: 'http', port: 8080, path: '/', period_seconds: 1, timeout_seconds: 1, failure_threshold: 60 };

    // The server starts 3 s after the container: a probe that passes early (Docker's proxy accepts
    // every connection on a published port) lets --wait return before the port answers.
    it.each(['http', 'tcp'])('apply --wait with a %s probe returns once the server is up, and the published port answers on the host at once', async (protocol) => {
      const id = sid(`ports-ready-${protocol}`);
      const doc = sandboxDoc(`ports-ready-${protocol}`, [shContainer('web', 'mkdir -p /tmp/www && echo ready > /tmp/www/index.html && sleep 3 && httpd -p 8080 -h /tmp/www')], {
        egress: true,
        ports: [{ container_port: 8080, protocol: 'tcp' }],
        readiness_probe: protocol === 'http' ? probe : { ...probe, protocol, path: undefined },
      });
      try {
        const applied = expectExit(await sbxE2E(['apply', '-f', writeManifest(doc), '--wait', '--timeout', '1m'], { timeoutMs: 90_000 }), 0);
        expect(applied.stderr).toMatch(/✓ ready sandbox/);
        const got = JSON.parse(expectExit(await sbxE2E(['get', id, '-o', 'json']), 0).stdout);
        const hostPort = Number(/:(\d+)$/.exec(got.ports[0].host)?.[1]);
        expect(got.ports[0].container).toBe('8080/tcp');
        expect(await httpGet(`http://127.0.0.1:${hostPort}/`)).toEqual({ status: 200, body: 'ready\n' });
      } finally {
        await sbxE2E(['delete', id]);
      }
    });

    it('apply --wait fails with WAIT_TIMEOUT when the probe never passes (loopback-only sandbox, probed inside)', async () => {
      const id = sid('never-ready');
      const doc = sandboxDoc('never-ready', [shContainer('web')], { readiness_probe: { ...probe, failure_threshold: 2 } });
      try {
        const res = await sbxE2E(['apply', '-f', writeManifest(doc), '--wait']);
        expect(res.exitCode).toBe(1);
        expect(res.stderr).toContain('error[WAIT_TIMEOUT]');
      } finally {
        await sbxE2E(['delete', id]);
      }
    });

    // In a shell, this path would run `touch` after wget and make the probe pass (touch exits 0).
    it('a probe probed inside the sandbox passes on a served path, and a path with shell syntax stays one URL', async () => {
      const id = sid('probe-argv');
      const server = 'mkdir -p /tmp/www && echo ok > /tmp/www/ok && httpd -p 8080 -h /tmp/www';
      const ready = sandboxDoc('probe-argv', [shContainer('web', server)], { readiness_probe: { ...probe, path: '/ok', failure_threshold: 10 } });
      const hostile = sandboxDoc('probe-argv', [shContainer('web', server)], {
        readiness_probe: { ...probe, path: '/missing;touch$IFS/tmp/pwned;', failure_threshold: 3 },
      });
      try {
        expectExit(await sbxE2E(['apply', '-f', writeManifest(ready), '--wait', '--timeout', '1m'], { timeoutMs: 90_000 }), 0);
        const tcp = sandboxDoc('probe-argv', [shContainer('web', server)], { readiness_probe: { ...probe, protocol: 'tcp', path: undefined, failure_threshold: 10 } });
        expectExit(await sbxE2E(['apply', '-f', writeManifest(tcp), '--wait', '--timeout', '1m'], { timeoutMs: 90_000 }), 0);
        const res = await sbxE2E(['apply', '-f', writeManifest(hostile), '--wait', '--timeout', '1m'], { timeoutMs: 90_000 });
        expect(res.exitCode).toBe(1);
        expect(res.stderr).toContain('error[WAIT_TIMEOUT]');
        expect(res.stderr).toContain('/missing;touch$IFS/tmp/pwned;');
        expect((await sh(id, 'web', 'test -e /tmp/pwned')).exitCode).toBe(1);
        expect((await sh(id, 'web', 'test -e /tmp/www/ok')).exitCode).toBe(0);
      } finally {
        await sbxE2E(['delete', id]);
      }
    });
  });

  describe.concurrent('resources', () => {
    it('a process allocating beyond the memory limit is killed', async () => {
      const id = sid('res-memory');
      await applyDoc(sandboxDoc('res-memory', [shContainer('app', '', { resource: { cpu: '100m', memory: '32Mi' } })]));
      try {
        // tail keeps the newline-free stream in memory until EOF: 200M does not fit in 32Mi without swap.
        const hog = await sh(id, 'app', 'head -c 200m /dev/zero | tail > /dev/null');
        expect(hog.exitCode).toBe(137);
        expectExit(await sh(id, 'app', 'head -c 8m /dev/zero | tail > /dev/null'), 0);
      } finally {
        await sbxE2E(['delete', id]);
      }
    });

    it('cpu quota, memory without swap, pids limit, init and no-new-privileges are set on the container', async () => {
      const id = sid('res-limits');
      await applyDoc(sandboxDoc('res-limits', [shContainer('app', '', { resource: { cpu: '500m', memory: '48Mi' } })]));
      try {
        const { app } = await containersOf(id);
        const [inspected] = await dockerJson(['inspect', app.id]);
        const hc = inspected.HostConfig;
        expect(hc.CpuQuota / hc.CpuPeriod).toBe(0.5);
        expect(hc.Memory).toBe(48 * MI);
        expect(hc.MemorySwap).toBe(48 * MI);
        expect(hc.PidsLimit).toBe(512);
        expect(hc.Init).toBe(true);
        expect(hc.SecurityOpt).toContain('no-new-privileges:true');
      } finally {
        await sbxE2E(['delete', id]);
      }
    });
  });

  describe.concurrent('logs and exec', () => {
    const id = sid('logs-exec');
    beforeAll(async () => {
      await applyDoc(sandboxDoc('logs-exec', [shContainer('first', 'echo first says hi'), shContainer('second', 'echo second says hi')]));
    });
    afterAll(async () => {
      await sbxE2E(['delete', id]);
    });

    it('sbx logs prefixes each line with its container when there are several', async () => {
      let out = '';
      for (let i = 0; i < 50 && !(out.includes('first says hi') && out.includes('second says hi')); i++) {
        out = expectExit(await sbxE2E(['logs', id]), 0).stdout;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(out).toMatch(/^\[first\s*\] first says hi$/m);
      expect(out).toMatch(/^\[second\s*\] second says hi$/m);
    });

    it('sbx logs ID CONTAINER prints that container only, unprefixed', async () => {
      const out = expectExit(await sbxE2E(['logs', id, 'second']), 0).stdout;
      expect(out.trim()).toBe('second says hi');
    });

    it("sbx exec passes the command's exit code through, first container by default", async () => {
      const res = await sbxE2E(['exec', id, '--', 'sh', '-c', 'tr "\\0" " " </proc/1/cmdline; exit 7']);
      expect(res.exitCode).toBe(7);
      expect(res.stdout).toContain('first says hi');
      expect((await sh(id, 'second', 'exit 3')).exitCode).toBe(3);
    });

    it('sbx exec into a container that does not exist is an error', async () => {
      const res = await sbxE2E(['exec', id, '-c', 'nope', '--', 'true']);
      expect(res.exitCode).toBe(1);
      expect(res.stderr).toContain('NOT_FOUND');
    });
  });

  describe.concurrent('ttl and delete', () => {
    it('ttl_seconds: 2 — after 3 s sbx ls marks it expired and sbx gc removes it', async () => {
      const id = sid('ttl');
      await applyDoc(sandboxDoc('ttl', [shContainer('app')], { ttl_seconds: 2 }));
      await new Promise((r) => setTimeout(r, 3000));
      const ls = expectExit(await sbxE2E(['ls']), 0);
      expect(ls.stdout).toMatch(new RegExp(`^${id}\\s+expired`, 'm'));
      const gc = expectExit(await sbxE2E(['gc']), 0);
      expect(gc.stdout).toContain(`sandbox ${id}`);
      await expectNothingLeft(id);
    });

    it('delete leaves no object with the sandbox label; deleting it again is a warning with exit 0', async () => {
      const id = sid('delete-me');
      await applyDoc(
        sandboxDoc('delete-me', [shContainer('a', '', { volume_mounts: [{ name: 'scratch', mount_path: '/scratch' }] }), shContainer('b')], {
          egress: true,
          volumes: [{ name: 'scratch', ephemeral_storage: '16Mi' }],
        }),
      );
      const del = expectExit(await sbxE2E(['delete', id]), 0);
      expect(del.stdout).toContain(`sandbox ${id} deleted`);
      await expectNothingLeft(id);
      const again = expectExit(await sbxE2E(['delete', id]), 0);
      expect(again.stderr).toMatch(new RegExp(`warning: sandbox ${id} not found`));
    });
  });
});
