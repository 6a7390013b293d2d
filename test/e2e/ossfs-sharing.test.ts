import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { L } from '../../src/labels.js';
import { docker, sbxE2E, sid } from '../helpers/e2e.js';
import { BUCKET, mountDirOf, mountKeysOf, ossfsManifest, ossfsMounts, sh, startOssfsEnv, type OssfsEnv } from './ossfs-support.js';

let o: OssfsEnv;
const apply = async (file: string, env: Record<string, string> = {}) => {
  const res = await sbxE2E(['apply', '-f', file], { env: { ...o.env, ...env } });
  expect(res.stderr).not.toContain(o.secret);
  expect(res.stdout).not.toContain(o.secret);
  expect(res.exitCode, res.stderr).toBe(0);
};
const del = async (...names: string[]) => {
  const res = await sbxE2E(['delete', ...names.map(sid)], { env: o.env });
  expect(res.exitCode, res.stderr).toBe(0);
};

describe('ossfs volumes shared through one FUSE mount', () => {
  beforeAll(async () => {
    o = await startOssfsEnv();
  });
  afterAll(async () => {
    await sbxE2E(['delete', ...['oss-a', 'oss-b', 'oss-twice', 'oss-subs', 'oss-move', 'oss-k1', 'oss-k2', 'oss-v2', 'oss-stop-1', 'oss-stop-2'].map(sid)], { env: o?.env });
    await o?.s3.stop();
  });

  it('stop and start keep the shared mount: its users (containers in any state) stay the same, and the restarted sandbox reads the bucket again', async () => {
    const vol = { shared: { path: '/team/stop-start' } };
    await apply(ossfsManifest(o.s3, 'oss-stop-1', vol, { app: [{ volume: 'shared', at: '/mnt/shared' }] }));
    await apply(ossfsManifest(o.s3, 'oss-stop-2', vol, { app: [{ volume: 'shared', at: '/mnt/shared' }] }));
    const [key] = await mountKeysOf('oss-stop-1');
    const users = async () => (await docker(['ps', '-a', '-q', '--filter', `label=${L.mountUser}.${key}`])).split('\n').filter(Boolean).length;
    expect(await users()).toBe(2);
    expect(ossfsMounts()).toContain(mountDirOf(key));

    expect((await sbxE2E(['stop', sid('oss-stop-1')], { env: o.env })).exitCode).toBe(0);
    expect(await users()).toBe(2);
    expect(ossfsMounts()).toContain(mountDirOf(key));
    expect((await sh('oss-stop-2', 'app', 'echo while-stopped > /mnt/shared/s.txt')).exitCode).toBe(0);

    const started = await sbxE2E(['start', sid('oss-stop-1')], { env: o.env });
    expect(started.exitCode, started.stderr).toBe(0);
    expect(started.stderr).not.toContain(o.secret);
    expect(await users()).toBe(2);
    expect(ossfsMounts().filter((m) => m === mountDirOf(key))).toHaveLength(1);
    expect((await sh('oss-stop-1', 'app', 'cat /mnt/shared/s.txt')).stdout.trim()).toBe('while-stopped');
    await del('oss-stop-1', 'oss-stop-2');
    expect(ossfsMounts()).not.toContain(mountDirOf(key));
  });

  it('two sandboxes on one bucket prefix share one mount until the last one is deleted', async () => {
    const vol = { shared: { path: '/team/shared' } };
    await apply(ossfsManifest(o.s3, 'oss-a', vol, { app: [{ volume: 'shared', at: '/mnt/shared' }] }));
    await apply(ossfsManifest(o.s3, 'oss-b', vol, { app: [{ volume: 'shared', at: '/mnt/shared', read_only: true }] }));

    const [key] = await mountKeysOf('oss-a');
    expect(await mountKeysOf('oss-b')).toEqual([key]);
    expect(ossfsMounts()).toEqual([mountDirOf(key)]);

    expect((await sh('oss-a', 'app', 'echo written-in-a > /mnt/shared/note.txt')).exitCode).toBe(0);
    expect((await sh('oss-b', 'app', 'cat /mnt/shared/note.txt')).stdout.trim()).toBe('written-in-a');
    expect(await o.s3.getObject(BUCKET, 'team/shared/note.txt')).toBe('written-in-a\n');
    const readOnly = await sh('oss-b', 'app', 'echo x > /mnt/shared/other.txt');
    expect(readOnly.exitCode).not.toBe(0);

    await del('oss-a');
    expect(ossfsMounts()).toEqual([mountDirOf(key)]);
    expect((await sh('oss-b', 'app', 'cat /mnt/shared/note.txt')).stdout.trim()).toBe('written-in-a');

    await del('oss-b');
    expect(ossfsMounts()).toEqual([]);
    expect(existsSync(mountDirOf(key))).toBe(false);
  });

  it('one sandbox using the same prefix through two volumes and two containers mounts it once', async () => {
    const file = ossfsManifest(
      o.s3,
      'oss-twice',
      { first: { path: 'team/twice' }, second: { path: '/team/twice/' } },
      { one: [{ volume: 'first', at: '/a' }, { volume: 'second', at: '/b' }], two: [{ volume: 'second', at: '/c' }] },
    );
    await apply(file);
    const keys = await mountKeysOf('oss-twice');
    expect(keys).toHaveLength(1);
    expect(ossfsMounts()).toEqual([mountDirOf(keys[0])]);
    expect((await sh('oss-twice', 'one', 'echo 1 > /a/f && cat /b/f')).stdout.trim()).toBe('1');
    expect((await sh('oss-twice', 'two', 'cat /c/f')).stdout.trim()).toBe('1');

    await del('oss-twice');
    expect(ossfsMounts()).toEqual([]);
  });

  it('each sub_path extends the prefix and is its own mount', async () => {
    const file = ossfsManifest(
      o.s3,
      'oss-subs',
      { data: { path: 'runs' } },
      { job: [{ volume: 'data', at: '/in', sub_path: 'r1/input' }, { volume: 'data', at: '/out', sub_path: 'r1/output' }, { volume: 'data', at: '/all' }] },
    );
    await apply(file);
    const keys = await mountKeysOf('oss-subs');
    expect(keys).toHaveLength(3);
    expect(ossfsMounts().sort()).toEqual(keys.map(mountDirOf).sort());

    expect((await sh('oss-subs', 'job', 'echo result > /out/r.txt && echo seed > /in/s.txt')).exitCode).toBe(0);
    expect(await o.s3.getObject(BUCKET, 'runs/r1/output/r.txt')).toBe('result\n');
    expect(await o.s3.getObject(BUCKET, 'runs/r1/input/s.txt')).toBe('seed\n');
    expect((await sh('oss-subs', 'job', 'cat /all/r1/output/r.txt')).stdout.trim()).toBe('result');

    await del('oss-subs');
    expect(ossfsMounts()).toEqual([]);
    for (const k of keys) expect(existsSync(mountDirOf(k))).toBe(false);
  });

  it('re-applying with another sub_path moves the container to a new mount and unmounts the old one', async () => {
    const manifest = (sub: string) => ossfsManifest(o.s3, 'oss-move', { d: { path: 'move' } }, { app: [{ volume: 'd', at: '/d', sub_path: sub }] });
    await apply(manifest('one'));
    const [before] = await mountKeysOf('oss-move');
    await apply(manifest('two'));
    const [after] = await mountKeysOf('oss-move');
    expect(after).not.toBe(before);
    expect(ossfsMounts()).toEqual([mountDirOf(after)]);
    expect(existsSync(mountDirOf(before))).toBe(false);
    expect((await sh('oss-move', 'app', 'echo moved > /d/f')).exitCode).toBe(0);
    expect(await o.s3.getObject(BUCKET, 'move/two/f')).toBe('moved\n');
    await del('oss-move');
    expect(ossfsMounts()).toEqual([]);
  });

  it('the same bucket with another access key id gets a separate mount', async () => {
    o.s3.addAccessKeyId('SECOND-KEY');
    const vol = (id?: string) => ({ d: { path: 'keyed', ...(id ? { access_key_id: id, access_key_secret: o.secret } : {}) } });
    await apply(ossfsManifest(o.s3, 'oss-k1', vol(), { app: [{ volume: 'd', at: '/d' }] }));
    await apply(ossfsManifest(o.s3, 'oss-k2', vol('SECOND-KEY'), { app: [{ volume: 'd', at: '/d' }] }));
    const [k1] = await mountKeysOf('oss-k1');
    const [k2] = await mountKeysOf('oss-k2');
    expect(k1).not.toBe(k2);
    expect(ossfsMounts().sort()).toEqual([mountDirOf(k1), mountDirOf(k2)].sort());

    await del('oss-k1', 'oss-k2');
    expect(ossfsMounts()).toEqual([]);
  });

  it('ossfs 2.0 volumes mount through ossfs2 with a config file', async () => {
    await apply(ossfsManifest(o.s3, 'oss-v2', { d: { path: 'v2', version: '2.0' } }, { app: [{ volume: 'd', at: '/d', sub_path: 'x' }] }));
    expect((await sh('oss-v2', 'app', 'echo two > /d/f')).exitCode).toBe(0);
    expect(await o.s3.getObject(BUCKET, 'v2/x/f')).toBe('two\n');
    const got = await sbxE2E(['get', sid('oss-v2')], { env: o.env });
    expect(got.stdout).toContain(`oss://${BUCKET}/v2/x`);
    expect(got.stdout).not.toContain(o.secret);
    await del('oss-v2');
    expect(ossfsMounts()).toEqual([]);
  });

  it('6 concurrent applies and 6 concurrent deletes share one mount without errors', async () => {
    const names = [1, 2, 3, 4, 5, 6].map((i) => `oss-many-${i}`);
    const files = names.map((n) => ossfsManifest(o.s3, n, { d: { path: 'many' } }, { app: [{ volume: 'd', at: '/d' }] }));
    let most = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        most = Math.max(most, ossfsMounts().length);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      const applied = await Promise.all(files.map((f) => sbxE2E(['apply', '-f', f], { env: o.env })));
      for (const r of applied) expect(r.exitCode, r.stderr).toBe(0);
      const keys = new Set((await Promise.all(names.map(mountKeysOf))).flat());
      expect(keys.size).toBe(1);
      expect(ossfsMounts()).toEqual([mountDirOf([...keys][0])]);

      const deleted = await Promise.all(names.map((n) => sbxE2E(['delete', sid(n)], { env: o.env })));
      for (const r of deleted) expect(r.exitCode, r.stderr).toBe(0);
    } finally {
      sampling = false;
      await sampler;
      await sbxE2E(['delete', ...names.map(sid)], { env: o.env });
    }
    expect(most).toBe(1);
    expect(ossfsMounts()).toEqual([]);
  }, 300_000);
});
