import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostVolume, VolumeMount } from '../../../src/manifest/model.js';
import { hostBackend } from '../../../src/volumes/host.js';
import { codeOf, context, FakeDocker, mountOf, stagedMounts, useTempStateDir } from './pvc-host-fixtures.js';

const { root, stateDir } = useTempStateDir('host');
const allowed = path.join(root, 'data/a');
const saved = { allow: process.env.SBX_ALLOWED_HOST_PATHS, config: process.env.SBX_CONFIG };

beforeEach(() => {
  process.env.SBX_ALLOWED_HOST_PATHS = allowed;
});
afterEach(() => {
  process.env.SBX_ALLOWED_HOST_PATHS = saved.allow;
  process.env.SBX_CONFIG = saved.config;
  if (saved.allow === undefined) delete process.env.SBX_ALLOWED_HOST_PATHS;
  if (saved.config === undefined) delete process.env.SBX_CONFIG;
});

fs.mkdirSync(path.join(allowed, 'outputs/run-1'), { recursive: true });
fs.writeFileSync(path.join(allowed, 'outputs/marker'), 'root');
fs.writeFileSync(path.join(allowed, 'outputs/run-1/file'), 'run-1');
fs.mkdirSync(path.join(root, 'data/ab'), { recursive: true });
fs.mkdirSync(path.join(root, 'secret'), { recursive: true });
fs.symlinkSync(path.join(root, 'secret'), path.join(allowed, 'outputs/escape'));
fs.symlinkSync('/etc', path.join(allowed, 'etc'));

const hostVol = (p: string): HostVolume => ({ kind: 'host', name: 'outputs', path: p });
const one = (p: string, vm: Partial<VolumeMount> = {}) => [mountOf(hostVol(p), vm)];
const ctx = () => context(new FakeDocker(), stateDir);

describe('host preflight', () => {
  it('accepts a directory under an allowed prefix, with or without sub_path', async () => {
    await hostBackend.preflight(ctx(), one(`${allowed}/outputs`));
    await hostBackend.preflight(ctx(), one(`${allowed}/outputs`, { subPath: 'run-1' }));
    await hostBackend.preflight(ctx(), one(allowed));
  });

  it('refuses every host path when the allow-list is empty, saying how to allow one', async () => {
    process.env.SBX_ALLOWED_HOST_PATHS = '';
    const err = await codeOf(() => hostBackend.preflight(ctx(), one(`${allowed}/outputs`)));
    expect(err.code).toBe('HOST_PATH_NOT_ALLOWED');
    expect(err.message).toMatch(/no host path is allowed/);
    expect(err.hint).toMatch(/SBX_ALLOWED_HOST_PATHS/);
    expect(err.hint).toMatch(/allowed_host_paths/);
  });

  it('refuses a path that is not in the list', async () => {
    const err = await codeOf(() => hostBackend.preflight(ctx(), one(path.join(root, 'secret'))));
    expect(err.code).toBe('HOST_PATH_NOT_ALLOWED');
    expect(err.exitCode).toBe(1);
  });

  it('matches prefixes by whole components: /data/a does not admit /data/ab', async () => {
    expect((await codeOf(() => hostBackend.preflight(ctx(), one(path.join(root, 'data/ab'))))).code).toBe('HOST_PATH_NOT_ALLOWED');
  });

  it('refuses a symlink inside the allowed prefix that points outside it', async () => {
    const err = await codeOf(() => hostBackend.preflight(ctx(), one(`${allowed}/etc`)));
    expect(err.code).toBe('HOST_PATH_NOT_ALLOWED');
    expect(err.message).toMatch(/resolves to \/etc through a symlink/);
  });

  it('refuses a sub_path that leaves the host directory through a symlink', async () => {
    expect((await codeOf(() => hostBackend.preflight(ctx(), one(`${allowed}/outputs`, { subPath: 'escape' })))).code).toBe('SUBPATH_ESCAPE');
  });

  it('refuses lexical sub_path escapes', async () => {
    for (const subPath of ['../x', '/etc', 'run-1/../../b']) {
      expect((await codeOf(() => hostBackend.preflight(ctx(), one(`${allowed}/outputs`, { subPath })))).code).toBe('SUBPATH_ESCAPE');
    }
  });

  it('reports a missing path or sub_path and never creates it', async () => {
    expect((await codeOf(() => hostBackend.preflight(ctx(), one(`${allowed}/nope`))))).toMatchObject({ code: 'HOST_PATH_NOT_FOUND' });
    expect((await codeOf(() => hostBackend.preflight(ctx(), one(`${allowed}/outputs`, { subPath: 'run-2' }))))).toMatchObject({ code: 'HOST_PATH_NOT_FOUND' });
    expect(fs.existsSync(`${allowed}/nope`)).toBe(false);
    expect(fs.existsSync(`${allowed}/outputs/run-2`)).toBe(false);
  });

  it('says "not allowed" rather than "not found" for a missing path outside the list', async () => {
    expect((await codeOf(() => hostBackend.preflight(ctx(), one(path.join(root, 'elsewhere/x')))))).toMatchObject({ code: 'HOST_PATH_NOT_ALLOWED' });
  });

  it('refuses a file', async () => {
    expect((await codeOf(() => hostBackend.preflight(ctx(), one(`${allowed}/outputs/marker`))))).toMatchObject({ code: 'HOST_PATH_NOT_FOUND' });
  });

  it('reports all problems at once', async () => {
    const mounts = [mountOf(hostVol(`${allowed}/nope`)), mountOf({ ...hostVol(path.join(root, 'secret')), name: 'other' }, {}, 'b')];
    await expect(hostBackend.preflight(ctx(), mounts)).rejects.toMatchObject({ errors: [{ code: 'HOST_PATH_NOT_FOUND' }, { code: 'HOST_PATH_NOT_ALLOWED' }] });
  });

  it('reads the allow-list from $SBX_CONFIG when the variable is unset', async () => {
    delete process.env.SBX_ALLOWED_HOST_PATHS;
    const file = path.join(root, 'config.yaml');
    fs.writeFileSync(file, `allowed_host_paths: [${path.join(root, 'secret')}]\n`);
    process.env.SBX_CONFIG = file;
    await hostBackend.preflight(ctx(), one(path.join(root, 'secret')));
    expect((await codeOf(() => hostBackend.preflight(ctx(), one(`${allowed}/outputs`))))).toMatchObject({ code: 'HOST_PATH_NOT_ALLOWED' });
  });
});

describe('host planned (dry run)', () => {
  it('shows the staging source it would bind, and the host path for people, without touching the disk', () => {
    const [{ m, dc }] = one(`${allowed}/outputs`, { subPath: 'run-1', readOnly: true, mountPath: '/out' });
    const p = hostBackend.planned(ctx(), m, dc);
    expect(p).toMatchObject({
      backend: 'host',
      volume: 'outputs',
      displaySource: `${allowed}/outputs/run-1`,
      mount: { type: 'bind', source: `${stateDir}/staging/demo/sbx-demo..app/0-a1b2c3d4`, target: '/out', readOnly: true },
    });
    expect(p.expectedSource).toBe(p.mount.source);
    expect(fs.existsSync(stateDir)).toBe(false);
  });
});

describe('host prepare / release', () => {
  it('binds the checked directory through a staging mount and releases it', async () => {
    const c = ctx();
    const [{ m, dc }] = one(`${allowed}/outputs`, { subPath: 'run-1' });
    const p = await hostBackend.prepare(c, m, dc);
    expect(p.stagingPath).toBe(p.mount.source);
    expect(p.expectedSource).toBe(p.mount.source);
    expect(p.stagingPath!.startsWith(`${stateDir}/staging/demo/sbx-demo..app/0-`)).toBe(true);
    expect(fs.readdirSync(p.stagingPath!)).toEqual(['file']);
    await hostBackend.release(c, [p]);
    expect(stagedMounts(stateDir)).toEqual([]);
    expect(fs.readdirSync(`${allowed}/outputs/run-1`)).toEqual(['file']);
  });

  it('two mounts of one container get separate staging paths', async () => {
    const c = ctx();
    const a = mountOf(hostVol(`${allowed}/outputs`), {}, 'app', 0);
    const b = mountOf(hostVol(`${allowed}/outputs`), { subPath: 'run-1' }, 'app', 1);
    const pa = await hostBackend.prepare(c, a.m, a.dc);
    const pb = await hostBackend.prepare(c, b.m, b.dc);
    expect(pa.stagingPath).not.toBe(pb.stagingPath);
    await hostBackend.afterRemove(c, [{ backend: 'host', ref: pa.stagingPath! }, { backend: 'host', ref: pb.stagingPath! }]);
    expect(stagedMounts(stateDir)).toEqual([]);
  });

  it('race: a directory checked in preflight and swapped for a symlink before create is refused', async () => {
    const dir = `${allowed}/outputs/race`;
    fs.mkdirSync(dir);
    const c = ctx();
    const mounts = one(`${allowed}/outputs`, { subPath: 'race' });
    await hostBackend.preflight(c, mounts);
    fs.renameSync(dir, `${dir}.moved`);
    fs.symlinkSync('/etc', dir);
    const err = await codeOf(() => hostBackend.prepare(c, mounts[0].m, mounts[0].dc));
    expect(err.code).toBe('SUBPATH_ESCAPE');
    expect(stagedMounts(stateDir)).toEqual([]);
  });

  it('race: the host path itself swapped for a symlink is refused', async () => {
    const dir = `${allowed}/swapped-root`;
    fs.mkdirSync(dir);
    const c = ctx();
    const mounts = one(dir);
    await hostBackend.preflight(c, mounts);
    fs.renameSync(dir, `${dir}.moved`);
    fs.symlinkSync(path.join(root, 'secret'), dir);
    expect((await codeOf(() => hostBackend.prepare(c, mounts[0].m, mounts[0].dc))).code).toBe('HOST_PATH_NOT_ALLOWED');
    expect(stagedMounts(stateDir)).toEqual([]);
  });
});
