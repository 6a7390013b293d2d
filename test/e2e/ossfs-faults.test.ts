import { execa } from 'execa';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SBX } from '../helpers/cli.js';
import { sampleCommandLines } from '../helpers/command-lines.js';
import { STATE_DIR, docker, objectsWithLabel, sandboxLabel, sbxE2E, sid } from '../helpers/e2e.js';
import { BUCKET, containerId, killFuseDaemon, mountDirOf, mountKeysOf, ossfsManifest, ossfsMounts, sh, startOssfsEnv, type OssfsEnv } from './ossfs-support.js';

let o: OssfsEnv;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function privateFiles(): Promise<string[]> {
  return readdir(path.join(STATE_DIR, 'private'), { recursive: true }).catch(() => []);
}

async function expectNothingLeft(name: string): Promise<void> {
  expect((await objectsWithLabel(sandboxLabel(sid(name)))).containers).toEqual([]);
  expect(ossfsMounts()).toEqual([]);
  expect(await privateFiles()).toEqual([]);
}

describe('ossfs failures and recovery', () => {
  beforeAll(async () => {
    o = await startOssfsEnv();
  });
  afterAll(async () => {
    await sbxE2E(['delete', ...['oss-badkey-1', 'oss-badkey-2', 'oss-unreach', 'oss-dead-a', 'oss-dead-b', 'oss-killed', 'oss-link', 'oss-dry'].map(sid)], { env: o?.env });
    await o?.s3.stop();
  });

  for (const version of ['1.0', '2.0'] as const) {
    it(`ossfs ${version}: a wrong access key id fails with OSSFS_MOUNT_FAILED, creates nothing and never shows the secret`, async () => {
      const name = `oss-badkey-${version[0]}`;
      const file = ossfsManifest(o.s3, name, { d: { path: 'bad', version } }, { app: [{ volume: 'd', at: '/d' }] });
      // The doubles record the argv sbx gave them; the sampler sees every other process as well.
      const argvLog = path.join(path.dirname(file), 'mounter-argv.log');
      const stop = sampleCommandLines();
      const res = await sbxE2E(['-v', 'apply', '-f', file], { env: { ...o.env, OSS_ACCESS_KEY_ID: 'WRONG-KEY', SBX_TEST_OSSFS_LOG: argvLog } });
      const commandLines = (await stop()) + (await readFile(argvLog, 'utf8'));

      expect(res.exitCode).toBe(1);
      expect(res.stderr).toContain('error[OSSFS_MOUNT_FAILED]');
      expect(res.stderr).toContain(`oss://${BUCKET}/bad`);
      for (const text of [res.stdout, res.stderr, commandLines]) expect(text).not.toContain(o.secret);
      expect(commandLines).toContain(version === '1.0' ? 'passwd_file=' : ' -c ');
      await expectNothingLeft(name);
      const everything = await docker(['ps', '-aq']);
      if (everything) expect(await docker(['inspect', ...everything.split('\n')])).not.toContain(o.secret);
    });
  }

  it('an unreachable endpoint fails with OSSFS_MOUNT_FAILED in bounded time', async () => {
    const file = ossfsManifest(o.s3, 'oss-unreach', { d: { endpoint: 'http://127.0.0.1:9' } }, { app: [{ volume: 'd', at: '/d' }] });
    const t0 = Date.now();
    const res = await sbxE2E(['apply', '-f', file], { env: o.env });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain('error[OSSFS_MOUNT_FAILED]');
    expect(Date.now() - t0).toBeLessThan(60_000);
    await expectNothingLeft('oss-unreach');
  });

  it('--dry-run with inline credentials shows the planned mount, mounts nothing and hides the secret', async () => {
    const file = ossfsManifest(o.s3, 'oss-dry', { d: { path: 'dry', access_key_id: 'S3RVER', access_key_secret: o.secret } }, { app: [{ volume: 'd', at: '/d' }] });
    const res = await sbxE2E(['apply', '--dry-run', '-f', file], { env: o.env });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout + res.stderr).not.toContain(o.secret);
    expect(res.stdout + res.stderr).toContain(path.join(STATE_DIR, 'ossfs'));
    expect(ossfsMounts()).toEqual([]);
  });

  it('a killed FUSE daemon is remounted by the next apply, and by gc, into the containers already running', async () => {
    const vol = { d: { path: 'dead' } };
    await sbxE2E(['apply', '-f', ossfsManifest(o.s3, 'oss-dead-a', vol, { app: [{ volume: 'd', at: '/d' }] })], { env: o.env });
    const [key] = await mountKeysOf('oss-dead-a');
    const dir = mountDirOf(key);
    const runningA = await containerId('oss-dead-a', 'app');
    await killFuseDaemon(dir);
    expect((await sh('oss-dead-a', 'app', 'ls /d')).stderr).toMatch(/not connected/i);

    const b = await sbxE2E(['apply', '-f', ossfsManifest(o.s3, 'oss-dead-b', vol, { app: [{ volume: 'd', at: '/d' }] })], { env: o.env });
    expect(b.exitCode, b.stderr).toBe(0);
    // The fresh mount sits on the dead one, which the running container's bind hangs on.
    expect(ossfsMounts()).toEqual([dir, dir]);
    expect((await sh('oss-dead-b', 'app', 'echo revived > /d/f && cat /d/f')).stdout.trim()).toBe('revived');
    expect(await o.s3.getObject(BUCKET, 'dead/f')).toBe('revived\n');
    expect(await containerId('oss-dead-a', 'app')).toBe(runningA);
    expect((await sh('oss-dead-a', 'app', 'cat /d/f && echo from-a > /d/a')).stdout.trim()).toBe('revived');
    expect(await o.s3.getObject(BUCKET, 'dead/a')).toBe('from-a\n');

    await killFuseDaemon(dir);
    expect((await sh('oss-dead-b', 'app', 'ls /d')).stderr).toMatch(/not connected/i);
    const gc = await sbxE2E(['gc'], { env: o.env });
    expect(gc.exitCode, gc.stderr).toBe(0);
    expect(gc.stdout + gc.stderr).toMatch(/dead FUSE endpoint .*mounted again for its 2 user\(s\)/);
    expect(ossfsMounts()).toEqual([dir, dir, dir]);
    for (const name of ['oss-dead-a', 'oss-dead-b']) {
      expect((await sh(name, 'app', `cat /d/f && echo gc > /d/${name}`)).stdout.trim()).toBe('revived');
      expect(await o.s3.getObject(BUCKET, `dead/${name}`)).toBe('gc\n');
    }
    expect(await containerId('oss-dead-a', 'app')).toBe(runningA);

    await sbxE2E(['delete', sid('oss-dead-a'), sid('oss-dead-b')], { env: o.env });
    expect(ossfsMounts()).toEqual([]);
    expect((await readdir(path.join(STATE_DIR, 'ossfs')).catch((): string[] => [])).includes(key)).toBe(false);
  });

  it('an apply killed right after mounting leaves an orphan mount that gc unmounts', async () => {
    const file = ossfsManifest(o.s3, 'oss-killed', { d: { path: 'killed' } }, { app: [{ volume: 'd', at: '/d' }] });
    const child = execa(process.execPath, [SBX, 'apply', '-f', file], { reject: false, env: { ...process.env, ...o.env, SBX_STATE_DIR: STATE_DIR } });
    const deadline = Date.now() + 60_000;
    while (!ossfsMounts().length && Date.now() < deadline) await sleep(20);
    child.kill('SIGKILL');
    await child;
    expect(ossfsMounts()).toHaveLength(1);

    // The dead apply's locks turn stale after a few seconds, its incomplete sandbox after gc's grace period.
    const until = Date.now() + 90_000;
    while (ossfsMounts().length && Date.now() < until) {
      await sleep(3_000);
      const gc = await sbxE2E(['gc'], { env: o.env });
      expect(gc.exitCode, gc.stderr).toBe(0);
    }
    expect(ossfsMounts()).toEqual([]);
  }, 150_000);

  it('a symlink object in the bucket used as sub_path shows no host file', async () => {
    await o.s3.putSymlink(BUCKET, 'links/evil', '/etc');
    const file = ossfsManifest(o.s3, 'oss-link', { d: { path: 'links' } }, { app: [{ volume: 'd', at: '/d', sub_path: 'evil' }] });
    const res = await sbxE2E(['apply', '-f', file], { env: o.env });
    if (res.exitCode === 0) {
      const seen = await sh('oss-link', 'app', 'ls -A /d; test -e /d/passwd && echo HOST-PASSWD-VISIBLE; true');
      expect(seen.stdout.trim()).toBe('');
    } else {
      expect(res.stderr).toMatch(/error\[/);
    }
    await sbxE2E(['delete', sid('oss-link')], { env: o.env });
    expect(ossfsMounts()).toEqual([]);
  });
});
