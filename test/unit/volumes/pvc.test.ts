import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PvcVolume, VolumeMount } from '../../../src/manifest/model.js';
import { pvcBackend, removeCreatedPvcVolumes } from '../../../src/volumes/pvc.js';
import { codeOf, context, FakeDocker, mountOf, stagedMounts, useTempStateDir, type Reply } from './pvc-host-fixtures.js';

const { root, stateDir } = useTempStateDir('pvc');

/** A fake local volume whose Mountpoint is a temp directory with datasets/train and a root marker. */
function volumeDir(name: string): string {
  const mp = path.join(root, 'volumes', name, '_data');
  fs.mkdirSync(path.join(mp, 'datasets/train'), { recursive: true });
  fs.writeFileSync(path.join(mp, 'datasets/train/file'), 'train');
  fs.writeFileSync(path.join(mp, 'marker'), 'root');
  return mp;
}

interface FakeVolume {
  Name: string;
  Driver?: string;
  Mountpoint?: string;
  Labels?: Record<string, string> | null;
  Options?: Record<string, string> | null;
}

/** Docker with a volume table: inspect prints the found ones and a "no such volume" line per missing one. */
function engine(volumes: FakeVolume[], extra: (args: string[]) => Reply | undefined = () => undefined): FakeDocker {
  const table = new Map(volumes.map((v) => [v.Name, { Driver: 'local', Mountpoint: '', Labels: null, Options: null, ...v }]));
  return new FakeDocker((args) => {
    const special = extra(args);
    if (special) return special;
    if (args[0] === 'volume' && args[1] === 'inspect') {
      const names = args.slice(2);
      const found = names.filter((n) => table.has(n)).map((n) => table.get(n));
      const missing = names.filter((n) => !table.has(n));
      return { stdout: JSON.stringify(found), stderr: missing.map((n) => `Error response from daemon: get ${n}: no such volume`).join('\n'), exitCode: missing.length ? 1 : 0 };
    }
    if (args[0] === 'volume' && args[1] === 'create') {
      const name = args[args.length - 1];
      const labels: Record<string, string> = {};
      for (let i = 2; i < args.length - 1; i += 2) {
        const [k, v] = args[i + 1].split('=');
        labels[k] = v;
      }
      if (!table.has(name)) table.set(name, { Name: name, Driver: 'local', Mountpoint: `/var/lib/docker/volumes/${name}/_data`, Labels: labels, Options: null });
      return { stdout: name };
    }
    if (args[0] === 'volume' && args[1] === 'rm') {
      table.delete(args[2]);
      return {};
    }
    return {};
  });
}

const pvc = (claimName: string, create = false, name = 'datasets'): PvcVolume => ({ kind: 'pvc', name, claimName, create });
const one = (claim: string, vm: Partial<VolumeMount> = {}, create = false) => [mountOf(pvc(claim, create), vm)];

describe('pvc preflight', () => {
  it('inspects every claim of the apply in one docker call', async () => {
    const docker = engine([{ Name: 'a' }, { Name: 'b' }]);
    const mounts = [mountOf(pvc('a'), {}, 'x'), mountOf(pvc('b', false, 'other'), {}, 'y'), mountOf(pvc('a'), {}, 'z')];
    await pvcBackend.preflight(context(docker, stateDir), mounts);
    expect(docker.calls).toEqual([['volume', 'inspect', 'a', 'b']]);
  });

  it('a missing volume is PVC_VOLUME_NOT_FOUND (found ones in the same call are fine), reported once per claim', async () => {
    const docker = engine([{ Name: 'a' }]);
    const mounts = [mountOf(pvc('a'), {}, 'x'), mountOf(pvc('gone'), {}, 'y'), mountOf(pvc('gone'), {}, 'z')];
    const err = await codeOf(() => pvcBackend.preflight(context(docker, stateDir), mounts));
    expect(err.code).toBe('PVC_VOLUME_NOT_FOUND');
    expect(err.message).toMatch(/gone does not exist/);
    expect(err.hint).toMatch(/create: true/);
  });

  it('tells a missing volume from one whose name is a substring of a missing one', async () => {
    const docker = engine([{ Name: 'data' }]);
    await expect(pvcBackend.preflight(context(docker, stateDir), [mountOf(pvc('data'), {}, 'x'), mountOf(pvc('data2'), {}, 'y')])).rejects.toMatchObject({
      code: 'PVC_VOLUME_NOT_FOUND',
      message: expect.stringMatching(/data2/),
    });
  });

  it('any other inspect failure is PVC_VOLUME_INSPECT_FAILED', async () => {
    const docker = engine([], (args) => (args[1] === 'inspect' ? { stdout: '[]', stderr: 'Cannot connect to the Docker daemon', exitCode: 1 } : undefined));
    expect((await codeOf(() => pvcBackend.preflight(context(docker, stateDir), one('a')))).code).toBe('PVC_VOLUME_INSPECT_FAILED');
  });

  it('create: true accepts a missing volume, but not with a sub_path (a new volume is empty)', async () => {
    await pvcBackend.preflight(context(engine([]), stateDir), one('fresh', {}, true));
    expect((await codeOf(() => pvcBackend.preflight(context(engine([]), stateDir), one('fresh', { subPath: 'x' }, true)))).code).toBe('PVC_SUBPATH_NOT_FOUND');
  });

  it('engines with volume-subpath (API >= 1.45) check the sub_path themselves: no host access', async () => {
    const docker = engine([{ Name: 'remote', Mountpoint: '/nonexistent/_data', Driver: 'nfs-plugin' }]);
    await pvcBackend.preflight(context(docker, stateDir, { apiVersion: '1.45' }), one('remote', { subPath: 'datasets/train' }));
  });
});

describe('pvc sub_path on engines before API 1.45 (Mountpoint fallback)', () => {
  const mp = volumeDir('team');
  fs.symlinkSync('/', path.join(mp, 'to-root'));
  fs.symlinkSync('/etc', path.join(mp, 'to-etc'));
  fs.symlinkSync('datasets/train', path.join(mp, 'current'));
  const docker = () => engine([{ Name: 'team', Mountpoint: mp }, { Name: 'plugin', Driver: 'rexray', Mountpoint: mp }, { Name: 'nfs', Mountpoint: mp, Options: { type: 'nfs', device: ':/x' } }]);
  const check = async (claim: string, subPath: string) => (await codeOf(() => pvcBackend.preflight(context(docker(), stateDir), one(claim, { subPath })))).code;

  it('accepts an existing sub-directory and an inside symlink', async () => {
    await pvcBackend.preflight(context(docker(), stateDir), one('team', { subPath: 'datasets/train' }));
    await pvcBackend.preflight(context(docker(), stateDir), one('team', { subPath: 'current' }));
  });
  it('refuses a driver other than local, and local volumes mounted on use', async () => {
    expect(await check('plugin', 'datasets/train')).toBe('PVC_SUBPATH_UNSUPPORTED_DRIVER');
    expect(await check('nfs', 'datasets/train')).toBe('PVC_SUBPATH_UNSUPPORTED_DRIVER');
  });
  it('refuses a missing sub_path or a file', async () => {
    expect(await check('team', 'datasets/test')).toBe('PVC_SUBPATH_NOT_FOUND');
    expect(await check('team', 'marker')).toBe('PVC_SUBPATH_NOT_FOUND');
  });
  it.each(['to-root', 'to-etc', 'to-etc/ssl', '../x', '/etc', 'datasets/../../b'])('refuses %s as SUBPATH_ESCAPE', async (sub) => {
    expect(await check('team', sub)).toBe('SUBPATH_ESCAPE');
  });
  it('a Mountpoint that cannot be checked is SUBPATH_UNVERIFIABLE, never skipped', async () => {
    // ENAMETOOLONG stands in for EACCES, which root never gets.
    const d = engine([{ Name: 'x', Mountpoint: `/${'x'.repeat(300)}/_data` }]);
    expect((await codeOf(() => pvcBackend.preflight(context(d, stateDir), one('x', { subPath: 'a' })))).code).toBe('SUBPATH_UNVERIFIABLE');
  });

  it('prepare binds only the sub-directory through a staging mount; release removes it', async () => {
    const c = context(docker(), stateDir);
    const mounts = one('team', { subPath: 'datasets/train', readOnly: true });
    await pvcBackend.preflight(c, mounts);
    const p = await pvcBackend.prepare(c, mounts[0].m, mounts[0].dc);
    expect(p).toMatchObject({ backend: 'pvc', displaySource: 'volume team:datasets/train', mount: { type: 'bind', readOnly: true, target: '/mnt/data' } });
    expect(p.expectedSource).toBe(p.stagingPath);
    expect(fs.readdirSync(p.stagingPath!)).toEqual(['file']);
    await pvcBackend.release(c, [p]);
    expect(stagedMounts(stateDir)).toEqual([]);
  });

  it('race: a sub-directory swapped for a symlink to / after preflight is refused at prepare', async () => {
    const c = context(docker(), stateDir);
    fs.mkdirSync(path.join(mp, 'racy'));
    const mounts = one('team', { subPath: 'racy' });
    await pvcBackend.preflight(c, mounts);
    fs.renameSync(path.join(mp, 'racy'), path.join(mp, 'racy.old'));
    fs.symlinkSync('/', path.join(mp, 'racy'));
    expect((await codeOf(() => pvcBackend.prepare(c, mounts[0].m, mounts[0].dc))).code).toBe('SUBPATH_ESCAPE');
    expect(stagedMounts(stateDir)).toEqual([]);
  });
});

describe('pvc planned and prepare', () => {
  it('mounts the volume by name without sub_path; volume-subpath on new engines', async () => {
    const docker = engine([{ Name: 'team' }]);
    const [{ m, dc }] = one('team', { mountPath: '/mnt/train' });
    expect(pvcBackend.planned(context(docker, stateDir), m, dc)).toEqual({
      backend: 'pvc',
      volume: 'datasets',
      mount: { type: 'volume', source: 'team', target: '/mnt/train', readOnly: false },
      displaySource: 'volume team',
    });
    const sub = one('team', { subPath: 'datasets/train' })[0];
    const c = context(docker, stateDir, { apiVersion: '1.46' });
    await pvcBackend.preflight(c, [sub]);
    expect((await pvcBackend.prepare(c, sub.m, sub.dc)).mount).toMatchObject({ type: 'volume', source: 'team', volumeSubpath: 'datasets/train' });
  });

  it('planned shows the staging path for the fallback and touches nothing', () => {
    const [{ m, dc }] = one('team', { subPath: 'datasets/train' });
    const docker = engine([]);
    const p = pvcBackend.planned(context(docker, stateDir), m, dc);
    expect(p.mount).toMatchObject({ type: 'bind', source: `${stateDir}/staging/demo/sbx-demo..app/0-a1b2c3d4` });
    expect(p.displaySource).toBe('volume team:datasets/train');
    expect(docker.calls).toEqual([]);
  });

  it('create: true plans one volume creation per missing claim, labelled with the sandbox and the manifest labels, undone by removing it', async () => {
    const docker = engine([]);
    const c = context(docker, stateDir);
    const mounts = [mountOf(pvc('fresh', true), {}, 'x'), mountOf(pvc('fresh', true), {}, 'y')];
    await pvcBackend.preflight(c, mounts);
    const steps = await pvcBackend.volumeSteps!(c, mounts);
    expect(steps).toEqual([
      {
        action: 'create',
        resource: 'volume fresh',
        cause: 'pvc with create: true, and the volume is missing',
        phase: 'infra',
        run: [{ kind: 'docker', args: ['volume', 'create', '--label', 'dev.sbx.created-by=demo', '--label', 'team=a', 'fresh'], what: 'create volume fresh' }],
        undo: [{ kind: 'docker', args: ['volume', 'rm', 'fresh'], what: 'remove volume fresh' }],
      },
    ]);
    expect(docker.calls.filter((a) => a[1] === 'create')).toEqual([]);
  });

  it('plans no creation for a create: true volume that exists, and prepare never creates one', async () => {
    const docker = engine([{ Name: 'team' }]);
    const c = context(docker, stateDir);
    const mounts = one('team', {}, true);
    await pvcBackend.preflight(c, mounts);
    expect(await pvcBackend.volumeSteps!(c, mounts)).toEqual([]);
    await pvcBackend.release(c, [await pvcBackend.prepare(c, mounts[0].m, mounts[0].dc)]);
    expect(docker.calls.filter((a) => a[1] === 'rm' || a[1] === 'create')).toEqual([]);
  });
});

describe('removeCreatedPvcVolumes (delete --volumes)', () => {
  it('removes volumes created by the sandbox that no container uses, as a volume or through a staged bind', async () => {
    const docker = new FakeDocker((args) => {
      if (args[0] === 'volume' && args[1] === 'ls') return { stdout: 'free\nused\nbound\n' };
      if (args[0] === 'ps' && args.includes('volume=used')) return { stdout: 'sbx-other..app\n' };
      if (args[0] === 'ps' && args.includes('label=dev.sbx.mounts')) {
        return { stdout: `sbx-b..app\t${JSON.stringify([{ backend: 'pvc', source: 'volume bound:datasets/train' }, { backend: 'host', source: '/free' }])}\n` };
      }
      return {};
    });
    const c = context(docker, stateDir);
    await removeCreatedPvcVolumes(c);
    expect(docker.calls[0]).toEqual(['volume', 'ls', '--quiet', '--filter', 'label=dev.sbx.created-by=demo']);
    expect(docker.calls.filter((a) => a[1] === 'rm')).toEqual([['volume', 'rm', 'free']]);
    expect(c.lines).toEqual(['removed volume free', 'keeping volume used: used by sbx-other..app', 'keeping volume bound: used by sbx-b..app']);
  });
});
