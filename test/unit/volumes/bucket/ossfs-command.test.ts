import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../../../src/secret.js';
import { ossfs1Argv, ossfs1Passwd, ossfs2Argv, ossfs2Config } from '../../../../src/volumes/bucket/command.js';
import { fullPrefix, ossfsKeyFor } from '../../../../src/volumes/bucket/identity.js';
import { ROOT } from '../../../helpers/cli.js';
import { ossfsVolume } from './ossfs-fixtures.js';

const GOLDEN = path.join(ROOT, 'test/golden/ossfs');
const creds = { accessKeyId: new Secret('LTAI-golden-id'), accessKeySecret: new Secret('golden-secret-value') };
const DIR = '/var/lib/sbx/ossfs/0123456789abcdef0123';

/** Compare with a checked-in file; UPDATE_GOLDEN=1 rewrites it. */
async function golden(name: string, actual: string): Promise<void> {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) {
    await mkdir(GOLDEN, { recursive: true });
    await writeFile(file, actual);
  }
  expect(actual).toBe(await readFile(file, 'utf8'));
}

const argvText = (argv: string[]) => argv.join('\n') + '\n';

const cases = {
  'root-of-bucket': ossfsVolume({ prefix: '' }),
  'prefix-and-sub-path': ossfsVolume({ prefix: 'team-a/data' }),
  'region-and-options': ossfsVolume({ region: 'cn-hangzhou', options: ['umask=0022', 'ro', 'allow_other'] }),
};
const subPaths: Record<keyof typeof cases, string | undefined> = {
  'root-of-bucket': undefined,
  'prefix-and-sub-path': 'run-42/out',
  'region-and-options': undefined,
};

describe('ossfs 1.0 command line', () => {
  for (const [name, vol] of Object.entries(cases) as [keyof typeof cases, (typeof cases)[keyof typeof cases]][]) {
    it(`matches the golden argv: ${name}`, async () => {
      const argv = ossfs1Argv({ bin: 'ossfs', vol: { ...vol, version: '1.0' }, prefix: fullPrefix(vol, subPaths[name]), dir: DIR, passwdFile: '/var/lib/sbx/private/cred-XXXXXX/passwd' });
      await golden(`v1-${name}.argv`, argvText(argv));
    });
  }

  it('never puts a credential on the command line', () => {
    const argv = ossfs1Argv({ bin: 'ossfs', vol: ossfsVolume({ version: '1.0' }), prefix: 'p', dir: DIR, passwdFile: '/x/passwd' });
    expect(argv.join(' ')).not.toContain('golden-secret-value');
    expect(argv.join(' ')).not.toContain('LTAI-golden-id');
  });

  it('adds allow_other once', () => {
    const argv = ossfs1Argv({ bin: 'ossfs', vol: ossfsVolume({ version: '1.0', options: ['allow_other'] }), prefix: '', dir: DIR, passwdFile: '/x' });
    expect(argv.filter((a) => a === 'allow_other')).toHaveLength(1);
  });

  it('writes the passwd file as BUCKET:ID:SECRET', () => {
    expect(ossfs1Passwd(ossfsVolume(), creds)).toBe('team-bucket:LTAI-golden-id:golden-secret-value\n');
  });
});

describe('ossfs 2.0 command line and config file', () => {
  for (const [name, vol] of Object.entries(cases) as [keyof typeof cases, (typeof cases)[keyof typeof cases]][]) {
    it(`matches the golden config: ${name}`, async () => {
      const conf = ossfs2Config({ vol, prefix: fullPrefix(vol, subPaths[name]), creds, logDir: '/var/lib/sbx/ossfs-logs/0123456789abcdef0123' });
      await golden(`v2-${name}.conf`, conf);
    });
  }

  it('is `ossfs2 mount DIR -c CONF`', async () => {
    await golden('v2.argv', argvText(ossfs2Argv('ossfs2', DIR, '/var/lib/sbx/private/cred-XXXXXX/ossfs2.conf')));
  });
});

describe('mount key', () => {
  const vol = ossfsVolume({ prefix: 'a', options: ['umask=0022', 'ro'] });
  const env = { OSS_ACCESS_KEY_ID: 'id-1', OSS_ACCESS_KEY_SECRET: 's-1' };

  it('is a short hex hash that names no credential', () => {
    const key = ossfsKeyFor(vol, {}, env);
    expect(key).toMatch(/^[0-9a-f]{20}$/);
  });

  it('treats sub_path as part of the prefix', () => {
    expect(fullPrefix(vol, 'b/c')).toBe('a/b/c');
    expect(ossfsKeyFor(vol, { subPath: 'b' }, env)).toBe(ossfsKeyFor({ ...vol, prefix: 'a/b' }, {}, env));
    expect(ossfsKeyFor(vol, { subPath: 'b' }, env)).not.toBe(ossfsKeyFor(vol, { subPath: 'c' }, env));
    expect(ossfsKeyFor(vol, { subPath: 'b/./c' }, env)).toBe(ossfsKeyFor(vol, { subPath: 'b/c' }, env));
  });

  it('ignores option order but not options', () => {
    expect(ossfsKeyFor({ ...vol, options: ['ro', 'umask=0022'] }, {}, env)).toBe(ossfsKeyFor(vol, {}, env));
    expect(ossfsKeyFor({ ...vol, options: ['ro'] }, {}, env)).not.toBe(ossfsKeyFor(vol, {}, env));
  });

  it('differs per access key id, not per secret', () => {
    expect(ossfsKeyFor(vol, {}, { ...env, OSS_ACCESS_KEY_SECRET: 'other' })).toBe(ossfsKeyFor(vol, {}, env));
    expect(ossfsKeyFor(vol, {}, { ...env, OSS_ACCESS_KEY_ID: 'id-2' })).not.toBe(ossfsKeyFor(vol, {}, env));
  });

  it('differs per version, endpoint, bucket and region', () => {
    const base = ossfsKeyFor(vol, {}, env);
    expect(ossfsKeyFor({ ...vol, version: '1.0' }, {}, env)).not.toBe(base);
    expect(ossfsKeyFor({ ...vol, endpoint: 'https://oss-cn-beijing.aliyuncs.com' }, {}, env)).not.toBe(base);
    expect(ossfsKeyFor({ ...vol, bucket: 'other' }, {}, env)).not.toBe(base);
    expect(ossfsKeyFor({ ...vol, region: 'cn-hangzhou' }, {}, env)).not.toBe(base);
  });
});

describe('raw options reach the tool one by one', () => {
  it('splits a comma-separated 1.0 entry into separate -o options', () => {
    const argv = ossfs1Argv({ bin: 'ossfs', vol: ossfsVolume({ version: '1.0', options: ['umask=0022,ro', 'allow_other'] }), prefix: '', dir: DIR, passwdFile: '/x' });
    expect(argv.slice(3)).toEqual(['-o', 'url=https://oss-cn-hangzhou.aliyuncs.com', '-o', 'passwd_file=/x', '-o', 'umask=0022', '-o', 'ro', '-o', 'allow_other']);
  });

  it('refuses a smuggled credential option even when the loader was bypassed', () => {
    const vol = ossfsVolume({ version: '1.0', options: ['umask=0022,passwd_file=/root/.passwd-ossfs'] });
    expect(() => ossfs1Argv({ bin: 'ossfs', vol, prefix: '', dir: DIR, passwdFile: '/x' })).toThrow('ossfs 1.0 option "passwd_file=/root/.passwd-ossfs" sets "passwd_file", which sbx manages itself');
  });

  it('refuses a 2.0 flagfile line', () => {
    const vol = ossfsVolume({ version: '2.0', options: ['flagfile=/etc/x.conf'] });
    expect(() => ossfs2Config({ vol, prefix: '', creds, logDir: '/l' })).toThrow('sets "flagfile", which sbx manages itself');
  });
});
