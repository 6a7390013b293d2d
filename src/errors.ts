/** Stable error codes (SPEC §3). Codes may be added, never renamed. */
export const ERROR_CODES = [
  'MANIFEST_INVALID',
  'UNKNOWN_FIELD',
  'USAGE',
  'PVC_VOLUME_NOT_FOUND',
  'PVC_VOLUME_INSPECT_FAILED',
  'PVC_SUBPATH_UNSUPPORTED_DRIVER',
  'PVC_SUBPATH_NOT_FOUND',
  'SUBPATH_ESCAPE',
  'SUBPATH_UNVERIFIABLE',
  'HOST_PATH_NOT_ALLOWED',
  'HOST_PATH_NOT_FOUND',
  'OSSFS_BINARY_NOT_FOUND',
  'OSSFS_CREDENTIALS_MISSING',
  'OSSFS_MOUNT_FAILED',
  'OSSFS_UNMOUNT_FAILED',
  'FUSE_UNAVAILABLE',
  'S3FS_BINARY_NOT_FOUND',
  'S3_CREDENTIALS_MISSING',
  'S3_MOUNT_FAILED',
  'S3_UNMOUNT_FAILED',
  'DOCKER_UNAVAILABLE',
  'DOCKER_FAILED',
  'IMAGE_NOT_FOUND',
  'IMAGE_PULL_FAILED',
  'IMAGE_PULL_DENIED',
  'NAME_CONFLICT',
  'LOCK_TIMEOUT',
  'WAIT_TIMEOUT',
  'READ_ONLY_PATH',
  'NO_SPACE_LEFT',
  'NOT_FOUND',
  'REMOTE_ENGINE_UNSUPPORTED',
  'NETWORK_POLICY_FAILED',
  'INTERRUPTED',
  'RESOURCE_UNSATISFIABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const EXIT = { OK: 0, RUNTIME: 1, INVALID: 2, INTERRUPTED: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const INVALID_INPUT_CODES: ReadonlySet<ErrorCode> = new Set(['MANIFEST_INVALID', 'UNKNOWN_FIELD', 'USAGE']);

export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
}

export interface SbxErrorOptions extends SourceLocation {
  /** Dotted field path inside the manifest, e.g. spec.containers[1].volume_mounts[0].sub_path */
  path?: string;
  hint?: string;
  exitCode?: ExitCode;
  cause?: unknown;
}

/** The one error class of sbx: every failure a user sees is one of these (or a list of them). */
export class SbxError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly path?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, opts: SbxErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SbxError';
    this.code = code;
    this.exitCode = opts.exitCode ?? (INVALID_INPUT_CODES.has(code) ? EXIT.INVALID : EXIT.RUNTIME);
    this.path = opts.path;
    this.file = opts.file;
    this.line = opts.line;
    this.column = opts.column;
    this.hint = opts.hint;
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.hint) out.hint = this.hint;
    if (this.path) out.path = this.path;
    if (this.file) out.file = this.file;
    if (this.line !== undefined) out.line = this.line;
    if (this.column !== undefined) out.column = this.column;
    return out;
  }
}

/** Several problems reported at once (manifest validation). Exit code is the worst of them. */
export class SbxErrors extends Error {
  readonly errors: SbxError[];
  readonly exitCode: ExitCode;
  constructor(errors: SbxError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'SbxErrors';
    this.errors = errors;
    this.exitCode = errors.some((e) => e.exitCode === EXIT.RUNTIME) ? EXIT.RUNTIME : EXIT.INVALID;
  }
}

export function isSbxError(e: unknown): e is SbxError {
  return e instanceof SbxError;
}
