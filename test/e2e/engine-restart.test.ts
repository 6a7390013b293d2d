/**
 * The Docker engine restarting under sandboxes (an upgrade, a crash, a reboot of dockerd): killed
 * with SIGKILL and started again by the set-up script, as an operator would. Its containers come back
 * exited (no live-restore); sbx must say so, converge them back, and leak nothing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { wrappedDocker } from '../helpers/docker-wrapper.js';
import { STATE_DIR, TEST_IMAGE, mountsUnder, objectsWithLabel, sandboxLabel, sbxE2E, sid, writeManifest } from '../helpers/e2e.js';
import { expectExit, expectNothingLeft } from '../helpers/sandbox-e2e.js';
import { BUCKET, startOssfsEnv, type OssfsEnv } from './ossfs-support.js';
import { hostDir, inContainer, testVolume } from './pvc-host-helpers.js';

const run = promisify(execFile);

/** SIGKILL dockerd, then the set-up script starts it again (bounded by its own 60 s wait). */
async function restartEngine(): Promise<void> {
  const pid = Number(readFileSync('/var/run/docker.pid', 'utf8').trim());
  expect(pid).toBeGreaterThan(1);
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
  await run('bash', [path.join(ROOT, 'scripts/setup.sh')], { timeout: 170_000 });
}

/** What sbx holds on the host for sandboxes: FUSE mounts and staging binds under the state dir. */
const hostSide = () => ({ fuse: mountsUnder(path.join(STATE_DIR, 'ossfs')), staging: mountsUnder(path.join(STATE_DIR, 'staging')).filter((m) => m !== path.join(STATE_DIR, 'staging')) });

async function statusOf(id: string): Promise<string | undefined> {
  const { sandboxes } = JSON.parse(expectExit(await sbxE2E(['ls', '-o', 'json']), 0).stdout) as { sandboxes: { id: string; status: string }[] };
  return sandboxes.find((s) => s.id === id)?.status;
}

describe.sequential('the engine restarting', () => {
  let o: OssfsEnv;
  const base = hostDir('restart');
  const claim = `sbx-e2e-restart-${path.basename(STATE_DIR)}`;
  const id = sid('restart-all');
  const midway = sid('restart-midway');
  const env = () => ({ ...o.env, SBX_ALLOWED_HOST_PATHS: base });

  /** tmpfs, pvc, host and ossfs volumes in one sandbox. */
  const manifest = (name: string) =>
    writeManifest({
      apiVersion: 'sandboxd.o/v1',
      kind: 'Sandbox',
      id: name,
      spec: {
        volumes: [
          { name: 'scratch', ephemeral_storage: '8Mi' },
          { name: 'data', pvc: { claim_name: claim } },
          { name: 'out', host: { path: base } },
          { name: 'bucket', ossfs: { bucket: BUCKET, endpoint: o.s3.endpoint, version: '1.0', path: '/restart' } },
        ],
        containers: [
          {
            name: 'app',
            image: TEST_IMAGE,
            args: ['sh', '-c', 'sleep 3600'],
            resource: { cpu: '100m', memory: '64Mi' },
            volume_mounts: [
              { name: 'scratch', mount_path: '/scratch' },
              { name: 'data', mount_path: '/data' },
              { name: 'out', mount_path: '/out', sub_path: 'run' },
              { name: 'bucket', mount_path: '/bucket' },
            ],
          },
        ],
      },
    });

  beforeAll(async () => {
    o = await startOssfsEnv();
    mkdirSync(path.join(base, 'run'), { recursive: true });
    await testVolume(claim);
  });
  afterAll(async () => {
    await sbxE2E(['delete', id, midway], { env: env() });
    await o?.s3.stop();
  });

  it('under running sandboxes: ls says they stopped, apply brings each back with its data (tmpfs contents excepted), delete leaves nothing', async () => {
    const file = manifest('restart-all');
    expectExit(await sbxE2E(['apply', '-f', file], { env: env() }), 0);
    expectExit(await inContainer(id, 'app', 'echo p > /data/p && echo h > /out/h && echo b > /bucket/b && echo t > /scratch/t'), 0);
    const before = await objectsWithLabel(sandboxLabel(id));
    expect(hostSide().fuse).toHaveLength(1);

    await restartEngine();
    expect(await statusOf(id)).toBe('stopped');

    const again = expectExit(await sbxE2E(['apply', '-f', file], { env: env() }), 0);
    expect(again.stdout).toMatch(new RegExp(`sandbox ${id} applied`));
    expect(await statusOf(id)).toBe('running(1)');
    const read = await inContainer(id, 'app', 'cat /data/p /out/h /bucket/b; ls -A /scratch | wc -l');
    expect(read.stdout).toBe('p\nh\nb\n0');
    // Same objects by name; one FUSE mount and one staging bind, as before the restart.
    const after = await objectsWithLabel(sandboxLabel(id));
    expect({ ...after, containers: [...after.containers].sort() }).toEqual({ ...before, containers: [...before.containers].sort() });
    expect(hostSide().fuse).toHaveLength(1);

    expectExit(await sbxE2E(['delete', id], { env: env() }), 0);
    await expectNothingLeft(id);
    expect(hostSide()).toEqual({ fuse: [], staging: [] });
  });

  it('in the middle of an apply: the apply fails, the next one converges, and delete leaves nothing', async () => {
    const file = manifest('restart-midway');
    // Every mutating docker call waits 1 s: the engine dies after the infra container, before the app.
    const slow = wrappedDocker({ delaySeconds: 1 });
    const applying = sbxE2E(['apply', '-f', file], { env: { ...env(), ...slow.env } });
    for (let i = 0; i < 100 && !slow.calls().some((c) => c.mutating && c.argv.includes('--name sbx-')); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));
    await restartEngine();
    const failed = await applying;
    expect(failed.exitCode).not.toBe(0);

    expectExit(await sbxE2E(['apply', '-f', file], { env: env() }), 0);
    expect(await statusOf(midway)).toBe('running(1)');
    expect((await inContainer(midway, 'app', 'ls /bucket >/dev/null && echo ok')).stdout).toBe('ok');
    expectExit(await sbxE2E(['delete', midway], { env: env() }), 0);
    await expectNothingLeft(midway);
    expect(hostSide()).toEqual({ fuse: [], staging: [] });
    // No lock is left held: gc (which skips locked sandboxes) runs to the end.
    expectExit(await sbxE2E(['gc'], { env: env() }), 0);
  });
});
