import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, constants as fs, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import path from 'node:path';
import { cachedDataVersionTag } from 'node:v8';
import { Script } from 'node:vm';

/**
 * sbx's CommonJS bundles loaded with V8's code cache, so that a command does not compile again what the
 * commands before it compiled (~15–35 ms of every start on this kind of machine). Node 20 has no
 * built-in compile cache (module.enableCompileCache is Node 22), and the npm package for it keeps its
 * files in the shared temporary directory, where another user could plant code for root to run.
 *
 * A cache file is named by the bundle's content hash and the V8 version tag, and is used only when it is
 * a regular file owned by this user and writable by nobody else, in a directory of the same kind. It is
 * written at exit, when the bundle had none, V8 rejected it, or this kind of command (its first word)
 * was not among those the cache was made by; the new file holds what this process compiled, the old
 * cache's functions included.
 */
export interface CodeCacheLoader {
  /** require() of a bundle file: evaluated once, its `./NAME.cjs` siblings loaded the same way. */
  load(file: string): unknown;
  /** Write the caches this process should: called once, at exit. */
  save(): void;
  /** Per file loaded: whether a cache was used. */
  report(): { file: string; cache: 'used' | 'none' | 'rejected' | 'off' }[];
}

const MAX_WORKLOADS = 32;
const SIBLING = /^\.\/[\w.-]+\.cjs$/;

/**
 * Where the caches go: $XDG_CACHE_HOME/sbx/code or ~/.cache/sbx/code; undefined when switched off, or
 * when that directory (or the home) does not exist (HOME=/nonexistent must not make one).
 */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.SBX_DISABLE_CODE_CACHE && env.SBX_DISABLE_CODE_CACHE !== '0') return undefined;
  const [root, base] = env.XDG_CACHE_HOME ? [env.XDG_CACHE_HOME, env.XDG_CACHE_HOME] : env.HOME ? [env.HOME, path.join(env.HOME, '.cache')] : [];
  return root && base && path.isAbsolute(base) && existsSync(root) ? path.join(base, 'sbx', 'code') : undefined;
}

export function codeCacheLoader(dir: string | undefined, workload: string): CodeCacheLoader {
  const usable = dir !== undefined && ownDirectory(dir);
  const loaded = new Map<string, { exports: unknown }>();
  const toWrite: { script: Script; cacheFile: string; workloads: string[]; stale: boolean }[] = [];
  const reports: ReturnType<CodeCacheLoader['report']> = [];

  const load = (file: string): unknown => {
    const known = loaded.get(file);
    if (known) return known.exports;
    const source = readFileSync(file, 'utf8');
    const cacheFile = usable ? path.join(dir, `${path.basename(file)}-${cacheKey(source)}.v8`) : undefined;
    const cached = cacheFile ? readCache(cacheFile) : undefined;
    const script = new Script(wrap(source), { filename: file, cachedData: cached?.data });
    const rejected = cached !== undefined && script.cachedDataRejected === true;
    reports.push({ file, cache: !cacheFile ? 'off' : !cached ? 'none' : rejected ? 'rejected' : 'used' });
    const workloads = cached && !rejected ? cached.workloads : [];
    if (cacheFile && (!cached || rejected || (!workloads.includes(workload) && workloads.length < MAX_WORKLOADS))) {
      toWrite.push({ script, cacheFile, workloads: [...workloads, workload], stale: !cached });
    }
    const module = { exports: {} as unknown, id: file, filename: file, loaded: false };
    loaded.set(file, module);
    const base = createRequire(file);
    const require = Object.assign((id: string) => (SIBLING.test(id) ? load(path.join(path.dirname(file), id)) : base(id)), { main: base.main, resolve: base.resolve, cache: base.cache });
    (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, require, module, file, path.dirname(file));
    module.loaded = true;
    return module.exports;
  };

  const save = () => {
    for (const w of toWrite.splice(0)) {
      try {
        writeCache(w.cacheFile, w.workloads, w.script.createCachedData());
        if (w.stale) removeOtherVersions(w.cacheFile);
      } catch {
        // A cache that cannot be written costs the next start its compile time, nothing else.
      }
    }
  };

  return { load, save, report: () => [...reports] };
}

function cacheKey(source: string): string {
  return createHash('sha256').update(source).update(`\0${process.version}\0${process.arch}\0${cachedDataVersionTag()}`).digest('hex').slice(0, 24);
}

/**
 * The directory exists (made now if need be, 0700) and only this user can write to it. It is not made
 * inside another user's directory (root with a user's HOME, under sudo -E).
 */
function ownDirectory(dir: string): boolean {
  try {
    let existing = dir;
    while (!existsSync(existing)) existing = path.dirname(existing);
    if (existing !== dir && lstatSync(existing).uid !== process.geteuid?.()) return false;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    return st.isDirectory() && ownedOnlyByMe(st);
  } catch {
    return false;
  }
}

function ownedOnlyByMe(st: { uid: number; mode: number }): boolean {
  return st.uid === process.geteuid?.() && (st.mode & 0o022) === 0;
}

/** The cache's header line (the kinds of command it was made by), then V8's data; undefined when absent or not trusted. */
function readCache(file: string): { workloads: string[]; data: Buffer } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, fs.O_RDONLY | fs.O_NOFOLLOW);
    const st = fstatSync(fd);
    if (!st.isFile() || !ownedOnlyByMe(st)) return undefined;
    const buf = readFileSync(fd);
    const nl = buf.indexOf(0x0a);
    if (nl < 0) return undefined;
    const header = JSON.parse(buf.subarray(0, nl).toString('utf8')) as { workloads?: unknown };
    const workloads = Array.isArray(header.workloads) ? header.workloads.filter((w): w is string => typeof w === 'string') : [];
    return { workloads, data: buf.subarray(nl + 1) };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function writeCache(file: string, workloads: string[], data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify({ workloads })}\n`), data]), { mode: 0o600 });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** A new build's cache replaces those of the builds before it. */
function removeOtherVersions(cacheFile: string): void {
  const dir = path.dirname(cacheFile);
  const prefix = path.basename(cacheFile).replace(/-[0-9a-f]+\.v8$/, '-');
  for (const name of readdirSync(dir)) {
    if (name.startsWith(prefix) && name.endsWith('.v8') && name !== path.basename(cacheFile)) unlinkSync(path.join(dir, name));
  }
}
