import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allowingPrefix, lexicallyAllowed, loadAllowList } from '../../../src/volumes/allow-list.js';
import { SbxError } from '../../../src/errors.js';
import { removeTempDir, tempDir } from './pvc-host-fixtures.js';

const root = fs.realpathSync(tempDir('allow'));
afterAll(() => removeTempDir(root));
for (const d of ['data/a', 'data/ab', 'real']) fs.mkdirSync(path.join(root, d), { recursive: true });
fs.symlinkSync(path.join(root, 'real'), path.join(root, 'link'));

describe('allow-list', () => {
  it('reads SBX_ALLOWED_HOST_PATHS (colon-separated) and matches component-wise', async () => {
    const list = await loadAllowList({ SBX_ALLOWED_HOST_PATHS: `${root}/data/a:` });
    expect(list.prefixes).toEqual([`${root}/data/a`]);
    expect(allowingPrefix(list, `${root}/data/a`)).toBe(`${root}/data/a`);
    expect(allowingPrefix(list, `${root}/data/a/x/y`)).toBe(`${root}/data/a`);
    expect(allowingPrefix(list, `${root}/data/ab`)).toBeUndefined();
    expect(allowingPrefix(list, `${root}/data`)).toBeUndefined();
  });

  it('is empty when the variable is set but empty, even if a config file allows paths', async () => {
    const file = path.join(root, 'config.yaml');
    fs.writeFileSync(file, `allowed_host_paths: [${root}/data]\n`);
    expect((await loadAllowList({ SBX_ALLOWED_HOST_PATHS: '', SBX_CONFIG: file })).prefixes).toEqual([]);
  });

  it('canonicalises entries, so a symlinked entry admits its target', async () => {
    const list = await loadAllowList({ SBX_ALLOWED_HOST_PATHS: `${root}/link` });
    expect(list.prefixes).toEqual([`${root}/real`]);
    expect(allowingPrefix(list, `${root}/real/x`)).toBe(`${root}/real`);
  });

  it('reads allowed_host_paths from $SBX_CONFIG', async () => {
    const file = path.join(root, 'sbx.yaml');
    fs.writeFileSync(file, `other_key: 1\nallowed_host_paths:\n  - ${root}/data/ab\n  - ${root}/missing\n`);
    const list = await loadAllowList({ SBX_CONFIG: file });
    expect(list.prefixes).toEqual([`${root}/data/ab`]);
    expect(list.missing).toEqual([`${root}/missing`]);
    expect(list.source).toBe(file);
  });

  it('a config file without the key allows nothing', async () => {
    const file = path.join(root, 'nokey.yaml');
    fs.writeFileSync(file, 'x: 1\n');
    expect((await loadAllowList({ SBX_CONFIG: file })).prefixes).toEqual([]);
  });

  it('refuses relative entries, a bad shape and an unreadable $SBX_CONFIG', async () => {
    await expect(loadAllowList({ SBX_ALLOWED_HOST_PATHS: 'data' })).rejects.toThrow(SbxError);
    const file = path.join(root, 'bad.yaml');
    fs.writeFileSync(file, 'allowed_host_paths: /data\n');
    await expect(loadAllowList({ SBX_CONFIG: file })).rejects.toThrow(/must be a list/);
    await expect(loadAllowList({ SBX_CONFIG: path.join(root, 'nope.yaml') })).rejects.toThrow(/cannot read/);
  });

  it('lexicallyAllowed decides for paths that do not exist', async () => {
    const list = await loadAllowList({ SBX_ALLOWED_HOST_PATHS: `${root}/data/a` });
    expect(lexicallyAllowed(list, `${root}/data/a/new`)).toBe(true);
    expect(lexicallyAllowed(list, `${root}/data/abc`)).toBe(false);
  });
});
