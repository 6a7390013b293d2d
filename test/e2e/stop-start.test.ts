import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN, sbxE2E, writeManifest } from '../helpers/e2e.js';
import { containersOf, expectExit, sandboxDoc, sh, shContainer, trackedSandboxes } from '../helpers/sandbox-e2e.js';
import { hostDir, stagingMountsOf } from './pvc-host-helpers.js';

const base = hostDir('stop-start');
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('sbx stop / sbx start', () => {
  const id = trackedSandboxes();

  it('keeps pvc data and the TTL, re-stages host binds; tmpfs volume contents do not survive a stop', async () => {
    const sb = id('stop-start');
    mkdirSync(path.join(base, 'run-1'), { recursive: true });
    const env = { SBX_ALLOWED_HOST_PATHS: base };
    const doc = sandboxDoc(
      'stop-start',
      [shContainer('main', '', { volume_mounts: [{ name: 'scratch', mount_path: '/scratch' }, { name: 'data', mount_path: '/data' }, { name: 'runs', mount_path: '/out', sub_path: 'run-1' }] })],
      {
        ttl_seconds: 3600,
        volumes: [
          { name: 'scratch', ephemeral_storage: '8Mi' },
          { name: 'data', pvc: { claim_name: `sbx-e2e-stop-start-${RUN}`, create: true } },
          { name: 'runs', host: { path: base } },
        ],
      },
    );
    expectExit(await sbxE2E(['apply', '-f', writeManifest(doc)], { env }), 0);
    expectExit(await sh(sb, 'main', 'echo kept > /data/p && echo gone > /scratch/t && echo host > /out/h'), 0);
    const expiresBefore = (await lsEntry(sb)).expiresAt;
    const stagedBefore = stagingMountsOf(sb);
    expect(stagedBefore).toHaveLength(1);

    expect(expectExit(await sbxE2E(['stop', sb]), 0).stdout).toBe(`sandbox ${sb} stopped`);
    expect(Object.values(await containersOf(sb)).map((c) => c.state)).toEqual(['exited', 'exited']);
    expect(await lsEntry(sb)).toMatchObject({ status: 'stopped', expiresAt: expiresBefore });
    expect(expectExit(await sbxE2E(['ls']), 0).stdout).toMatch(new RegExp(`${sb} +stopped `));

    expect(expectExit(await sbxE2E(['start', sb], { env }), 0).stdout).toBe(`sandbox ${sb} started`);
    expect(await lsEntry(sb)).toMatchObject({ status: 'running(1)', expiresAt: expiresBefore });
    expect((await sh(sb, 'main', 'cat /data/p; cat /out/h; ls -A /scratch | wc -l')).stdout).toBe('kept\nhost\n0');
    // The container is created again on a fresh staging bind; the old one is released.
    const stagedAfter = stagingMountsOf(sb);
    expect(stagedAfter).toHaveLength(1);
    expect(stagedAfter).not.toEqual(stagedBefore);
    expectExit(await sh(sb, 'main', 'echo after > /out/after'), 0);
    expect(readFileSync(path.join(base, 'run-1/after'), 'utf8')).toBe('after\n');
  });

  it('a sandbox that does not exist: NOT_FOUND', async () => {
    expect(expectExit(await sbxE2E(['stop', `no-such-${RUN}`]), 1).stderr).toContain(`error[NOT_FOUND]: sandbox no-such-${RUN} not found`);
    expect(expectExit(await sbxE2E(['start', `no-such-${RUN}`]), 1).stderr).toContain(`error[NOT_FOUND]: sandbox no-such-${RUN} not found`);
  });
});

async function lsEntry(id: string): Promise<{ status: string; expiresAt: string }> {
  const { sandboxes } = JSON.parse(expectExit(await sbxE2E(['ls', '-o', 'json']), 0).stdout) as { sandboxes: { id: string; status: string; expiresAt: string }[] };
  return sandboxes.find((s) => s.id === id)!;
}
