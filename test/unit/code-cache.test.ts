import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { codeCacheDir } from '../../src/code-cache.js';
import { ROOT } from '../helpers/cli.js';

/**
 * Each load in a process of its own, as each command is: within one process V8 answers a second
 * compile of the same source from memory and never reads the cache given.
 */
function loadOnce(cache: string, workload: string, main: string): { answer: string; status: Record<string, string> } {
  const script = `
    const { codeCacheLoader } = require(${JSON.stringify(path.join(ROOT, 'dist/bundle/code-cache.cjs'))});
    const l = codeCacheLoader(${JSON.stringify(cache)}, ${JSON.stringify(workload)});
    const answer = l.load(${JSON.stringify(main)}).answer();
    l.save();
    const status = Object.fromEntries(l.report().map((r) => [require('node:path').basename(r.file), r.cache]));
    process.stdout.write(JSON.stringify({ answer, status }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { answer: string; status: Record<string, string> };
}

const tmps: string[] = [];
afterEach(() => tmps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'sbx-code-cache-'));
  tmps.push(d);
  return d;
}

/** A bundle in its own directory: main.cjs requires ./dep.cjs, both with some functions to compile. */
function bundle(tag = 'one'): { dir: string; main: string } {
  const dir = tmp();
  const fns = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x.map((y) => y * ${i} + '${tag}').join(','); }`).join('\n');
  writeFileSync(path.join(dir, 'dep.cjs'), `${fns}\nexports.value = f7([1, 2]);\n`);
  writeFileSync(path.join(dir, 'main.cjs'), `${fns}\nconst dep = require('./dep.cjs');\nexports.answer = () => f3([1]) + '|' + dep.value + '|' + require('node:path').basename(__filename);\n`);
  return { dir, main: path.join(dir, 'main.cjs') };
}

const cacheFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v8')).sort();

describe('code cache loader', () => {
  it('runs a bundle and its siblings, writes a cache at save, and the next load uses it', () => {
    const { main } = bundle();
    const cache = path.join(tmp(), 'sbx', 'code');
    const first = loadOnce(cache, 'apply', main);
    expect(first).toEqual({ answer: '3one|7one,14one|main.cjs', status: { 'main.cjs': 'none', 'dep.cjs': 'none' } });
    const files = cacheFiles(cache);
    expect(files).toHaveLength(2);
    for (const f of files) expect(statSync(path.join(cache, f)).mode & 0o777).toBe(0o600);
    expect(statSync(cache).mode & 0o777).toBe(0o700);

    expect(loadOnce(cache, 'apply', main)).toEqual({ answer: '3one|7one,14one|main.cjs', status: { 'main.cjs': 'used', 'dep.cjs': 'used' } });
  });

  it('rewrites a cache only for a kind of command it was not made by', () => {
    const { main } = bundle();
    const cache = tmp();
    const run = (workload: string) => loadOnce(cache, workload, main);
    run('ls');
    const file = path.join(cache, cacheFiles(cache).find((f) => f.startsWith('main.cjs-'))!);
    const header = () => readFileSync(file).subarray(0, readFileSync(file).indexOf(0x0a)).toString();
    const inode = () => statSync(file).ino;
    expect(header()).toBe('{"workloads":["ls"]}');
    const before = inode();
    run('ls');
    expect(inode()).toBe(before);
    run('apply');
    expect(header()).toBe('{"workloads":["ls","apply"]}');
    expect(inode()).not.toBe(before);
  });

  it('does not use a cache file another user could have written, nor a symlink, nor data V8 rejects', () => {
    const { main } = bundle();
    const cache = tmp();
    loadOnce(cache, 'ls', main);
    const file = path.join(cache, cacheFiles(cache).find((f) => f.startsWith('main.cjs-'))!);
    const good = readFileSync(file);
    const mainStatus = () => loadOnce(cache, 'ls', main).status['main.cjs'];

    chmodSync(file, 0o664);
    expect(mainStatus()).toBe('none');
    chmodSync(file, 0o600);
    expect(mainStatus()).toBe('used');

    rmSync(file);
    const elsewhere = path.join(tmp(), 'planted.v8');
    writeFileSync(elsewhere, good, { mode: 0o600 });
    symlinkSync(elsewhere, file);
    expect(mainStatus()).toBe('none');
    rmSync(file);

    writeFileSync(file, Buffer.concat([Buffer.from('{"workloads":["ls"]}\n'), Buffer.alloc(good.length, 7)]), { mode: 0o600 });
    expect(loadOnce(cache, 'ls', main)).toEqual({ answer: '3one|7one,14one|main.cjs', status: { 'main.cjs': 'rejected', 'dep.cjs': 'used' } });
    expect(mainStatus()).toBe('used');
  });

  it.runIf(process.geteuid?.() === 0)('makes no directory inside another user directory', () => {
    const { main } = bundle();
    const home = tmp();
    chownSync(home, 65534, 65534);
    expect(loadOnce(path.join(home, '.cache/sbx/code'), 'ls', main).status['main.cjs']).toBe('off');
    expect(readdirSync(home)).toEqual([]);
  });

  it.runIf(process.geteuid?.() === 0)('does not use a cache file owned by another user', () => {
    const { main } = bundle();
    const cache = tmp();
    loadOnce(cache, 'ls', main);
    const file = path.join(cache, cacheFiles(cache).find((f) => f.startsWith('main.cjs-'))!);
    chownSync(file, 65534, 65534);
    expect(loadOnce(cache, 'ls', main).status['main.cjs']).toBe('none');
  });

  it('uses no directory others can write to, and a new build replaces the old build cache', () => {
    const open = tmp();
    chmodSync(open, 0o777);
    const { main, dir } = bundle('one');
    expect(loadOnce(open, 'ls', main).status['main.cjs']).toBe('off');
    expect(cacheFiles(open)).toEqual([]);

    const cache = tmp();
    loadOnce(cache, 'ls', main);
    const old = cacheFiles(cache).filter((f) => f.startsWith('main.cjs-'));
    writeFileSync(main, readFileSync(main, 'utf8').replaceAll("'|'", "'/'"));
    expect(loadOnce(cache, 'ls', main).answer).toBe('3one/7one,14one/main.cjs');
    const now = cacheFiles(cache).filter((f) => f.startsWith('main.cjs-'));
    expect(now).toHaveLength(1);
    expect(now).not.toEqual(old);
    expect(cacheFiles(cache).filter((f) => f.startsWith('dep.cjs-'))).toHaveLength(1);
    expect(readdirSync(dir).sort()).toEqual(['dep.cjs', 'main.cjs']);
  });

  it('lives under XDG_CACHE_HOME or ~/.cache of an existing home, and SBX_DISABLE_CODE_CACHE switches it off', () => {
    const [home, xdg] = [tmp(), tmp()];
    expect(codeCacheDir({ HOME: home })).toBe(path.join(home, '.cache/sbx/code'));
    expect(codeCacheDir({ HOME: home, XDG_CACHE_HOME: xdg })).toBe(path.join(xdg, 'sbx/code'));
    expect(codeCacheDir({ HOME: home, XDG_CACHE_HOME: 'relative' })).toBeUndefined();
    expect(codeCacheDir({ HOME: path.join(home, 'nonexistent') })).toBeUndefined();
    expect(codeCacheDir({ HOME: home, XDG_CACHE_HOME: path.join(xdg, 'nonexistent') })).toBeUndefined();
    expect(codeCacheDir({ HOME: home, SBX_DISABLE_CODE_CACHE: '1' })).toBeUndefined();
    expect(codeCacheDir({ HOME: home, SBX_DISABLE_CODE_CACHE: '0' })).toBe(path.join(home, '.cache/sbx/code'));
    expect(codeCacheDir({})).toBeUndefined();
  });
});

describe('bin/sbx', () => {
  const validate = (env: Record<string, string>) =>
    execFileSync(process.execPath, [path.join(ROOT, 'bin/sbx'), 'validate', '-f', path.join(ROOT, 'manifests/shared-volume.yaml')], { env: { PATH: process.env.PATH, NO_COLOR: '1', ...env }, encoding: 'utf8' });

  it('keeps the CLI bundles compiled code in the user cache directory, and none when switched off', () => {
    const home = tmp();
    const out = validate({ HOME: home });
    const cache = path.join(home, '.cache/sbx/code');
    expect(cacheFiles(cache).map((f) => f.replace(/-[0-9a-f]+\.v8$/, ''))).toEqual(['sbx.cjs', 'yaml.cjs']);
    expect(validate({ HOME: home })).toBe(out);

    const other = tmp();
    mkdirSync(path.join(other, '.cache'));
    expect(validate({ HOME: other, SBX_DISABLE_CODE_CACHE: '1' })).toBe(out);
    expect(readdirSync(path.join(other, '.cache'))).toEqual([]);
  });
});
