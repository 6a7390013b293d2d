/** Checks of the runtime options of a container: env, capabilities, security_opt, tmpfs options, image. */

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function envProblem(entry: string): string | undefined {
  const eq = entry.indexOf('=');
  if (eq < 0) return `"${entry.slice(0, 64)}" must be KEY=VALUE`;
  const key = entry.slice(0, eq);
  if (!ENV_KEY.test(key)) return `invalid variable name "${key.slice(0, 64)}" (letters, digits, "_", "." or "-", not starting with a digit)`;
  if (entry.includes('\0')) return 'must not contain NUL';
  return undefined;
}

export function capabilityProblem(cap: string): { message: string; hint?: string } | undefined {
  if (/^[A-Z0-9_]+$/.test(cap)) return undefined;
  const upper = cap.toUpperCase();
  return {
    message: `unsupported capability "${cap.slice(0, 64)}"`,
    hint: /^[A-Z0-9_]+$/.test(upper) ? `did you mean ${upper}?` : 'capability names are upper case, e.g. NET_ADMIN or ALL',
  };
}

export const SECURITY_OPT_HINT =
  'supported: no-new-privileges[:true|false], seccomp=runtime/default|unconfined|localhost/<abs path>, apparmor=runtime/default|unconfined|localhost/<name>';

export function securityOptProblem(opt: string): string | undefined {
  if (opt === 'no-new-privileges') return undefined;
  const m = /^([a-z-]+)[=:](.*)$/.exec(opt);
  if (!m) return `unsupported security_opt "${opt.slice(0, 64)}" (must use key=value or key:value)`;
  const [, key, value] = m;
  if (key === 'no-new-privileges') return value === 'true' || value === 'false' ? undefined : `security_opt no-new-privileges has invalid boolean "${value.slice(0, 32)}"`;
  if (key !== 'seccomp' && key !== 'apparmor') return `unsupported security_opt "${key}"`;
  if (value === 'runtime/default' || value === 'unconfined') return undefined;
  if (!value.startsWith('localhost/')) return `unsupported security_opt ${key} value "${value.slice(0, 64)}"`;
  const profile = value.slice('localhost/'.length);
  if (profile === '') return `security_opt ${key}=localhost/ requires a profile value`;
  if (key === 'seccomp' && !profile.startsWith('/')) return 'security_opt seccomp=localhost/<path> requires an absolute path';
  if (/[\0\n\r,]/.test(profile)) return `security_opt ${key} profile must not contain NUL, line breaks or ","`;
  return undefined;
}

/** Kernel tmpfs accepts k/m/g/t/p/e (powers of 1024) and %; other sandboxd units become bytes. */
const TMPFS_SIZE = /^(\d+)(b|k|m|g|t|p|e|kb|mb|gb|tb|ki|mi|gi|ti|kib|mib|gib|tib|%)?$/i;
const SIZE_MULTIPLIER: Record<string, bigint> = {
  b: 1n, kb: 1000n, mb: 1000n ** 2n, gb: 1000n ** 3n, tb: 1000n ** 4n,
  ki: 1024n, mi: 1024n ** 2n, gi: 1024n ** 3n, ti: 1024n ** 4n,
  kib: 1024n, mib: 1024n ** 2n, gib: 1024n ** 3n, tib: 1024n ** 4n,
};

export interface TmpfsOptionsResult {
  problems: string[];
  /** The options with every size in a form the kernel accepts. */
  normalised: string;
}

export function checkTmpfsOptions(options: string): TmpfsOptionsResult {
  if (options === '') return { problems: [], normalised: '' };
  const problems: string[] = [];
  const out: string[] = [];
  for (const raw of options.split(',')) {
    const opt = raw.trim();
    const [key, value] = opt.includes('=') ? [opt.slice(0, opt.indexOf('=')), opt.slice(opt.indexOf('=') + 1)] : [opt, undefined];
    if (opt === '') problems.push('empty option');
    else if (['ro', 'rw', 'nosuid', 'suid', 'nodev', 'dev', 'noexec', 'exec'].includes(opt)) out.push(opt);
    else if (key === 'mode') {
      if (!value) problems.push('mode requires a value');
      else if (!/^[0-7]{3,4}$/.test(value)) problems.push(`invalid mode "${value.slice(0, 16)}" (octal, e.g. 1777)`);
      else out.push(opt);
    } else if (key === 'size') {
      const m = value ? TMPFS_SIZE.exec(value) : null;
      if (!value) problems.push('size requires a value');
      else if (!m || BigInt(m[1]) === 0n) problems.push(`invalid size "${value.slice(0, 16)}" (e.g. size=64m)`);
      else {
        const unit = (m[2] ?? '').toLowerCase();
        const mult = SIZE_MULTIPLIER[unit];
        out.push(mult ? `size=${BigInt(m[1]) * mult}` : opt);
      }
    } else if (key === 'uid' || key === 'gid' || key === 'nr_inodes') {
      if (!value || !/^\d+$/.test(value)) problems.push(`${key} requires a number`);
      else out.push(opt);
    } else problems.push(`unsupported option "${opt.slice(0, 32)}"`);
  }
  return { problems, normalised: out.join(',') };
}

/** A light image reference check; the engine does the full parse. */
export function imageProblem(image: string): string | undefined {
  if (image.trim() === '') return 'image is required';
  if (/\s|[\0-\x1f]/.test(image)) return 'image must not contain whitespace';
  if (image.startsWith('-')) return 'image must not start with "-"';
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const repo = colon >= 0 ? withoutDigest.slice(0, colon) : withoutDigest;
  const path = repo.includes('/') && /[.:]|^localhost$/.test(repo.split('/')[0]) ? repo.slice(repo.indexOf('/') + 1) : repo;
  if (path !== path.toLowerCase()) return 'image repository name must be lowercase';
  return undefined;
}
