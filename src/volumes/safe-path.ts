import fs from 'node:fs';
import path from 'node:path';
import { SbxError, SbxErrors, type ErrorCode } from '../errors.js';

/**
 * Path checks shared by the host and pvc backends. They report a problem kind; each backend turns
 * it into its own error code (a missing pvc sub_path and a missing host path are different codes).
 */
export type PathProblemKind =
  /** The path (or one of its components) does not exist, or is not a directory. */
  | 'missing'
  /** After resolving every symlink the path leaves its base. */
  | 'escape'
  /** A component became a symlink (or stopped being a directory) after the check: the tree changed. */
  | 'changed'
  /** The check itself cannot be made (no permission, I/O error). */
  | 'unverifiable';

export class PathProblem extends Error {
  constructor(
    readonly kind: PathProblemKind,
    message: string,
  ) {
    super(message);
    this.name = 'PathProblem';
  }
}

/** True when `p` is `base` or lies below it, compared component-wise ("/data/a" does not contain "/data/ab"). */
export function isWithin(base: string, p: string): boolean {
  const rel = path.relative(base, p);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !path.isAbsolute(rel));
}

/**
 * A sub_path as a list of plain components. The manifest loader already rejects bad ones; this
 * resolver refuses them again so that no caller can be tricked by an unchecked value.
 */
export function subPathComponents(subPath: string | undefined): string[] {
  if (subPath === undefined || subPath === '') return [];
  if (subPath.includes('\0')) throw new PathProblem('escape', `sub_path ${JSON.stringify(subPath)} contains a NUL byte`);
  if (subPath.startsWith('/')) throw new PathProblem('escape', `sub_path ${JSON.stringify(subPath)} is absolute; it must be relative to the volume`);
  const parts = subPath.split('/').filter((c) => c !== '' && c !== '.');
  if (parts.includes('..')) throw new PathProblem('escape', `sub_path ${JSON.stringify(subPath)} contains ".."; it must stay inside the volume`);
  return parts;
}

/** realpath(3) of the longest existing ancestor, with the missing rest appended (for paths sbx creates later). */
export function canonicalLoose(p: string): string {
  const rest: string[] = [];
  let cur = path.resolve(p);
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return path.resolve(p);
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

/** realpath(3), with errno mapped to a problem kind. */
export function canonicalPath(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch (err) {
    throw fsProblem(err, p);
  }
}

export function requireDirectory(real: string, shown: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(real);
  } catch (err) {
    throw fsProblem(err, shown);
  }
  if (!st.isDirectory()) throw new PathProblem('missing', `${shown} is not a directory`);
}

/** realpath(3) of an existing directory. */
export function canonicalDirectory(p: string): string {
  const real = canonicalPath(p);
  requireDirectory(real, p);
  return real;
}

/**
 * The canonical directory `base/subPath` (base itself canonical). Every symlink is resolved; the
 * result must stay inside base.
 */
export function resolveInside(base: string, subPath: string | undefined): string {
  const parts = subPathComponents(subPath);
  if (!parts.length) return base;
  const joined = path.join(base, ...parts);
  const real = canonicalPath(joined);
  if (!isWithin(base, real)) {
    throw new PathProblem('escape', `sub_path ${JSON.stringify(subPath)} resolves to ${real}, outside ${base} (a symlink leads out)`);
  }
  requireDirectory(real, joined);
  return real;
}

const DIR_NOFOLLOW = fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW;

/**
 * Open a canonical directory without following any symlink on the way: each component is opened
 * relative to the already opened parent (`/proc/self/fd/<parent>/<name>` is openat() for Node),
 * with O_NOFOLLOW. A symlink anywhere means the tree changed since it was checked. The caller
 * owns the returned fd and must close it.
 */
export function openPinnedDirectory(canonical: string): number {
  if (!path.isAbsolute(canonical) || path.normalize(canonical) !== canonical) {
    throw new PathProblem('escape', `${canonical} is not a clean absolute path`);
  }
  let fd = fs.openSync('/', fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  let walked = '';
  try {
    for (const name of canonical.split('/').filter(Boolean)) {
      walked += `/${name}`;
      let next: number;
      try {
        next = fs.openSync(`/proc/self/fd/${fd}/${name}`, DIR_NOFOLLOW);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ELOOP' || code === 'ENOTDIR') {
          throw new PathProblem('changed', `${walked} is no longer a directory (replaced by a symlink or file after it was checked)`);
        }
        throw fsProblem(err, walked);
      }
      fs.closeSync(fd);
      fd = next;
    }
    return fd;
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** Same file? (device and inode) */
export function sameFile(a: fs.Stats, b: fs.Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

export function fsProblem(err: unknown, p: string): PathProblem {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new PathProblem('missing', `${p} does not exist`);
    case 'ELOOP':
      return new PathProblem('escape', `${p}: too many levels of symbolic links`);
    default:
      return new PathProblem('unverifiable', `${p} cannot be checked (${code ?? (err as Error).message})`);
  }
}

/** A path problem as the SbxError of the backend that met it. */
export function problemError(p: PathProblem, codes: Record<PathProblemKind, ErrorCode>, context: string, hint?: string): SbxError {
  return new SbxError(codes[p.kind], `${context}: ${p.message}`, { hint, cause: p });
}

/** Throw the problems found in a preflight, each once: one as itself, several together. */
export function throwAll(errors: SbxError[]): void {
  const unique = errors.filter((e, i) => errors.findIndex((x) => x.code === e.code && x.message === e.message) === i);
  if (unique.length === 1) throw unique[0];
  if (unique.length) throw new SbxErrors(unique);
}
