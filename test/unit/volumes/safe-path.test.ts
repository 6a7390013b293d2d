import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalDirectory, canonicalLoose, isWithin, openPinnedDirectory, PathProblem, resolveInside, subPathComponents } from '../../../src/volumes/safe-path.js';
import { removeTempDir, tempDir } from './pvc-host-fixtures.js';

const root = fs.realpathSync(tempDir('safe-path'));
afterAll(() => removeTempDir(root));

function problemKind(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof PathProblem) return err.kind;
    throw err;
  }
  return 'ok';
}

/** A volume-like tree: vol/datasets/train/file, vol/marker, and symlinks planted by a "container". */
function volume(name: string): string {
  const vol = path.join(root, name);
  fs.mkdirSync(path.join(vol, 'datasets/train'), { recursive: true });
  fs.writeFileSync(path.join(vol, 'datasets/train/file'), 'train');
  fs.writeFileSync(path.join(vol, 'marker'), 'root');
  return vol;
}

describe('isWithin', () => {
  it('compares whole components', () => {
    expect(isWithin('/data/a', '/data/a')).toBe(true);
    expect(isWithin('/data/a', '/data/a/b/c')).toBe(true);
    expect(isWithin('/data/a', '/data/ab')).toBe(false);
    expect(isWithin('/data/a', '/data')).toBe(false);
    expect(isWithin('/data/a', '/data/a/..b')).toBe(true);
    expect(isWithin('/', '/etc')).toBe(true);
  });
});

describe('sub_path components', () => {
  it.each(['../x', '/etc', 'a/../../b', 'a/..', '..', 'a\0b'])('refuses %j', (sub) => {
    expect(problemKind(() => subPathComponents(sub))).toBe('escape');
  });
  it('accepts relative paths and drops "." and empty components', () => {
    expect(subPathComponents('datasets/./train//')).toEqual(['datasets', 'train']);
    expect(subPathComponents(undefined)).toEqual([]);
    expect(subPathComponents('..hidden')).toEqual(['..hidden']);
  });
});

describe('resolveInside', () => {
  const vol = volume('vol');
  fs.symlinkSync('/', path.join(vol, 'to-root'));
  fs.symlinkSync('/etc', path.join(vol, 'to-etc'));
  fs.symlinkSync('../../..', path.join(vol, 'datasets/up'));
  fs.symlinkSync('train', path.join(vol, 'datasets/current'));
  fs.symlinkSync('loop', path.join(vol, 'loop'));
  fs.mkdirSync(path.join(vol, 'a'));

  it('resolves a sub-directory to its canonical path', () => {
    expect(resolveInside(vol, 'datasets/train')).toBe(path.join(vol, 'datasets/train'));
    expect(resolveInside(vol, undefined)).toBe(vol);
  });
  it('follows a symlink that stays inside the volume', () => {
    expect(resolveInside(vol, 'datasets/current')).toBe(path.join(vol, 'datasets/train'));
  });
  it.each(['to-root', 'to-etc', 'to-etc/ssl', 'datasets/up'])('refuses %s: a symlink leading out of the volume', (sub) => {
    expect(problemKind(() => resolveInside(vol, sub))).toBe('escape');
  });
  it('refuses lexical escapes even if a caller did not check them', () => {
    for (const sub of ['../x', '/etc', 'a/../../b']) expect(problemKind(() => resolveInside(vol, sub))).toBe('escape');
  });
  it('reports a missing sub-directory or a file as missing', () => {
    expect(problemKind(() => resolveInside(vol, 'nope'))).toBe('missing');
    expect(problemKind(() => resolveInside(vol, 'marker'))).toBe('missing');
  });
  it('reports a symlink loop', () => {
    expect(problemKind(() => resolveInside(vol, 'loop'))).toBe('escape');
  });
  it('canonicalDirectory resolves symlinks and requires a directory', () => {
    expect(canonicalDirectory(path.join(vol, 'datasets/current'))).toBe(path.join(vol, 'datasets/train'));
    expect(problemKind(() => canonicalDirectory(path.join(vol, 'marker')))).toBe('missing');
  });
});

describe('openPinnedDirectory', () => {
  it('opens a canonical directory; the fd stays on it when the path is swapped afterwards', () => {
    const vol = volume('pin');
    const target = path.join(vol, 'datasets/train');
    const fd = openPinnedDirectory(target);
    try {
      fs.renameSync(target, path.join(vol, 'datasets/moved'));
      fs.symlinkSync('/etc', target);
      expect(fs.readdirSync(`/proc/self/fd/${fd}`)).toEqual(['file']);
    } finally {
      fs.closeSync(fd);
    }
  });
  it('refuses a path with a symlink in any component (the tree changed since it was checked)', () => {
    const vol = volume('pin-link');
    fs.renameSync(path.join(vol, 'datasets'), path.join(vol, 'real'));
    fs.symlinkSync('real', path.join(vol, 'datasets'));
    expect(problemKind(() => openPinnedDirectory(path.join(vol, 'datasets/train')))).toBe('changed');
    fs.symlinkSync('/etc', path.join(vol, 'etc-link'));
    expect(problemKind(() => openPinnedDirectory(path.join(vol, 'etc-link')))).toBe('changed');
  });
  it('refuses a final component that is a file, and a missing one', () => {
    const vol = volume('pin-file');
    expect(problemKind(() => openPinnedDirectory(path.join(vol, 'marker')))).toBe('changed');
    expect(problemKind(() => openPinnedDirectory(path.join(vol, 'gone')))).toBe('missing');
  });
  it('refuses unclean paths', () => {
    expect(problemKind(() => openPinnedDirectory(`${root}/../etc`))).toBe('escape');
    expect(problemKind(() => openPinnedDirectory('relative/dir'))).toBe('escape');
  });
  it('leaks no file descriptors', () => {
    const before = fs.readdirSync('/proc/self/fd').length;
    const vol = volume('pin-fds');
    fs.closeSync(openPinnedDirectory(path.join(vol, 'datasets/train')));
    for (let i = 0; i < 20; i++) problemKind(() => openPinnedDirectory(path.join(vol, 'marker/x')));
    expect(fs.readdirSync('/proc/self/fd').length).toBe(before);
  });
});

describe('canonicalLoose', () => {
  it('resolves the existing part and appends the rest', () => {
    const real = path.join(root, 'loose-real');
    fs.mkdirSync(real);
    fs.symlinkSync(real, path.join(root, 'loose-link'));
    expect(canonicalLoose(path.join(root, 'loose-link/not/yet'))).toBe(path.join(real, 'not/yet'));
    expect(canonicalLoose('/nonexistent-sbx/a')).toBe('/nonexistent-sbx/a');
  });
});
