import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerJson, mountsUnder, sbxE2E, sid, STATE_DIR, writeManifest } from '../helpers/e2e.js';
import { expectExit } from '../helpers/sandbox-e2e.js';
import { containerOf, eventually, example, expectRejected, hostDir, inContainer, stagingMountsOf, swappingDocker, type Doc } from './pvc-host-helpers.js';

/** manifests/host-*.yaml with /srv/sbx moved to this run's allowed directory. */
const base = hostDir('host');
const allowed = path.join(base, 'allowed');
const outside = path.join(base, 'secret');
const hostExample = (file: string) => example(file, (t) => t.replaceAll('/srv/sbx', allowed));
const sbxWith = (args: string[], env: Record<string, string> = {}) => sbxE2E(args, { env: { SBX_ALLOWED_HOST_PATHS: allowed, ...env } });
const applyHost = async (docs: Doc | Doc[], env: Record<string, string> = {}) => sbxWith(['apply', '-f', writeManifest(docs)], env);

beforeAll(() => {
  for (const d of ['outputs', 'shared', 'datasets/train', '../secret', '../data/a', '../data/ab']) mkdirSync(path.join(allowed, d), { recursive: true });
  writeFileSync(path.join(allowed, 'outputs/marker.txt'), 'host-marker\n');
  writeFileSync(path.join(allowed, 'datasets/marker.txt'), 'datasets-root-marker\n');
  writeFileSync(path.join(allowed, 'datasets/train/sample.txt'), 'train-sample\n');
  writeFileSync(path.join(outside, 'secret.txt'), 'must-not-be-seen\n');
});
afterAll(() => {
  // Staging mounts live under the state dir, never under base, so this removes only test files.
  if (!mountsUnder(STATE_DIR).some((m) => m.includes('/staging/'))) rmSync(base, { recursive: true, force: true });
});

describe('host: a directory mounted read-write (manifests/host-read-write.yaml)', () => {
  const [doc] = hostExample('host-read-write.yaml');
  const id = sid(doc.id);
  beforeAll(async () => {
    expectExit(await applyHost(doc), 0);
  });
  afterAll(async () => {
    await sbxWith(['delete', id]);
  });

  it('the container reads the host file and its writes land in the host directory', async () => {
    expect((await inContainer(id, 'app', 'cat /mnt/out/marker.txt')).stdout).toBe('host-marker');
    await eventually(async () => expect(readFileSync(path.join(allowed, 'outputs/output.txt'), 'utf8')).toBe('written-by-sandbox\n'));
    expect((await inContainer(id, 'app', 'echo from-exec > /mnt/out/exec.txt')).exitCode).toBe(0);
    expect(readFileSync(path.join(allowed, 'outputs/exec.txt'), 'utf8')).toBe('from-exec\n');
  });

  it('Docker binds the private staging path, and sbx get shows the host path', async () => {
    const mounts = await dockerJson<{ Type: string; Source: string; Destination: string }[]>(['inspect', '--format', '{{json .Mounts}}', containerOf(id, 'app')]);
    const out = mounts.find((m) => m.Destination === '/mnt/out')!;
    expect(out.Type).toBe('bind');
    expect(stagingMountsOf(id)).toEqual([out.Source]);
    expect(expectExit(await sbxWith(['get', id]), 0).stdout).toContain(path.join(allowed, 'outputs'));
  });

  it('sbx delete removes the staging mount and keeps the host directory', async () => {
    expectExit(await sbxWith(['delete', id]), 0);
    expect(stagingMountsOf(id)).toEqual([]);
    expect(existsSync(path.join(STATE_DIR, 'staging', id))).toBe(false);
    expect(readFileSync(path.join(allowed, 'outputs/marker.txt'), 'utf8')).toBe('host-marker\n');
  });
});

describe('host: --dry-run', () => {
  it('shows the host path and the staging path it would bind, and changes nothing', async () => {
    const [doc] = hostExample('host-sub-path.yaml');
    doc.id = 'host-dry';
    const id = sid('host-dry');
    const res = expectExit(await sbxWith(['apply', '-f', writeManifest(doc), '--dry-run']), 0);
    expect(res.stdout).toContain(`src=${path.join(STATE_DIR, 'staging', id)}/`);
    expect(res.stdout).toContain('dst=/mnt/train,readonly');
    expect(res.stdout).toContain(`"source":"${path.join(allowed, 'datasets/train')}"`);
    expect(stagingMountsOf(id)).toEqual([]);
    expect(existsSync(path.join(STATE_DIR, 'staging', id))).toBe(false);
    expect(expectExit(await sbxWith(['ls', '-a', '-q']), 0).stdout.split('\n')).not.toContain(id);
  });

  it('reports a refused path with its code, like apply', async () => {
    const [doc] = hostExample('host-sub-path.yaml');
    doc.id = 'host-dry-bad';
    const res = await sbxWith(['apply', '-f', writeManifest(doc), '--dry-run'], { SBX_ALLOWED_HOST_PATHS: '' });
    await expectRejected(res, sid('host-dry-bad'), 'HOST_PATH_NOT_ALLOWED');
  });
});

describe('host: a directory mounted read-only (manifests/host-read-only.yaml)', () => {
  const [doc] = hostExample('host-read-only.yaml');
  const id = sid(doc.id);
  beforeAll(async () => {
    expectExit(await applyHost(doc), 0);
  });
  afterAll(async () => {
    await sbxWith(['delete', id]);
  });

  it('reads work, writes fail with "Read-only file system"', async () => {
    expect((await inContainer(id, 'app', 'cat /mnt/out/marker.txt')).stdout).toBe('host-marker');
    const write = await inContainer(id, 'app', 'echo x > /mnt/out/denied.txt');
    expect(write.exitCode).not.toBe(0);
    expect(write.stderr).toMatch(/Read-only file system/);
    expect(existsSync(path.join(allowed, 'outputs/denied.txt'))).toBe(false);
  });
});

describe('host: two sandboxes share one directory (manifests/host-shared.yaml)', () => {
  const docs = hostExample('host-shared.yaml');
  const [writer, reader] = docs.map((d) => sid(d.id));
  afterAll(async () => {
    await sbxWith(['delete', writer, reader]);
  });

  it('the reader sandbox sees what the writer sandbox wrote', async () => {
    expectExit(await applyHost(docs), 0);
    await eventually(async () => expect((await inContainer(reader, 'reader', 'cat /mnt/shared/shared.txt')).stdout).toBe('hello-from-writer'));
    expect((await inContainer(reader, 'reader', 'touch /mnt/shared/x')).stderr).toMatch(/Read-only file system/);
  });
});

describe('host: only a sub-directory (manifests/host-sub-path.yaml)', () => {
  const [doc] = hostExample('host-sub-path.yaml');
  const id = sid(doc.id);
  afterAll(async () => {
    await sbxWith(['delete', id]);
  });

  it('shows the sub-directory and nothing above it', async () => {
    expectExit(await applyHost(doc), 0);
    expect((await inContainer(id, 'trainer', 'ls -A /mnt/train')).stdout).toBe('sample.txt');
    expect((await inContainer(id, 'trainer', 'find / -xdev -name marker.txt 2>/dev/null; find /mnt -name marker.txt')).stdout).toBe('');
  });

  it('the allow-list may come from the config file instead of the environment', async () => {
    const config = path.join(base, 'config.yaml');
    writeFileSync(config, `allowed_host_paths:\n  - ${allowed}\n`);
    const [again] = hostExample('host-sub-path.yaml');
    again.id = 'host-from-config';
    const res = await sbxE2E(['apply', '-f', writeManifest(again)], { env: { SBX_CONFIG: config } });
    expectExit(res, 0);
    expectExit(await sbxE2E(['delete', sid('host-from-config')]), 0);
    expect(stagingMountsOf(sid('host-from-config'))).toEqual([]);
  });
});

describe('host: rejected paths create nothing', () => {
  const doc = (name: string, hostPath: string, subPath?: string) => {
    const [d] = hostExample('host-sub-path.yaml');
    d.id = name;
    d.spec.volumes[0].host.path = hostPath;
    if (subPath === undefined) delete d.spec.containers[0].volume_mounts[0].sub_path;
    else d.spec.containers[0].volume_mounts[0].sub_path = subPath;
    return d;
  };

  beforeAll(() => {
    symlinkSync(outside, path.join(allowed, 'to-secret'));
    symlinkSync('/etc', path.join(allowed, 'datasets/to-etc'));
  });

  it('an empty allow-list refuses every host path and says how to allow one', async () => {
    const res = await applyHost(doc('host-empty', path.join(allowed, 'datasets')), { SBX_ALLOWED_HOST_PATHS: '' });
    await expectRejected(res, sid('host-empty'), 'HOST_PATH_NOT_ALLOWED');
    expect(res.stderr).toMatch(/SBX_ALLOWED_HOST_PATHS/);
  });

  it('a path outside the list', async () => {
    await expectRejected(await applyHost(doc('host-outside', outside)), sid('host-outside'), 'HOST_PATH_NOT_ALLOWED');
  });

  it('/data/a allowed does not admit /data/ab', async () => {
    const res = await applyHost(doc('host-prefix', path.join(base, 'data/ab')), { SBX_ALLOWED_HOST_PATHS: path.join(base, 'data/a') });
    await expectRejected(res, sid('host-prefix'), 'HOST_PATH_NOT_ALLOWED');
  });

  it('a symlink inside the allowed prefix pointing outside it', async () => {
    const res = await applyHost(doc('host-link', path.join(allowed, 'to-secret')));
    await expectRejected(res, sid('host-link'), 'HOST_PATH_NOT_ALLOWED');
  });

  it('a sub_path symlink leading out is SUBPATH_ESCAPE', async () => {
    await expectRejected(await applyHost(doc('host-sublink', path.join(allowed, 'datasets'), 'to-etc')), sid('host-sublink'), 'SUBPATH_ESCAPE');
  });

  it.each([
    ['up', '../x'],
    ['abs', '/etc'],
    ['updown', 'a/../../b'],
  ])('a lexical sub_path escape (%s: %s) is an invalid manifest', async (name, subPath) => {
    await expectRejected(await applyHost(doc(`host-bad-${name}`, path.join(allowed, 'datasets'), subPath)), sid(`host-bad-${name}`), 'MANIFEST_INVALID', 2);
  });

  it('a missing path or sub_path is HOST_PATH_NOT_FOUND and is not created', async () => {
    await expectRejected(await applyHost(doc('host-missing', path.join(allowed, 'nope'))), sid('host-missing'), 'HOST_PATH_NOT_FOUND');
    await expectRejected(await applyHost(doc('host-nosub', path.join(allowed, 'datasets'), 'test')), sid('host-nosub'), 'HOST_PATH_NOT_FOUND');
    expect(existsSync(path.join(allowed, 'nope'))).toBe(false);
    expect(existsSync(path.join(allowed, 'datasets/test'))).toBe(false);
  });
});

describe('host: a directory swapped for a symlink between check and create', () => {
  const racy = (name: string) => {
    const dir = path.join(allowed, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'mine.txt'), 'checked-directory\n');
    return dir;
  };
  const doc = (name: string, hostPath: string, subPath?: string) => {
    const [d] = hostExample('host-sub-path.yaml');
    d.id = name;
    d.spec.volumes[0].host.path = hostPath;
    if (subPath === undefined) delete d.spec.containers[0].volume_mounts[0].sub_path;
    else d.spec.containers[0].volume_mounts[0].sub_path = subPath;
    return d;
  };

  it('the host path swapped after the check is refused (HOST_PATH_NOT_ALLOWED), nothing left', async () => {
    const id = sid('host-race-path');
    const dir = racy('race-path');
    const res = await applyHost(doc('host-race-path', dir), swappingDocker({ swapOn: `sbx-${id}`, dir, target: outside }));
    await expectRejected(res, id, 'HOST_PATH_NOT_ALLOWED');
    expect(existsSync(`${dir}.moved`)).toBe(true);
  });

  it('a sub_path swapped after the check is refused (SUBPATH_ESCAPE), nothing left', async () => {
    const id = sid('host-race-sub');
    const dir = racy('race-sub');
    const res = await applyHost(doc('host-race-sub', allowed, 'race-sub'), swappingDocker({ swapOn: `sbx-${id}`, dir, target: '/etc' }));
    await expectRejected(res, id, 'SUBPATH_ESCAPE');
  });

  it('swapped while the engine creates the container: the container gets the checked directory, never the target', async () => {
    const id = sid('host-race-late');
    const dir = racy('race-late');
    const res = await applyHost(doc('host-race-late', allowed, 'race-late'), swappingDocker({ swapOn: containerOf(id, 'trainer'), dir, target: outside }));
    expectExit(res, 0);
    expect(existsSync(`${dir}.moved`)).toBe(true);
    expect((await inContainer(id, 'trainer', 'ls -A /mnt/train')).stdout).toBe('mine.txt');
    expectExit(await sbxWith(['delete', id]), 0);
    expect(stagingMountsOf(id)).toEqual([]);
  });
});

describe('host: a stopped sandbox whose staging mount is gone (as after a reboot)', () => {
  it.each([
    ['only the container stopped', false],
    ['the whole sandbox stopped', true],
  ])('%s: apply recreates the container on a fresh staging mount, never on the empty directory', async (_what, infraToo) => {
    const [d] = hostExample('host-read-write.yaml');
    d.id = `host-restage-${infraToo ? 'all' : 'app'}`;
    const id = sid(d.id);
    try {
      expectExit(await applyHost(d), 0);
      const [staged] = stagingMountsOf(id);
      execFileSync('docker', ['stop', '--time', '1', containerOf(id, 'app'), ...(infraToo ? [`sbx-${id}`] : [])]);
      execFileSync('umount', [staged]);

      const again = expectExit(await applyHost(d), 0);
      expect(again.stderr).toMatch(infraToo ? /infra container is exited/ : /host-side mounts are prepared again/);
      expect((await inContainer(id, 'app', 'cat /mnt/out/marker.txt')).stdout).toBe('host-marker');
      expect(stagingMountsOf(id)).toHaveLength(1);
      expect(stagingMountsOf(id)).not.toContain(staged);
    } finally {
      await sbxWith(['delete', id]);
    }
    expect(stagingMountsOf(id)).toEqual([]);
  });
});

describe('host: sbx gc finds staging mounts whose container is gone', () => {
  it('lists the orphan in --dry-run and leaves it mounted', async () => {
    const [d] = hostExample('host-read-write.yaml');
    d.id = 'host-orphan';
    const id = sid('host-orphan');
    expectExit(await applyHost(d), 0);
    const [staged] = stagingMountsOf(id);
    // The container disappears behind sbx's back (docker rm), so nothing releases its staging mount.
    execFileSync('docker', ['rm', '-f', containerOf(id, 'app')]);
    const dry = expectExit(await sbxWith(['gc', '--dry-run']), 0);
    expect(`${dry.stdout}\n${dry.stderr}`).toContain(staged);
    expect(mountsUnder(staged)).toEqual([staged]);
    expectExit(await sbxWith(['delete', id]), 0);
    execFileSync('umount', [staged]);
  });
});
