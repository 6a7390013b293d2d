import { posix } from 'node:path';

/** Problems of an absolute container or host path; empty when fine. */
export function absolutePathProblems(p: string): string[] {
  if (p === '') return ['is required'];
  if (/[\0\n\r]/.test(p)) return ['must not contain NUL or line breaks'];
  if (!p.startsWith('/')) return ['must be absolute'];
  if (!isClean(p)) return [`must be clean (no ".", "..", "//" or trailing "/"; did you mean ${posix.normalize(p).replace(/(.)\/$/, '$1')}?)`];
  return [];
}

export function isClean(p: string): boolean {
  if (p === '/') return true;
  return posix.normalize(p) === p && !p.endsWith('/') && !p.split('/').includes('.');
}

/** True when p is `root` or below it. */
export function isAtOrUnder(p: string, root: string): boolean {
  return p === root || p.startsWith(root + '/');
}

const SYSTEM_ROOTS = ['/proc', '/sys', '/dev'];

/**
 * Rules for a mount target inside a container. Volume mounts may not use /tmp (it is the
 * container's private tmpfs); a tmpfs entry may (it replaces the automatic one).
 */
export function mountPathProblems(p: string, kind: 'volume' | 'tmpfs'): string[] {
  const base = absolutePathProblems(p);
  if (base.length) return base;
  if (p === '/') return ["'/' is not allowed"];
  if (/[:,]/.test(p)) return ['must not contain ":" or ","'];
  const system = SYSTEM_ROOTS.find((r) => isAtOrUnder(p, r));
  if (system) return [`must not be under ${system}`];
  if (kind === 'volume' && isAtOrUnder(p, '/tmp')) return [`${p} is reserved (/tmp is the container's private tmpfs)`];
  return [];
}

/** sub_path: a relative, clean path inside the volume that cannot climb out of it. */
export function subPathProblems(p: string): string[] {
  if (p === '') return ['must not be empty (omit it to mount the volume root)'];
  if (/[\0\n\r]/.test(p)) return ['must not contain NUL or line breaks'];
  if (p.includes('\\')) return ['must not contain a backslash'];
  if (p.startsWith('/')) return ['must be relative (no leading "/")'];
  if (p.split('/').includes('..')) return ['must not contain a ".." component'];
  if (!isClean(p) || p === '.') return ['must be clean (no ".", "//" or trailing "/")'];
  return [];
}
