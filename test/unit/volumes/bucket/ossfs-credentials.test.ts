import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SbxError } from '../../../../src/errors.js';
import { checkFuse, findMountBinary } from '../../../../src/volumes/bucket/binaries.js';
import { withPrivateFile } from '../../../../src/volumes/bucket/credentials.js';
import { ossfs1Adapter, ossfs2Adapter, ossfsKind, resolveCredentials } from '../../../../src/volumes/bucket/ossfs-adapters.js';
import { ROOT } from '../../../helpers/cli.js';
import { inlineCredentials, ossfsVolume } from './ossfs-fixtures.js';

function thrown(fn: () => unknown): SbxError {
  try {
    fn();
  } catch (e) {
    return e as SbxError;
  }
  throw new Error('expected an error');
}

describe('ossfs credentials', () => {
  it('prefers inline credentials over the environment', () => {
    const c = resolveCredentials(ossfsVolume(inlineCredentials('inline-id', 'inline-secret')), { OSS_ACCESS_KEY_ID: 'env-id', OSS_ACCESS_KEY_SECRET: 'env-secret' });
    expect([c.accessKeyId.reveal(), c.accessKeySecret.reveal()]).toEqual(['inline-id', 'inline-secret']);
    expect(JSON.stringify(c)).not.toContain('inline-secret');
  });

  it('falls back to OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET', () => {
    const c = resolveCredentials(ossfsVolume(), { OSS_ACCESS_KEY_ID: 'env-id', OSS_ACCESS_KEY_SECRET: 'env-secret' });
    expect(c.accessKeySecret.reveal()).toBe('env-secret');
  });

  it('reports missing credentials with OSSFS_CREDENTIALS_MISSING', () => {
    const err = thrown(() => resolveCredentials(ossfsVolume(), { OSS_ACCESS_KEY_ID: 'env-id' }));
    expect(err.code).toBe('OSSFS_CREDENTIALS_MISSING');
    expect(err.message).toContain('OSS_ACCESS_KEY_SECRET');
  });

  it('refuses a secret that would break the passwd or config file, without echoing it', () => {
    const err = thrown(() => resolveCredentials(ossfsVolume(), { OSS_ACCESS_KEY_ID: 'id', OSS_ACCESS_KEY_SECRET: 'abc\n--oss_endpoint=evil' }));
    expect(err.code).toBe('OSSFS_CREDENTIALS_MISSING');
    expect(err.message).not.toContain('evil');
  });

  it('hands out a 0600 file in a private 0700 directory and removes it afterwards, also on failure', async () => {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'sbx-cred-'));
    let seen = '';
    await withPrivateFile(stateDir, 'ossfs', 'passwd', 'b:id:secret\n', async (file) => {
      seen = file;
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    });
    expect(existsSync(seen)).toBe(false);
    await expect(withPrivateFile(stateDir, 'ossfs', 'passwd', 'x', async () => Promise.reject(new Error('mount failed')))).rejects.toThrow('mount failed');
    expect(await readdir(path.join(stateDir, 'private'))).toEqual([]);
  });
});

describe('ossfs binaries', () => {
  it('finds ossfs / ossfs2 on PATH', async () => {
    const env = { PATH: `/nonexistent:${path.join(ROOT, 'test/bin')}` };
    expect(await findMountBinary(ossfs1Adapter, ossfsKind, env)).toBe(path.join(ROOT, 'test/bin/ossfs'));
    expect(await findMountBinary(ossfs2Adapter, ossfsKind, env)).toBe(path.join(ROOT, 'test/bin/ossfs2'));
  });

  it('reports OSSFS_BINARY_NOT_FOUND for a missing or non-executable binary', async () => {
    await expect(findMountBinary(ossfs2Adapter, ossfsKind, { PATH: '/nonexistent' })).rejects.toMatchObject({ code: 'OSSFS_BINARY_NOT_FOUND', message: expect.stringContaining('ossfs2') });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sbx-bin-'));
    const file = path.join(dir, 'ossfs');
    await writeFile(file, '#!/bin/sh\n');
    await chmod(file, 0o644);
    await expect(findMountBinary(ossfs1Adapter, ossfsKind, { SBX_OSSFS_BIN: file, PATH: '' })).rejects.toMatchObject({ code: 'OSSFS_BINARY_NOT_FOUND' });
  });

  it('reports FUSE_UNAVAILABLE without a FUSE device', async () => {
    await expect(checkFuse('/nonexistent/fuse')).rejects.toMatchObject({ code: 'FUSE_UNAVAILABLE' });
    await expect(checkFuse('/dev/null')).resolves.toBeUndefined();
  });
});
