/**
 * Raw bucket-mount options, parsed the way each tool parses them and checked against an allow-list.
 * The mount tools run as root on the host: an option that names a file, a URL, a library or a
 * credential source is sbx's alone, and anything not known to be safe is refused (deny by default).
 */
export type MountTool = 'ossfs 1.0' | 'ossfs 2.0' | 's3fs';

type ValueKind = 'flag' | 'bool' | 'uint' | 'int' | 'octal' | readonly string[];

const FUSE_GENERIC: Record<string, ValueKind> = {
  allow_other: 'flag',
  ro: 'flag',
  nonempty: 'flag',
  nodev: 'flag',
  nosuid: 'flag',
  noexec: 'flag',
  noatime: 'flag',
  kernel_cache: 'flag',
  uid: 'uint',
  gid: 'uint',
  umask: 'octal',
  max_write: 'uint',
  max_read: 'uint',
};

/** Options ossfs 1.0 and s3fs share (ossfs 1.0 is a fork of s3fs). */
const S3FS_FAMILY: Record<string, ValueKind> = {
  ...FUSE_GENERIC,
  mp_umask: 'octal',
  max_stat_cache_size: 'uint',
  stat_cache_expire: 'int',
  stat_cache_interval_expire: 'uint',
  use_path_request_style: 'flag',
  listobjectsv2: 'flag',
  noshallowcopyapi: 'flag',
  complement_stat: 'flag',
  notsup_compat_dir: 'flag',
  compat_dir: 'flag',
  connect_timeout: 'uint',
  readwrite_timeout: 'uint',
  retries: 'uint',
  multipart_size: 'uint',
  parallel_count: 'uint',
  multireq_max: 'uint',
  ensure_diskfree: 'uint',
  dbglevel: ['crit', 'critical', 'err', 'error', 'warn', 'warning', 'info', 'information', 'dbg', 'debug'],
};

const ALLOWED: Record<MountTool, Record<string, ValueKind>> = {
  'ossfs 1.0': {
    ...S3FS_FAMILY,
    disable_noobj_cache: 'flag',
    direct_read: 'flag',
    readdir_optimize: 'flag',
    symlink_in_meta: 'flag',
    free_space_ratio: 'uint',
  },
  s3fs: { ...S3FS_FAMILY, enable_noobj_cache: 'flag' },
  'ossfs 2.0': {
    ro: 'bool',
    allow_other: 'bool',
    nonempty: 'bool',
    uid: 'uint',
    gid: 'uint',
    // SPEC's own example writes umask for the default version; ossfs 2.0 ignores flags it does not know.
    umask: 'octal',
    dir_mode: 'octal',
    file_mode: 'octal',
    attr_timeout: 'uint',
    negative_timeout: 'uint',
    oss_negative_cache_timeout: 'uint',
    kernel_readdir_cache_timeout: 'uint',
    readdirplus: 'bool',
    close_to_open: 'bool',
    enable_symlink: 'bool',
    enable_appendable_object: 'bool',
    log_level: ['info', 'debug'],
    log_file_max_size: 'uint',
    log_file_max_count: 'uint',
    total_mem_limit: 'uint',
    upload_buffer_size: 'uint',
    prefetch_concurrency: 'uint',
    prefetch_chunks: 'uint',
    oss_request_timeout_ms: 'uint',
  },
};

/** Options sbx sets itself (credentials, endpoint, bucket and prefix, signing, logs): named in the refusal. */
const MANAGED: Record<MountTool, readonly string[]> = {
  'ossfs 1.0': ['url', 'passwd_file', 'bucket', 'sigv4', 'sigv1', 'region', 'endpoint', 'credential_process', 'credlib', 'credlib_opts', 'ram_role', 'public_bucket', 'logfile', 'use_cache', 'tmpdir'],
  s3fs: ['url', 'passwd_file', 'bucket', 'sigv2', 'sigv4', 'endpoint', 'region', 'profile', 'iam_role', 'ibm_iam_auth', 'ibm_iam_endpoint', 'ecs', 'public_bucket', 'logfile', 'use_cache', 'tmpdir', 'ssl_client_cert', 'credlib', 'credlib_opts'],
  'ossfs 2.0': ['oss_endpoint', 'oss_bucket', 'oss_bucket_prefix', 'oss_access_key_id', 'oss_access_key_secret', 'oss_region', 'log_dir', 'conf', 'c', 'credential_process', 'ram_role', 'flagfile', 'fromenv', 'tryfromenv', 'http_proxy', 'bind_ips'],
};

export interface OptionProblem {
  /** The single option the problem is about (one piece of a comma-separated entry). */
  option: string;
  problem: string;
}

/**
 * One manifest `options` entry as the tool would read it: ossfs 1.0 and s3fs split an `-o` value on
 * commas; ossfs 2.0 reads each entry as one `--name=value` config line.
 */
export function splitOptionEntry(entry: string, tool: MountTool): string[] {
  return tool === 'ossfs 2.0' ? [entry] : entry.split(',');
}

/** Every problem of one `options` entry for this tool; empty when each option in it is allowed. */
export function mountOptionProblems(entry: string, tool: MountTool): OptionProblem[] {
  if (entry.trim() === '') return [{ option: entry, problem: 'is empty' }];
  if (entry.startsWith('-')) return [{ option: entry, problem: 'must not start with "-" (write the raw payload, e.g. "umask=0022")' }];
  if (/[\s\0]/.test(entry)) return [{ option: entry, problem: 'must not contain whitespace, line breaks or NUL' }];
  return splitOptionEntry(entry, tool).flatMap((option) => {
    const problem = singleOptionProblem(option, tool);
    return problem ? [{ option, problem }] : [];
  });
}

function singleOptionProblem(option: string, tool: MountTool): string | undefined {
  if (option === '') return 'is empty (two commas, or a comma at an end)';
  const eq = option.indexOf('=');
  const name = eq < 0 ? option : option.slice(0, eq);
  const value = eq < 0 ? undefined : option.slice(eq + 1);
  if (MANAGED[tool].includes(name)) return `sets "${name}", which sbx manages itself`;
  const kind = Object.hasOwn(ALLOWED[tool], name) ? ALLOWED[tool][name] : undefined;
  if (kind === undefined) return `"${name}" is not an option sbx passes to ${tool} (allowed: ${Object.keys(ALLOWED[tool]).sort().join(', ')})`;
  return valueProblem(name, value, kind);
}

function valueProblem(name: string, value: string | undefined, kind: ValueKind): string | undefined {
  if (kind === 'flag') return value === undefined ? undefined : `"${name}" takes no value`;
  if (kind === 'bool') return value === undefined || value === 'true' || value === 'false' ? undefined : `"${name}" takes true or false`;
  if (value === undefined || value === '') return `"${name}" needs a value`;
  if (kind === 'uint') return /^\d{1,10}$/.test(value) ? undefined : `"${name}" takes a non-negative integer`;
  if (kind === 'int') return /^-?\d{1,10}$/.test(value) ? undefined : `"${name}" takes an integer`;
  if (kind === 'octal') return /^[0-7]{1,4}$/.test(value) ? undefined : `"${name}" takes an octal mode such as 0022`;
  return kind.includes(value) ? undefined : `"${name}" takes one of ${kind.join(', ')}`;
}
