import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mountOptionProblems, type MountTool } from '../../../src/manifest/mount-options.js';
import { sbx } from '../../helpers/cli.js';
import { errorsOf } from './helpers.js';

/** Entries a hostile manifest author could write, and the single option each must be refused for. */
const SMUGGLED: [MountTool, string, string, string][] = [
  ['ossfs 1.0', 'umask=0022,passwd_file=/root/.passwd-ossfs', 'passwd_file=/root/.passwd-ossfs', 'sets "passwd_file", which sbx manages itself'],
  ['ossfs 1.0', ',url=http://127.0.0.1:1/', '', 'is empty (two commas, or a comma at an end)'],
  ['ossfs 1.0', 'ro,url=http://127.0.0.1:1/', 'url=http://127.0.0.1:1/', 'sets "url", which sbx manages itself'],
  ['ossfs 1.0', 'allow_other,credlib=/tmp/x.so', 'credlib=/tmp/x.so', 'sets "credlib", which sbx manages itself'],
  ['ossfs 1.0', 'credential_process=/tmp/x', 'credential_process=/tmp/x', 'sets "credential_process", which sbx manages itself'],
  ['ossfs 1.0', 'logfile=/etc/cron.d/x', 'logfile=/etc/cron.d/x', 'sets "logfile", which sbx manages itself'],
  ['ossfs 1.0', 'ram_role=auto', 'ram_role=auto', 'sets "ram_role", which sbx manages itself'],
  ['ossfs 1.0', 'use_cache=/etc', 'use_cache=/etc', 'sets "use_cache", which sbx manages itself'],
  ['ossfs 1.0', 'uid=0,umask=0000,bucket=other', 'bucket=other', 'sets "bucket", which sbx manages itself'],
  ['ossfs 1.0', 'umask=/etc/shadow', 'umask=/etc/shadow', '"umask" takes an octal mode such as 0022'],
  ['ossfs 1.0', 'ro=1', 'ro=1', '"ro" takes no value'],
  ['ossfs 1.0', 'modules=subdir', 'modules=subdir', '"modules" is not an option sbx passes to ossfs 1.0'],
  ['ossfs 2.0', 'flagfile=/etc/x.conf', 'flagfile=/etc/x.conf', 'sets "flagfile", which sbx manages itself'],
  ['ossfs 2.0', 'oss_access_key_id=x', 'oss_access_key_id=x', 'sets "oss_access_key_id", which sbx manages itself'],
  ['ossfs 2.0', 'oss_endpoint=http://127.0.0.1:1', 'oss_endpoint=http://127.0.0.1:1', 'sets "oss_endpoint", which sbx manages itself'],
  ['ossfs 2.0', 'credential_process=/tmp/x', 'credential_process=/tmp/x', 'sets "credential_process", which sbx manages itself'],
  ['ossfs 2.0', 'log_dir=/etc', 'log_dir=/etc', 'sets "log_dir", which sbx manages itself'],
  ['ossfs 2.0', 'ro,flagfile=/etc/x.conf', 'ro,flagfile=/etc/x.conf', '"ro,flagfile" is not an option sbx passes to ossfs 2.0'],
  ['ossfs 2.0', 'http_proxy=127.0.0.1:1', 'http_proxy=127.0.0.1:1', 'sets "http_proxy", which sbx manages itself'],
  ['s3fs', 'umask=0022,passwd_file=/root/.passwd-s3fs', 'passwd_file=/root/.passwd-s3fs', 'sets "passwd_file", which sbx manages itself'],
  ['s3fs', 'profile=prod', 'profile=prod', 'sets "profile", which sbx manages itself'],
  ['s3fs', 'iam_role=auto', 'iam_role=auto', 'sets "iam_role", which sbx manages itself'],
  ['s3fs', 'ssl_client_cert=/root/key.pem', 'ssl_client_cert=/root/key.pem', 'sets "ssl_client_cert", which sbx manages itself'],
];

describe('mount options are split as the tool splits them and allowed one by one', () => {
  it.each(SMUGGLED)('%s refuses %j', (tool, entry, option, problem) => {
    const found = mountOptionProblems(entry, tool).find((p) => p.option === option);
    expect(found?.problem.startsWith(problem), JSON.stringify(found)).toBe(true);
  });

  it('lists what is allowed when an option is unknown', () => {
    expect(mountOptionProblems('modules=subdir', 's3fs')[0].problem).toMatch(/^"modules" is not an option sbx passes to s3fs \(allowed: allow_other, compat_dir, complement_stat, /);
  });

  it.each([
    ['ossfs 1.0', 'umask=0022,ro,allow_other'],
    ['ossfs 1.0', 'max_stat_cache_size=100000'],
    ['ossfs 1.0', 'stat_cache_expire=-1,dbglevel=info'],
    ['ossfs 2.0', 'ro'],
    ['ossfs 2.0', 'allow_other=false'],
    ['ossfs 2.0', 'dir_mode=0755'],
    ['s3fs', 'use_path_request_style,enable_noobj_cache'],
  ] as [MountTool, string][])('%s accepts %j', (tool, entry) => {
    expect(mountOptionProblems(entry, tool)).toEqual([]);
  });

  it('refuses whitespace, a leading dash and emptiness before splitting', () => {
    expect(mountOptionProblems('-o allow_other', 'ossfs 1.0')).toEqual([{ option: '-o allow_other', problem: 'must not start with "-" (write the raw payload, e.g. "umask=0022")' }]);
    expect(mountOptionProblems('ro uid=0', 'ossfs 1.0')).toEqual([{ option: 'ro uid=0', problem: 'must not contain whitespace, line breaks or NUL' }]);
    expect(mountOptionProblems(' ', 's3fs')).toEqual([{ option: ' ', problem: 'is empty' }]);
  });
});

const manifest = (version: string, options: string) => `apiVersion: sandboxd.o/v1
kind: Sandbox
id: smuggle
spec:
  volumes:
    - name: bucket
      ossfs:
        bucket: team-bucket
        endpoint: oss-cn-hangzhou.aliyuncs.com
        version: "${version}"
        options: ${options}
  containers:
    - name: app
      image: alpine:3.20
      resource: {cpu: 500m, memory: 128Mi}
      volume_mounts: [{name: bucket, mount_path: /mnt/oss}]
`;

describe('the loader refuses a smuggled option at its position', () => {
  it('names the one option of a comma-separated 1.0 entry, at file:line:col', async () => {
    const [e, ...rest] = await errorsOf(manifest('1.0', '[umask=0022, "umask=0022,passwd_file=/root/.passwd-ossfs"]'));
    expect(rest).toEqual([]);
    expect({ code: e.code, path: e.path, line: e.line, column: e.column, message: e.message }).toEqual({
      code: 'MANIFEST_INVALID',
      path: 'spec.volumes[0].ossfs.options[1]',
      line: 11,
      column: 31,
      message: 'option "passwd_file=/root/.passwd-ossfs" sets "passwd_file", which sbx manages itself',
    });
  });

  it('refuses the plain url= form too, not only at dry-run', async () => {
    const [e] = await errorsOf(manifest('1.0', '[url=http://127.0.0.1:9/]'));
    expect(e.message).toBe('option sets "url", which sbx manages itself');
  });

  it('checks 2.0 entries as config lines', async () => {
    const [e] = await errorsOf(manifest('2.0', '[flagfile=/etc/x.conf]'));
    expect([e.path, e.message]).toEqual(['spec.volumes[0].ossfs.options[0]', 'option sets "flagfile", which sbx manages itself']);
  });

  it('sbx validate exits 2 with the position, without Docker', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sbx-smuggle-')), 'm.yaml');
    writeFileSync(file, manifest('1.0', '["allow_other,credlib=/tmp/x.so"]'));
    const r = await sbx(['validate', '-f', file], { env: { SBX_DOCKER: '/nonexistent' } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(
      `${file}:11:19  spec.volumes[0].ossfs.options[0]  error[MANIFEST_INVALID]: option "credlib=/tmp/x.so" sets "credlib", which sbx manages itself`,
    );
  });
});
