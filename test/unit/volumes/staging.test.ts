import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PathProblem } from '../../../src/volumes/safe-path.js';
import { isMountPoint, isStagingPath, releaseStaged, stagingPathFor, stagePinned, sweepStaging, unstage } from '../../../src/volumes/staging.js';
import { context, FakeDocker, mountOf, mountsUnder, useTempStateDir } from './pvc-host-fixtures.js';

// A space in the state dir checks that /proc/self/mountinfo escapes are decoded.
const { root, stateDir } = useTempStateDir('staging', 'state dir');
const data = path.join(root, 'data');

beforeAll(() => {
  fs.mkdirSync(path.join(data, 'train'), { recursive: true });
  fs.writeFileSync(path.join(data, 'train/file'), 'train');
});

const staged = (sandbox: string, ctr: string, leaf: string) => path.join(stateDir, 'staging', sandbox, ctr, leaf);

describe('staging bind mounts', () => {
  it('binds the pinned directory to a private staging path and unbinds it again', async () => {
    const p = staged('demo', 'sbx-demo..app', '0-aaaa');
    await stagePinned(path.join(data, 'train'), p);
    expect(isMountPoint(p)).toBe(true);
    expect(fs.readFileSync(path.join(p, 'file'), 'utf8')).toBe('train');
    expect(fs.statSync(p).ino).toBe(fs.statSync(path.join(data, 'train')).ino);
    expect(fs.statSync(path.join(stateDir, 'staging')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.dirname(p)).mode & 0o777).toBe(0o700);

    expect(await unstage(p)).toBe(true);
    expect(mountsUnder(stateDir)).toEqual([path.join(stateDir, 'staging')]);
    expect(fs.existsSync(p)).toBe(false);
    expect(fs.existsSync(path.join(stateDir, 'staging', 'demo'))).toBe(false);
    expect(fs.readFileSync(path.join(data, 'train/file'), 'utf8')).toBe('train');
  });

  it('the staging root is one private tmpfs, mounted once even by concurrent stagings', async () => {
    const paths = ['4-a', '4-b', '4-c', '4-d'].map((leaf) => staged('demo', 'sbx-demo..par', leaf));
    await Promise.all(paths.map((p) => stagePinned(path.join(data, 'train'), p)));
    const rootMounts = mountsUnder(stateDir).filter((m) => m === path.join(stateDir, 'staging'));
    expect(rootMounts).toEqual([path.join(stateDir, 'staging')]);
    const info = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === path.join(stateDir, 'staging').replaceAll(' ', '\\040'));
    expect(info).toMatch(/ - tmpfs /);
    expect(fs.statSync(path.join(stateDir, 'staging')).mode & 0o777).toBe(0o700);
    for (const p of paths) expect(await unstage(p)).toBe(true);
    expect(mountsUnder(stateDir)).toEqual([path.join(stateDir, 'staging')]);
  });

  it('keeps showing the checked directory after the source path is swapped for a symlink', async () => {
    fs.mkdirSync(path.join(data, 'swap'));
    fs.writeFileSync(path.join(data, 'swap/mine'), 'x');
    const p = staged('demo', 'sbx-demo..app', '1-bbbb');
    await stagePinned(path.join(data, 'swap'), p);
    fs.renameSync(path.join(data, 'swap'), path.join(data, 'swapped'));
    fs.symlinkSync('/etc', path.join(data, 'swap'));
    expect(fs.readdirSync(p)).toEqual(['mine']);
    await unstage(p);
  });

  it('refuses to stage a path that has a symlink component and leaves nothing behind', async () => {
    fs.symlinkSync('/etc', path.join(data, 'etc-link'));
    const p = staged('demo', 'sbx-demo..app', '2-cccc');
    const err = await stagePinned(path.join(data, 'etc-link'), p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PathProblem);
    expect((err as PathProblem).kind).toBe('changed');
    expect(fs.existsSync(p)).toBe(false);
    expect(mountsUnder(stateDir).filter((m) => m.startsWith(path.join(stateDir, 'staging/')))).toEqual([]);
  });

  it('unstage of a path that is not mounted only removes empty directories', async () => {
    const p = staged('demo', 'sbx-demo..app', '3-dddd');
    fs.mkdirSync(p, { recursive: true });
    fs.writeFileSync(path.join(path.dirname(p), 'keep'), '');
    expect(await unstage(p)).toBe(true);
    expect(fs.existsSync(p)).toBe(false);
    expect(fs.existsSync(path.join(path.dirname(p), 'keep'))).toBe(true);
    fs.rmSync(path.join(stateDir, 'staging', 'demo'), { recursive: true });
  });

  it('staging paths are canonical even when the state dir is reached through a symlink', async () => {
    fs.mkdirSync(stateDir, { recursive: true });
    const link = path.join(root, 'state-link');
    fs.symlinkSync(stateDir, link);
    const ctx = context(new FakeDocker(), link);
    const { m, dc } = mountOf({ kind: 'host', name: 'v', path: '/x' }, {}, 'app', 3);
    const p = stagingPathFor(ctx, dc, m);
    expect(p).toBe(staged('demo', 'sbx-demo..app', '3-a1b2c3d4'));
    await stagePinned(path.join(data, 'train'), p);
    expect(isMountPoint(p)).toBe(true);
    await releaseStaged(ctx, [p]);
    expect(isMountPoint(p)).toBe(false);
    expect(fs.existsSync(p)).toBe(false);
  });

  it('recognises only paths of the staging layout', () => {
    expect(isStagingPath(stateDir, staged('demo', 'sbx-demo..app', '0-aaaa'))).toBe(true);
    expect(isStagingPath(stateDir, path.join(stateDir, 'staging', 'demo'))).toBe(false);
    expect(isStagingPath(stateDir, '/etc')).toBe(false);
    expect(isStagingPath(stateDir, path.join(stateDir, 'staging', 'demo', '..', '..', 'x', 'y'))).toBe(false);
  });

  it('releaseStaged ignores label paths outside the staging root', async () => {
    fs.mkdirSync(path.join(data, 'victim'));
    const ctx = context(new FakeDocker(), stateDir);
    await releaseStaged(ctx, [path.join(data, 'victim'), '/']);
    expect(fs.existsSync(path.join(data, 'victim'))).toBe(true);
  });
});

describe('sweepStaging (sbx gc)', () => {
  it('unmounts and removes staging paths no container names; keeps the used ones; honours --dry-run', async () => {
    const used = staged('demo', 'sbx-demo..app', '0-used');
    const orphan = staged('demo', 'sbx-demo..old', '0-orph');
    await stagePinned(path.join(data, 'train'), used);
    await stagePinned(path.join(data, 'train'), orphan);
    // docker ps of every sbx container: id, name, state, status, created, then its labels (plan/observe.ts); one holds `used`.
    const held = JSON.stringify([{ backend: 'host', ref: used }]);
    const row = ['c1', 'sbx-demo..app', 'running', 'Up', '', 'demo', 'container', 'app', '', '', '', '', held, '', ''].join('\u001f');
    const docker = new FakeDocker((args) => (args[0] === 'ps' ? { stdout: `${row}\n` } : {}));
    const ctx = context(docker, stateDir, { sandboxId: '' });

    const dry = await sweepStaging(ctx, true);
    expect(dry).toEqual([{ what: `staging mount ${orphan}`, reason: 'no container uses it' }]);
    expect(isMountPoint(orphan)).toBe(true);

    const done = await sweepStaging(ctx, false);
    expect(done.map((a) => a.what)).toEqual([`staging mount ${orphan}`]);
    expect(isMountPoint(orphan)).toBe(false);
    expect(fs.existsSync(orphan)).toBe(false);
    expect(isMountPoint(used)).toBe(true);
    expect(fs.readFileSync(path.join(data, 'train/file'), 'utf8')).toBe('train');
    await unstage(used);
  });

  it('makes no docker call when there is nothing staged', async () => {
    const docker = new FakeDocker();
    expect(await sweepStaging(context(docker, path.join(root, 'empty-state')), false)).toEqual([]);
    expect(docker.calls).toEqual([]);
  });
});
