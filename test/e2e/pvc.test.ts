import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { L } from '../../src/labels.js';
import { docker, dockerJson, RUN, sbxE2E, sid, STATE_DIR, writeManifest } from '../helpers/e2e.js';
import { applyOk, expectExit } from '../helpers/sandbox-e2e.js';
import { containerOf, eventually, example, expectRejected, failingDocker, inContainer, stagingMountsOf, swappingDocker, testVolume, volumeExists } from './pvc-host-helpers.js';

/** manifests/pvc-*.yaml with this run's volume names. */
const DATA = `sbx-e2e-data-${RUN}`;
const SHARED = `sbx-e2e-shared-${RUN}`;
const pvcExample = (file: string) => example(file, (t) => t.replaceAll('sbx-demo-data', DATA).replaceAll('sbx-demo-shared', SHARED));

let mountpoint: string;
beforeAll(async () => {
  mountpoint = await testVolume(DATA);
  mkdirSync(path.join(mountpoint, 'datasets/train'), { recursive: true });
  writeFileSync(path.join(mountpoint, 'marker.txt'), 'volume-root-marker\n');
  writeFileSync(path.join(mountpoint, 'datasets/train/sample.txt'), 'train-sample\n');
});

describe('pvc: a named volume mounted read-write (manifests/pvc-read-write.yaml)', () => {
  const [doc] = pvcExample('pvc-read-write.yaml');
  const id = sid(doc.id);
  beforeAll(async () => {
    await applyOk(writeManifest(doc));
  });
  afterAll(async () => {
    await sbxE2E(['delete', id]);
  });

  it('the container reads what is in the volume', async () => {
    expect((await inContainer(id, 'app', 'cat /mnt/data/marker.txt')).stdout).toBe('volume-root-marker');
  });

  it('what the container writes shows up in the volume on the host', async () => {
    await eventually(async () => expect(readFileSync(path.join(mountpoint, 'output.txt'), 'utf8')).toBe('written-by-sandbox\n'));
    expect((await inContainer(id, 'app', 'echo from-exec > /mnt/data/exec.txt')).exitCode).toBe(0);
    expect(readFileSync(path.join(mountpoint, 'exec.txt'), 'utf8')).toBe('from-exec\n');
  });

  it('is mounted as the volume itself and shown as such by sbx get', async () => {
    const mounts = await dockerJson<{ Type: string; Name: string; RW: boolean }[]>(['inspect', '--format', '{{json .Mounts}}', containerOf(id, 'app')]);
    expect(mounts).toContainEqual(expect.objectContaining({ Type: 'volume', Name: DATA, RW: true }));
    expect(expectExit(await sbxE2E(['get', id]), 0).stdout).toContain(`volume ${DATA}`);
  });
});

describe('pvc: a named volume mounted read-only (manifests/pvc-read-only.yaml)', () => {
  const [doc] = pvcExample('pvc-read-only.yaml');
  const id = sid(doc.id);
  beforeAll(async () => {
    await applyOk(writeManifest(doc));
  });
  afterAll(async () => {
    await sbxE2E(['delete', id]);
  });

  it('reads work, writes fail with "Read-only file system"', async () => {
    expect((await inContainer(id, 'app', 'cat /mnt/data/marker.txt')).stdout).toBe('volume-root-marker');
    const write = await inContainer(id, 'app', 'echo x > /mnt/data/denied.txt');
    expect(write.exitCode).not.toBe(0);
    expect(write.stderr).toMatch(/Read-only file system/);
    expect(existsSync(path.join(mountpoint, 'denied.txt'))).toBe(false);
  });
});

describe('pvc: two sandboxes share one named volume (manifests/pvc-shared.yaml)', () => {
  const docs = pvcExample('pvc-shared.yaml');
  const [writer, reader] = docs.map((d) => sid(d.id));
  afterAll(async () => {
    await sbxE2E(['delete', writer, reader, '--volumes']);
  });

  it('create: true makes the volume, labelled with the sandbox that created it and the manifest labels', async () => {
    expect(await volumeExists(SHARED)).toBe(false);
    await applyOk(writeManifest(docs));
    const [vol] = await dockerJson<{ Labels: Record<string, string> }[]>(['volume', 'inspect', SHARED]);
    expect([writer, reader]).toContain(vol.Labels[L.createdBy]);
    expect(vol.Labels['sbx-test-run']).toBe(RUN);
  });

  it('the reader sandbox sees what the writer sandbox wrote', async () => {
    await eventually(async () => expect((await inContainer(reader, 'reader', 'cat /mnt/shared/shared.txt')).stdout).toBe('hello-from-writer'));
  });

  it('delete keeps the volume; delete --volumes removes it only once no sandbox uses it', async () => {
    const [vol] = await dockerJson<{ Labels: Record<string, string> }[]>(['volume', 'inspect', SHARED]);
    const creator = vol.Labels[L.createdBy];
    const other = creator === writer ? reader : writer;
    expectExit(await sbxE2E(['delete', other]), 0);
    expect(await volumeExists(SHARED)).toBe(true);

    expectExit(await sbxE2E(['apply', '-f', writeManifest(docs)]), 0);
    const kept = expectExit(await sbxE2E(['delete', creator, '--volumes']), 0);
    expect(kept.stderr).toMatch(new RegExp(`keeping volume ${SHARED}: used by`));
    expect(await volumeExists(SHARED)).toBe(true);

    expectExit(await sbxE2E(['delete', other]), 0);
    expectExit(await sbxE2E(['delete', creator, '--volumes']), 0);
    expect(await volumeExists(SHARED)).toBe(false);
  });
});

describe('pvc: create: true and a failed apply', () => {
  it('the volume this apply created is removed again with the rest', async () => {
    const [doc] = pvcExample('pvc-shared.yaml');
    const claim = `sbx-e2e-rollback-${RUN}`;
    doc.id = 'pvc-rollback';
    doc.spec.volumes[0].pvc.claim_name = claim;
    const id = sid('pvc-rollback');
    const res = await sbxE2E(['apply', '-f', writeManifest(doc)], { env: failingDocker(containerOf(id, 'writer')) });
    expect(res.exitCode, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/injected failure/);
    expect(await volumeExists(claim)).toBe(false);
    expect((await docker(['ps', '-a', '--filter', `label=dev.sbx.sandbox=${id}`, '--format', '{{.Names}}']))).toBe('');
  });

  it('a volume that existed before the failed apply is kept', async () => {
    const [doc] = pvcExample('pvc-read-write.yaml');
    doc.id = 'pvc-rollback-keep';
    doc.spec.volumes[0].pvc.create = true;
    const id = sid('pvc-rollback-keep');
    const res = await sbxE2E(['apply', '-f', writeManifest(doc)], { env: failingDocker(containerOf(id, 'app')) });
    expect(res.exitCode, res.stderr).toBe(1);
    expect(await volumeExists(DATA)).toBe(true);
    expect(readFileSync(path.join(mountpoint, 'marker.txt'), 'utf8')).toBe('volume-root-marker\n');
  });
});

describe('pvc: only a sub-directory of the volume (manifests/pvc-sub-path.yaml)', () => {
  const [doc] = pvcExample('pvc-sub-path.yaml');
  const id = sid(doc.id);
  beforeAll(async () => {
    await applyOk(writeManifest(doc));
  });
  afterAll(async () => {
    await sbxE2E(['delete', id]);
  });

  it('shows the sub-directory and nothing above it', async () => {
    expect((await inContainer(id, 'trainer', 'ls -A /mnt/train')).stdout).toBe('sample.txt');
    expect((await inContainer(id, 'trainer', 'cat /mnt/train/sample.txt')).stdout).toBe('train-sample');
    const search = await inContainer(id, 'trainer', 'find / -xdev -name marker.txt 2>/dev/null; find /mnt -name marker.txt');
    expect(search.stdout).toBe('');
  });

  it('is read-only as asked', async () => {
    expect((await inContainer(id, 'trainer', 'touch /mnt/train/x')).stderr).toMatch(/Read-only file system/);
  });

  it('old engines get a private staging bind; sbx delete removes it and keeps the volume and its data', async () => {
    const api = await docker(['version', '--format', '{{.Server.APIVersion}}']);
    const [major, minor] = api.split('.').map(Number);
    const mounts = await dockerJson<{ Type: string; Source: string; Destination: string }[]>(['inspect', '--format', '{{json .Mounts}}', containerOf(id, 'trainer')]);
    const train = mounts.find((m) => m.Destination === '/mnt/train')!;
    if (major === 1 && minor < 45) {
      expect(train.Type).toBe('bind');
      expect(train.Source.startsWith(path.join(STATE_DIR, 'staging', id) + '/')).toBe(true);
      expect(stagingMountsOf(id)).toEqual([train.Source]);
    } else {
      expect(train.Type).toBe('volume');
    }
    expectExit(await sbxE2E(['delete', id]), 0);
    expect(stagingMountsOf(id)).toEqual([]);
    expect(existsSync(path.join(STATE_DIR, 'staging', id))).toBe(false);
    expect(await volumeExists(DATA)).toBe(true);
    expect(readFileSync(path.join(mountpoint, 'datasets/train/sample.txt'), 'utf8')).toBe('train-sample\n');
  });
});

describe('pvc: rejected mounts create nothing', () => {
  const subPathDoc = (name: string, subPath: string, claim = DATA) => {
    const [doc] = pvcExample('pvc-sub-path.yaml');
    doc.id = name;
    doc.spec.volumes[0].pvc.claim_name = claim;
    doc.spec.containers[0].volume_mounts[0].sub_path = subPath;
    return doc;
  };
  const apply = async (doc: Record<string, any>) => sbxE2E(['apply', '-f', writeManifest(doc)]);

  beforeAll(() => {
    symlinkSync('/', path.join(mountpoint, 'datasets/to-root'));
    symlinkSync('/etc', path.join(mountpoint, 'datasets/to-etc'));
  });

  it.each([
    ['up', '../x'],
    ['abs', '/etc'],
    ['updown', 'a/../../b'],
  ])('a lexical escape (%s: %s) is an invalid manifest', async (name, subPath) => {
    await expectRejected(await apply(subPathDoc(`pvc-bad-${name}`, subPath)), sid(`pvc-bad-${name}`), 'MANIFEST_INVALID', 2);
  });

  it.each([
    ['root', 'datasets/to-root'],
    ['etc', 'datasets/to-etc'],
    ['etc-deep', 'datasets/to-etc/ssl'],
  ])('a symlink in the volume leading out (%s) is SUBPATH_ESCAPE', async (name, subPath) => {
    const res = await apply(subPathDoc(`pvc-link-${name}`, subPath));
    await expectRejected(res, sid(`pvc-link-${name}`), 'SUBPATH_ESCAPE');
  });

  it('a missing sub_path is PVC_SUBPATH_NOT_FOUND and is not created', async () => {
    await expectRejected(await apply(subPathDoc('pvc-nosub', 'datasets/test')), sid('pvc-nosub'), 'PVC_SUBPATH_NOT_FOUND');
    expect(existsSync(path.join(mountpoint, 'datasets/test'))).toBe(false);
  });

  it('a missing volume is PVC_VOLUME_NOT_FOUND and is not created', async () => {
    const missing = `sbx-e2e-missing-${RUN}`;
    const res = await apply(subPathDoc('pvc-novol', 'datasets/train', missing));
    await expectRejected(res, sid('pvc-novol'), 'PVC_VOLUME_NOT_FOUND');
    expect(await volumeExists(missing)).toBe(false);
  });
});

describe('pvc: a sub-directory swapped for a symlink between check and create', () => {
  const make = (name: string, dir: string) => {
    const [doc] = pvcExample('pvc-sub-path.yaml');
    doc.id = name;
    doc.spec.containers[0].volume_mounts[0].sub_path = dir;
    return doc;
  };
  const racyDir = (name: string) => {
    const dir = path.join(mountpoint, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'mine.txt'), 'checked-directory\n');
    return dir;
  };

  it('swapped after the check, before the container is prepared: refused, nothing left', async () => {
    const id = sid('pvc-race-early');
    const dir = racyDir('race-early');
    const env = swappingDocker({ swapOn: `sbx-${id}`, dir, target: '/etc' });
    const res = await sbxE2E(['apply', '-f', writeManifest(make('pvc-race-early', 'race-early'))], { env });
    await expectRejected(res, id, 'SUBPATH_ESCAPE');
    expect(existsSync(`${dir}.moved`)).toBe(true);
  });

  it('swapped while the engine creates the container: the container still gets the checked directory', async () => {
    const id = sid('pvc-race-late');
    const dir = racyDir('race-late');
    const env = swappingDocker({ swapOn: containerOf(id, 'trainer'), dir, target: '/etc' });
    const res = await sbxE2E(['apply', '-f', writeManifest(make('pvc-race-late', 'race-late'))], { env });
    expectExit(res, 0);
    expect(existsSync(`${dir}.moved`)).toBe(true);
    const seen = await inContainer(id, 'trainer', 'ls -A /mnt/train');
    expect(seen.stdout).toBe('mine.txt');
    expect((await inContainer(id, 'trainer', 'test -e /mnt/train/passwd || test -e /mnt/train/hostname')).exitCode).not.toBe(0);
    expectExit(await sbxE2E(['delete', id]), 0);
    expect(stagingMountsOf(id)).toEqual([]);
  });
});
