import { describe, expect, it } from 'vitest';
import type { S3Volume } from '../../../../src/manifest/model.js';
import { Secret } from '../../../../src/secret.js';
import { s3fsArgv, s3fsPasswd, s3Kind, s3KeyFor } from '../../../../src/volumes/bucket/s3fs-adapter.js';

const DIR = '/var/lib/sbx/s3/0123456789abcdef0123';
const PW = '/var/lib/sbx/private/s3-cred-XXXXXX/passwd';
const env = { AWS_ACCESS_KEY_ID: 'AKIA-test', AWS_SECRET_ACCESS_KEY: 'aws-secret-value' };

function vol(over: Partial<S3Volume> = {}): S3Volume {
  return { kind: 's3', name: 'data', bucket: 'team-bucket', endpoint: 'https://s3.eu-west-1.amazonaws.com', prefix: '', pathStyle: false, options: [], ...over };
}

describe('s3fs command line', () => {
  it('mounts the bucket root with the passwd file and allow_other, and nothing else by default', () => {
    expect(s3fsArgv({ bin: 's3fs', vol: vol(), prefix: '', dir: DIR, passwdFile: PW })).toEqual([
      's3fs', 'team-bucket', DIR,
      '-o', 'url=https://s3.eu-west-1.amazonaws.com',
      '-o', `passwd_file=${PW}`,
      '-o', 'allow_other',
    ]);
  });

  it('names the prefix as BUCKET:/PREFIX, the region as endpoint= (s3fs 1.90 has no region=), path style and raw options last', () => {
    const v = vol({ region: 'eu-west-1', pathStyle: true, options: ['umask=0022,ro', 'allow_other'] });
    expect(s3fsArgv({ bin: '/usr/bin/s3fs', vol: v, prefix: 'team/run-1', dir: DIR, passwdFile: PW })).toEqual([
      '/usr/bin/s3fs', 'team-bucket:/team/run-1', DIR,
      '-o', 'url=https://s3.eu-west-1.amazonaws.com',
      '-o', `passwd_file=${PW}`,
      '-o', 'endpoint=eu-west-1',
      '-o', 'use_path_request_style',
      '-o', 'umask=0022',
      '-o', 'ro',
      '-o', 'allow_other',
    ]);
  });

  it('refuses an option sbx manages itself or one s3fs does not take', () => {
    expect(() => s3fsArgv({ bin: 's3fs', vol: vol({ options: ['passwd_file=/root/.passwd-s3fs'] }), prefix: '', dir: DIR, passwdFile: PW })).toThrow(
      's3fs option "passwd_file=/root/.passwd-s3fs" sets "passwd_file", which sbx manages itself',
    );
    expect(() => s3fsArgv({ bin: 's3fs', vol: vol({ options: ['sigv4'] }), prefix: '', dir: DIR, passwdFile: PW })).toThrow('s3fs option "sigv4"');
  });

  it('writes one BUCKET:ID:SECRET line', () => {
    const creds = { accessKeyId: new Secret('AKIA-test'), accessKeySecret: new Secret('aws-secret-value') };
    expect(s3fsPasswd(vol(), creds)).toBe('team-bucket:AKIA-test:aws-secret-value\n');
  });
});

describe('s3 credentials and mount keys', () => {
  it('takes AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, and says which are missing without a value', () => {
    expect(s3Kind.credentials(vol(), env).accessKeyId.reveal()).toBe('AKIA-test');
    expect(() => s3Kind.credentials(vol(), { AWS_ACCESS_KEY_ID: 'AKIA-test' })).toThrow(
      'volume data: S3 credentials are missing (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
    );
  });

  it('prefers inline credentials over the environment', () => {
    const inline = vol({ accessKeyId: new Secret('INLINE-ID'), accessKeySecret: new Secret('inline-secret') });
    expect(s3Kind.credentials(inline, env).accessKeyId.reveal()).toBe('INLINE-ID');
  });

  it('one key per bucket, full prefix, options, region, endpoint, path style and key id; not per secret', () => {
    const base = s3KeyFor(vol(), {}, env);
    expect(base).toMatch(/^[0-9a-f]{20}$/);
    expect(s3KeyFor(vol({ prefix: 'a' }), { subPath: 'b' }, env)).toBe(s3KeyFor(vol({ prefix: 'a/b' }), {}, env));
    expect(s3KeyFor(vol(), {}, { ...env, AWS_SECRET_ACCESS_KEY: 'other' })).toBe(base);
    for (const other of [
      s3KeyFor(vol(), {}, { ...env, AWS_ACCESS_KEY_ID: 'AKIA-other' }),
      s3KeyFor(vol({ bucket: 'other-bucket' }), {}, env),
      s3KeyFor(vol(), { subPath: 'x' }, env),
      s3KeyFor(vol({ options: ['ro'] }), {}, env),
      s3KeyFor(vol({ region: 'eu-west-1' }), {}, env),
      s3KeyFor(vol({ endpoint: 'http://127.0.0.1:9000' }), {}, env),
      s3KeyFor(vol({ pathStyle: true }), {}, env),
    ]) {
      expect(other).not.toBe(base);
    }
  });
});
