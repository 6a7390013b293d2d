import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { L } from '../../src/labels.js';
import { sampleCommandLines } from '../helpers/command-lines.js';
import { STATE_DIR, docker, objectsWithLabel, sandboxLabel, sbxE2E, sid } from '../helpers/e2e.js';
import { containerId, killFuseDaemon, mountKeysOf, sh } from './ossfs-support.js';
import { S3_BUCKET, S3_ROOT, s3Manifest, s3Mounts, startS3Env, type S3Env } from './s3-support.js';

let o: S3Env;
const NAMES = ['s3-a', 's3-b', 's3-sub', 's3-badkey', 's3-dead', ...[1, 2, 3, 4, 5, 6].map((i) => `s3-many-${i}`)];

const apply = async (file: string, env: Record<string, string> = {}) => {
  const res = await sbxE2E(['apply', '-f', file], { env: { ...o.env, ...env } });
  expect(res.stderr).not.toContain(o.secret);
  expect(res.exitCode, res.stderr).toBe(0);
  return res;
};

/** Text of every regular file in the state dir, bucket mounts excluded (they show the bucket itself). */
async function stateDirText(dir = STATE_DIR): Promise<string> {
  let out = '';
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const p = path.join(dir, name);
    if (p === S3_ROOT || p === path.join(STATE_DIR, 'ossfs')) continue;
    const st = await stat(p).catch(() => undefined);
    if (st?.isDirectory()) out += await stateDirText(p);
    else if (st?.isFile()) out += await readFile(p, 'utf8').catch(() => '');
  }
  return out;
}

describe('s3 volumes through the real s3fs', () => {
  beforeAll(async () => {
    o = await startS3Env();
  });
  afterAll(async () => {
    await sbxE2E(['delete', ...NAMES.map(sid)], { env: o?.env });
    await o?.s3.stop();
  });

  it('two sandboxes share one mount, which goes with the last of them; the secret is in none of the places it could leak to', async () => {
    const stop = sampleCommandLines();
    const a = await apply(s3Manifest(o.s3, 's3-a', { shared: { path: '/team' } }, { app: [{ volume: 'shared', at: '/mnt/s3' }] }));
    const b = await apply(s3Manifest(o.s3, 's3-b', { shared: { path: '/team' } }, { app: [{ volume: 'shared', at: '/mnt/s3', read_only: true }] }));
    const commandLines = await stop();

    const [key] = await mountKeysOf('s3-a');
    expect(await mountKeysOf('s3-b')).toEqual([key]);
    expect(s3Mounts()).toEqual([path.join(S3_ROOT, key)]);
    expect((await sh('s3-a', 'app', 'echo from-a > /mnt/s3/note.txt')).exitCode).toBe(0);
    expect((await sh('s3-b', 'app', 'cat /mnt/s3/note.txt')).stdout).toBe('from-a');
    expect(await o.s3.getObject(S3_BUCKET, 'team/note.txt')).toBe('from-a\n');
    expect((await sh('s3-b', 'app', 'echo no > /mnt/s3/ro.txt')).exitCode).not.toBe(0);

    const ids = (await docker(['ps', '-aq', '--filter', `label=${L.mountUser}.${key}`])).split('\n');
    expect(ids).toHaveLength(2);
    const inspect = await docker(['inspect', ...ids]);
    expect(commandLines).toContain('passwd_file=');
    for (const text of [a.stdout, a.stderr, b.stdout, b.stderr, commandLines, inspect, await stateDirText()]) expect(text).not.toContain(o.secret);

    expect((await sbxE2E(['delete', sid('s3-a')], { env: o.env })).exitCode).toBe(0);
    expect(s3Mounts()).toEqual([path.join(S3_ROOT, key)]);
    expect((await sh('s3-b', 'app', 'cat /mnt/s3/note.txt')).stdout).toBe('from-a');
    expect((await sbxE2E(['delete', sid('s3-b')], { env: o.env })).exitCode).toBe(0);
    expect(s3Mounts()).toEqual([]);
  });

  it('each sub_path is its own mount of the extended prefix', async () => {
    await apply(
      s3Manifest(o.s3, 's3-sub', { data: { path: 'runs' } }, { job: [{ volume: 'data', at: '/in', sub_path: 'r1/in' }, { volume: 'data', at: '/out', sub_path: 'r1/out' }] }),
    );
    expect(s3Mounts()).toHaveLength(2);
    expect((await sh('s3-sub', 'job', 'echo result > /out/r.txt && ls /in')).stdout).toBe('');
    expect(await o.s3.getObject(S3_BUCKET, 'runs/r1/out/r.txt')).toBe('result\n');
    expect(await o.s3.getObject(S3_BUCKET, 'runs/r1/in/r.txt')).toBeUndefined();
    expect((await sbxE2E(['delete', sid('s3-sub')], { env: o.env })).exitCode).toBe(0);
    expect(s3Mounts()).toEqual([]);
  });

  it('a wrong access key id fails with S3_MOUNT_FAILED and leaves nothing behind', async () => {
    const file = s3Manifest(o.s3, 's3-badkey', { d: { path: 'bad' } }, { app: [{ volume: 'd', at: '/d' }] });
    const res = await sbxE2E(['-v', 'apply', '-f', file], { env: { ...o.env, AWS_ACCESS_KEY_ID: 'WRONG-KEY' } });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain('error[S3_MOUNT_FAILED]');
    expect(res.stderr).toContain(`s3://${S3_BUCKET}/bad`);
    expect(res.stdout + res.stderr).not.toContain(o.secret);
    expect((await objectsWithLabel(sandboxLabel(sid('s3-badkey')))).containers).toEqual([]);
    expect(s3Mounts()).toEqual([]);
    // Other kinds' tests may be mounting at the same time: only s3's credential directories count.
    expect((await readdir(path.join(STATE_DIR, 'private')).catch(() => [] as string[])).filter((n) => n.startsWith('s3-'))).toEqual([]);
  });

  it('a killed s3fs under a running sandbox: apply, and then gc, bring the bucket back into the same running container', async () => {
    const file = s3Manifest(o.s3, 's3-dead', { d: { path: 'dead' } }, { app: [{ volume: 'd', at: '/d' }] });
    await apply(file);
    const [key] = await mountKeysOf('s3-dead');
    const dir = path.join(S3_ROOT, key);
    const running = await containerId('s3-dead', 'app');
    expect((await sh('s3-dead', 'app', 'echo before > /d/f')).exitCode).toBe(0);

    await killFuseDaemon(dir);
    expect((await sh('s3-dead', 'app', 'cat /d/f')).stderr).toMatch(/not connected/i);
    await apply(file);
    expect(await containerId('s3-dead', 'app')).toBe(running);
    expect((await sh('s3-dead', 'app', 'cat /d/f && echo after-apply > /d/g')).stdout).toBe('before');
    expect(await o.s3.getObject(S3_BUCKET, 'dead/g')).toBe('after-apply\n');

    await killFuseDaemon(dir);
    expect((await sh('s3-dead', 'app', 'cat /d/f')).stderr).toMatch(/not connected/i);
    const gc = await sbxE2E(['gc'], { env: o.env });
    expect(gc.exitCode, gc.stderr).toBe(0);
    expect(gc.stdout + gc.stderr).not.toContain(o.secret);
    expect(await containerId('s3-dead', 'app')).toBe(running);
    expect((await sh('s3-dead', 'app', 'cat /d/g && echo after-gc > /d/h')).stdout).toBe('after-apply');
    expect(await o.s3.getObject(S3_BUCKET, 'dead/h')).toBe('after-gc\n');

    expect((await sbxE2E(['delete', sid('s3-dead')], { env: o.env })).exitCode).toBe(0);
    expect(s3Mounts()).toEqual([]);
  });

  it('6 concurrent applies and then 6 concurrent deletes of one shared mount: no error, 1 mount during, 0 after', async () => {
    const names = [1, 2, 3, 4, 5, 6].map((i) => `s3-many-${i}`);
    const files = names.map((n) => s3Manifest(o.s3, n, { shared: { path: 'many' } }, { app: [{ volume: 'shared', at: '/m' }] }));
    const applied = await Promise.all(files.map((f) => sbxE2E(['apply', '-f', f], { env: o.env, timeoutMs: 120_000 })));
    expect(applied.map((r) => r.exitCode)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(s3Mounts()).toHaveLength(1);
    const keys = new Set((await Promise.all(names.map((n) => mountKeysOf(n)))).flat());
    expect(keys.size).toBe(1);
    const deleted = await Promise.all(names.map((n) => sbxE2E(['delete', sid(n)], { env: o.env, timeoutMs: 120_000 })));
    expect(deleted.map((r) => r.exitCode)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(s3Mounts()).toEqual([]);
  });
});
