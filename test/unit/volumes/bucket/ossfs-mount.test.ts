import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeDocker } from '../../../helpers/fake-docker.js';
import { SbxError } from '../../../../src/errors.js';
import type { DesiredContainer } from '../../../../src/plan/desired.js';
import { mountBucket } from '../../../../src/volumes/bucket/mount.js';
import { ossfs1Adapter, ossfsKind, resolveCredentials } from '../../../../src/volumes/bucket/ossfs-adapters.js';
import { ossfsBackend } from '../../../../src/volumes/ossfs.js';
import { readMountTable } from '../../../../src/volumes/bucket/mountinfo.js';
import type { BackendContext } from '../../../../src/volumes/types.js';
import { ROOT } from '../../../helpers/cli.js';
import { S3_KEY_ID, startS3, type S3Server } from '../../../helpers/s3.js';
import { inlineCredentials, ossfsMount, ossfsVolume } from './ossfs-fixtures.js';

const canFuse = process.getuid?.() === 0 && existsSync('/dev/fuse') && existsSync('/usr/bin/s3fs');
const SECRET = 'unit-secret-0f9e8d7c';
const BUCKET = 'unit-bucket';
const dc = {} as DesiredContainer;

let s3: S3Server;
let stateDir: string;
/** Container ids per mount key, as `docker ps --filter label=dev.sbx.ossfs.<key>` would list them. */
const users = new Map<string, string[]>();
const logs: string[] = [];

const fakeDocker = new FakeDocker((args) => {
  const filter = args[args.indexOf('--filter') + 1] ?? '';
  const key = filter.replace(/^label=dev\.sbx\.ossfs\./, '');
  return { stdout: (users.get(key) ?? []).join('\n') };
});

/** One apply's context: every call of a test shares it, as the calls of one apply do. */
const memo = new Map<string, unknown>();
function ctx(): BackendContext {
  return { docker: fakeDocker, sandboxId: 'unit', stateDir, log: (l) => logs.push(l), warn: (l) => logs.push(`warning: ${l}`), apiVersion: '1.41', nonce: 'a1b2c3d4', memo };
}

function volume(over: Parameters<typeof ossfsVolume>[0] = {}) {
  return ossfsVolume({ bucket: BUCKET, endpoint: s3.endpoint, prefix: 'team', ...inlineCredentials(S3_KEY_ID, SECRET), ...over });
}

async function mountsUnder(dir: string) {
  return (await readMountTable()).filter((m) => m.mountPoint.startsWith(dir + '/'));
}

async function privateFiles(): Promise<string[]> {
  return readdir(path.join(stateDir, 'private')).catch(() => []);
}

async function expectMountFailure(p: Promise<unknown>): Promise<SbxError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SbxError);
  expect((err as SbxError).code).toBe('OSSFS_MOUNT_FAILED');
  return err as SbxError;
}

describe.skipIf(!canFuse)('ossfs backend on a real FUSE mount (s3fs doubles, S3 emulator)', () => {
  beforeAll(async () => {
    s3 = await startS3([BUCKET]);
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'sbx-ossfs-unit-'));
    process.env.SBX_STATE_DIR = stateDir;
    process.env.SBX_OSSFS_BIN = path.join(ROOT, 'test/bin/ossfs');
    process.env.SBX_OSSFS2_BIN = path.join(ROOT, 'test/bin/ossfs2');
  });

  afterEach(async () => {
    users.clear();
    for (const m of (await mountsUnder(stateDir)).reverse()) await execa('umount', ['-l', m.mountPoint], { reject: false });
    await rm(path.join(stateDir, 'ossfs'), { recursive: true, force: true });
  });

  afterAll(async () => {
    await s3?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  for (const version of ['1.0', '2.0'] as const) {
    it(`ossfs ${version}: mounts the prefix + sub_path, files land in the bucket, the last release unmounts`, async () => {
      const m = ossfsMount(volume({ version }), { subPath: `v${version}` });
      const prepared = await ossfsBackend.prepare(ctx(), m, dc);
      const dir = prepared.mount.source;
      expect(prepared).toMatchObject({ backend: 'ossfs', expectedSource: dir, mountKey: m.mountKey, displaySource: `oss://${BUCKET}/team/v${version}` });
      expect((await mountsUnder(stateDir)).map((x) => x.mountPoint)).toEqual([dir]);

      await writeFile(path.join(dir, 'hello.txt'), `hi from ${version}`);
      expect(await s3.getObject(BUCKET, `team/v${version}/hello.txt`)).toBe(`hi from ${version}`);
      expect(await privateFiles()).toEqual([]);
      expect(logs.join('\n')).not.toContain(SECRET);

      await ossfsBackend.release(ctx(), [prepared]);
      expect(await mountsUnder(stateDir)).toEqual([]);
      expect(existsSync(dir)).toBe(false);
    });
  }

  it('reuses a healthy mount and unmounts only when no container uses it', async () => {
    const m = ossfsMount(volume());
    const a = await ossfsBackend.prepare(ctx(), m, dc);
    const before = await mountsUnder(stateDir);
    const b = await ossfsBackend.prepare(ctx(), m, dc);
    expect(await mountsUnder(stateDir)).toEqual(before);
    expect(b.mount.source).toBe(a.mount.source);

    users.set(m.mountKey!, ['container-a', 'container-b']);
    await ossfsBackend.release(ctx(), [a, b]);
    expect(await mountsUnder(stateDir)).toHaveLength(1);

    users.set(m.mountKey!, ['container-b']);
    await ossfsBackend.afterRemove(ctx(), [{ backend: 'ossfs', ref: m.mountKey!, shared: true }]);
    expect(await mountsUnder(stateDir)).toHaveLength(1);

    users.delete(m.mountKey!);
    await ossfsBackend.afterRemove(ctx(), [{ backend: 'ossfs', ref: m.mountKey!, shared: true }]);
    expect(await mountsUnder(stateDir)).toEqual([]);
    expect(existsSync(a.mount.source)).toBe(false);
  });

  it('mounts once when containers of one apply prepare the same key in parallel', async () => {
    const m = ossfsMount(volume({ prefix: 'parallel' }));
    const prepared = await Promise.all([1, 2, 3, 4].map(() => ossfsBackend.prepare(ctx(), m, dc)));
    expect(await mountsUnder(stateDir)).toHaveLength(1);
    await ossfsBackend.release(ctx(), prepared.slice(0, 3));
    expect(await mountsUnder(stateDir)).toHaveLength(1);
    await ossfsBackend.release(ctx(), prepared.slice(3));
    expect(await mountsUnder(stateDir)).toEqual([]);
  });

  for (const version of ['1.0', '2.0'] as const) {
    it(`ossfs ${version}: a wrong access key id fails with OSSFS_MOUNT_FAILED and leaves nothing behind`, async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const m = ossfsMount(volume({ version, ...inlineCredentials('NOT-S3RVER', SECRET) }));
        const err = await expectMountFailure(ossfsBackend.prepare(ctx(), m, dc));
        expect(err.message).not.toContain(SECRET);
        expect(await mountsUnder(stateDir)).toEqual([]);
        expect(existsSync(path.join(stateDir, 'ossfs', m.mountKey!))).toBe(false);
        expect(await privateFiles()).toEqual([]);
      }
    });
  }

  it('an unreachable endpoint fails in bounded time', async () => {
    const m = ossfsMount(volume({ version: '1.0', endpoint: 'http://127.0.0.1:9' }));
    const t0 = Date.now();
    await expectMountFailure(ossfsBackend.prepare(ctx(), m, dc));
    expect(Date.now() - t0).toBeLessThan(40_000);
    expect(await mountsUnder(stateDir)).toEqual([]);
  });

  it('a mounter that exits non-zero reports its redacted output', async () => {
    const fake = path.join(stateDir, 'failing-ossfs');
    await writeFile(fake, `#!/bin/sh\necho "denied for $(cat "$(echo "$@" | sed 's/.*passwd_file=\\([^ ]*\\).*/\\1/')")" >&2\nexit 3\n`, { mode: 0o755 });
    process.env.SBX_OSSFS_BIN = fake;
    try {
      const err = await expectMountFailure(ossfsBackend.prepare(ctx(), ossfsMount(volume({ version: '1.0', prefix: 'x' })), dc));
      expect(err.message).toContain('exited with status 3');
      expect(err.message).toContain('denied for');
      expect(err.message).not.toContain(SECRET);
    } finally {
      process.env.SBX_OSSFS_BIN = path.join(ROOT, 'test/bin/ossfs');
    }
  });

  it('a mounter that never returns is killed at the deadline', async () => {
    const fake = path.join(stateDir, 'hanging-ossfs');
    await writeFile(fake, '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });
    const vol = volume({ version: '1.0', prefix: 'hang' });
    const dir = path.join(stateDir, 'ossfs', 'hang');
    const t0 = Date.now();
    const err = await expectMountFailure(
      mountBucket({ kind: ossfsKind, adapter: ossfs1Adapter, vol, prefix: 'hang', key: 'hang', dir, stateDir, bin: fake, creds: resolveCredentials(vol), log: () => undefined, timeoutMs: 1_500 }),
    );
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(err.message).toContain('did not finish within 1.5s');
    expect(existsSync(dir)).toBe(false);
    expect(await privateFiles()).toEqual([]);
  });

  it('remounts a dead FUSE endpoint on prepare', async () => {
    const m = ossfsMount(volume({ version: '1.0', prefix: 'dead' }));
    const first = await ossfsBackend.prepare(ctx(), m, dc);
    await killDaemonOf(first.mount.source);
    const err = await readdir(first.mount.source).catch((e: NodeJS.ErrnoException) => e.code);
    expect(err).toBe('ENOTCONN');

    users.set(m.mountKey!, ['container-a']);
    await ossfsBackend.prepare(ctx(), m, dc);
    // The fresh mount is bound on top of the dead one, which running containers' binds hang on.
    expect((await mountsUnder(stateDir)).map((x) => x.mountPoint)).toEqual([first.mount.source, first.mount.source]);
    await writeFile(path.join(first.mount.source, 'alive.txt'), 'yes');
    expect(await s3.getObject(BUCKET, 'dead/alive.txt')).toBe('yes');
  });

  it('gc sweeps unused and dead mounts, honouring dry-run', async () => {
    const unused = await ossfsBackend.prepare(ctx(), ossfsMount(volume({ prefix: 'gc-unused' })), dc);
    const usedKey = ossfsMount(volume({ prefix: 'gc-used' }));
    const used = await ossfsBackend.prepare(ctx(), usedKey, dc);
    users.set(usedKey.mountKey!, ['container-a']);
    const deadKey = ossfsMount(volume({ version: '1.0', prefix: 'gc-dead' }));
    const dead = await ossfsBackend.prepare(ctx(), deadKey, dc);
    await killDaemonOf(dead.mount.source);

    const planned = await ossfsBackend.sweep(ctx(), true);
    expect(planned.map((a) => a.what).sort()).toEqual([`ossfs mount ${dead.mount.source}`, `ossfs mount ${unused.mount.source}`].sort());
    expect(planned.find((a) => a.what.includes(dead.mount.source))?.reason).toMatch(/dead FUSE endpoint/);
    expect(await mountsUnder(stateDir)).toHaveLength(3);

    await ossfsBackend.sweep(ctx(), false);
    expect((await mountsUnder(stateDir)).map((x) => x.mountPoint)).toEqual([used.mount.source]);
    expect(existsSync(unused.mount.source)).toBe(false);
    expect(existsSync(dead.mount.source)).toBe(false);
    expect(await ossfsBackend.sweep(ctx(), false)).toEqual([]);
  });

  it('a symlink object used as sub_path shows no host file', async () => {
    await s3.putSymlink(BUCKET, 'links/evil', '/etc');
    const m = ossfsMount(volume({ prefix: 'links' }), { subPath: 'evil' });
    const prepared = await ossfsBackend.prepare(ctx(), m, dc);
    expect(await readdir(prepared.mount.source)).toEqual([]);
    await ossfsBackend.release(ctx(), [prepared]);
  });

  it('preflight reports a missing binary, missing credentials and a bad option together', async () => {
    const env = { ...process.env };
    process.env.SBX_OSSFS_BIN = '/nonexistent/ossfs';
    delete process.env.OSS_ACCESS_KEY_ID;
    delete process.env.OSS_ACCESS_KEY_SECRET;
    try {
      const vol = ossfsVolume({ version: '1.0', options: ['-o allow_other'] });
      const err = await ossfsBackend.preflight(ctx(), [{ m: ossfsMount(vol), dc }]).then(
        () => undefined,
        (e: { errors?: SbxError[] }) => e,
      );
      const codes = (err?.errors ?? []).map((e) => e.code).sort();
      expect(codes).toEqual(['MANIFEST_INVALID', 'OSSFS_BINARY_NOT_FOUND', 'OSSFS_CREDENTIALS_MISSING']);
    } finally {
      process.env = env;
    }
  });

  it('planned() shows the mount without touching the host or naming a secret', () => {
    const m = ossfsMount(volume(), { subPath: 'run-1', readOnly: true });
    const p = ossfsBackend.planned(ctx(), m, dc);
    expect(p).toEqual({
      backend: 'ossfs',
      volume: 'bucket',
      mount: { type: 'bind', source: path.join(stateDir, 'ossfs', m.mountKey!), target: '/mnt/oss', readOnly: true, propagation: 'rslave' },
      displaySource: `oss://${BUCKET}/team/run-1`,
      expectedSource: path.join(stateDir, 'ossfs', m.mountKey!),
      mountKey: m.mountKey,
    });
    expect(JSON.stringify(p)).not.toContain(SECRET);
    expect(existsSync(p.mount.source)).toBe(false);
  });
});

/** Kill the FUSE daemon serving dir, leaving a dead endpoint ("Transport endpoint is not connected"). */
async function killDaemonOf(dir: string): Promise<void> {
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const argv = cmd.split('\0');
    if (argv[0]?.endsWith('s3fs') && argv.includes(dir)) process.kill(Number(pid), 'SIGKILL');
  }
  for (let i = 0; i < 50; i++) {
    const code = await readdir(dir).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e.code,
    );
    if (code === 'ENOTCONN') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`FUSE daemon of ${dir} did not die`);
}
