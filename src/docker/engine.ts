import { spawn } from 'node:child_process';
import { SbxError } from '../errors.js';
import { dockerError } from './classify.js';
import { EngineApi, localEngineSocket, type EngineReader } from './engine-api.js';
import { Launcher, resolveExecutable } from './launcher.js';
import { spawnCollect, type Collected } from './spawn.js';

export interface DockerOptions {
  /** docker binary; default $SBX_DOCKER or "docker". */
  bin?: string;
  /** --context NAME passed to every call. */
  context?: string;
  /** Called with every argv before it runs (for -v); the argv never holds secrets. */
  onCommand?: (argv: readonly string[]) => void;
  /** false: ask even read-only questions through the CLI (see `api`). */
  engineApi?: boolean;
}

export interface RunOptions {
  input?: string | Uint8Array;
  /** Resolve instead of throwing when docker exits non-zero. */
  allowFailure?: boolean;
  timeoutMs?: number;
  /** Describes the step in error messages, e.g. "create container app". */
  what?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** With allowFailure and timeoutMs: docker was killed when the time ran out. */
  timedOut?: boolean;
}

/** What sbx asks of docker; the real one is `Docker`, tests use a fake. */
export interface DockerClient {
  readonly context?: string;
  readonly onCommand?: (argv: readonly string[]) => void;
  /** The engine's API for read-only questions, where sbx may ask it instead of the CLI (docker/engine-api.ts). */
  readonly api?: EngineReader;
  /** The argv sbx would run for these docker arguments (global flags included). */
  argv(args: readonly string[]): string[];
  run(args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  interactive(args: readonly string[]): Promise<number>;
  /** Run docker with this process's stdin and stdout (raw bytes, e.g. a tar stream); stderr is collected. */
  passthrough(args: readonly string[]): Promise<RunResult>;
  stream(args: readonly string[], onLine: (line: string, stream: 'stdout' | 'stderr') => void): Promise<number>;
  jsonLines<T>(args: readonly string[], opts?: RunOptions): Promise<T[]>;
  json<T>(args: readonly string[], opts?: RunOptions): Promise<T>;
}

/** The only place sbx spawns docker. Typed calls live in docker/*.ts on top of run(). */
export class Docker implements DockerClient {
  readonly bin: string;
  readonly context?: string;
  /** Set with -v: sees every argv sbx runs (docker, and through the backends' trace, mount tools). */
  readonly onCommand?: (argv: readonly string[]) => void;
  /**
   * Only for the docker CLI found on PATH talking to a local socket, and never under -v (every question
   * is then a printed argv): a docker binary of the user's choice (SBX_DOCKER) is asked everything.
   */
  readonly api?: EngineReader;
  /** Started at the first call that can use it; null where it cannot serve (no bash, no such binary). */
  private launcher?: Launcher | null;
  private calledBefore = false;

  constructor(opts: DockerOptions = {}) {
    this.bin = opts.bin ?? process.env.SBX_DOCKER ?? 'docker';
    this.context = opts.context;
    this.onCommand = opts.onCommand;
    const socket = this.bin === 'docker' && !this.onCommand && opts.engineApi !== false ? localEngineSocket(process.env, this.context) : undefined;
    this.api = socket ? new EngineApi(socket) : undefined;
  }

  /** The argv sbx would run for these docker arguments (global flags included). */
  argv(args: readonly string[]): string[] {
    return [this.bin, ...(this.context ? ['--context', this.context] : []), ...args];
  }

  async run(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const [file, ...rest] = this.argv(args);
    this.onCommand?.([file, ...rest]);
    const res = await this.spawn(file, rest, opts);
    if (res.spawnError) {
      const why = res.spawnError.code === 'ENOENT' ? 'not found (set SBX_DOCKER or install the docker CLI)' : res.spawnError.message;
      throw new SbxError('DOCKER_UNAVAILABLE', `cannot run ${file}: ${why}`);
    }
    if (res.timedOut && opts.allowFailure) return { stdout: res.stdout, stderr: res.stderr, exitCode: res.exitCode ?? 1, timedOut: true };
    if (res.timedOut) {
      throw new SbxError('DOCKER_FAILED', `${opts.what ?? `docker ${args[0]}`}: timed out after ${opts.timeoutMs} ms`);
    }
    // A docker killed by a signal (Ctrl-C reaches the whole process group) is a failed call, not a missing binary.
    const stderr = res.stderr || (res.signal ? `docker was stopped by ${res.signal}` : '');
    const out: RunResult = { stdout: res.stdout, stderr, exitCode: res.exitCode ?? 1 };
    if (out.exitCode !== 0 && !opts.allowFailure) throw dockerError(args, out.stderr, opts.what);
    return out;
  }

  /**
   * Calls that need stdin or a time limit are spawned directly, and so is the first call: bash's start
   * (3–5 ms) would only delay a command that makes one call (a no-op apply, ls). The rest go through the
   * launcher.
   */
  private spawn(file: string, args: string[], opts: RunOptions): Promise<Collected> {
    if (opts.input !== undefined || opts.timeoutMs || !this.calledBefore) {
      this.calledBefore = true;
      return spawnCollect(file, args, opts);
    }
    if (this.launcher === undefined) {
      const resolved = resolveExecutable(file);
      this.launcher = resolved ? (Launcher.start({ ...process.env, DOCKER_CLI_HINTS: 'false' }, resolved) ?? null) : null;
    }
    if (!this.launcher?.alive) return spawnCollect(file, args, opts);
    return this.launcher.run(args);
  }

  /** Run docker attached to this terminal (exec -it); resolves with docker's exit code. */
  async interactive(args: readonly string[]): Promise<number> {
    const [file, ...rest] = this.argv(args);
    this.onCommand?.([file, ...rest]);
    const { execa } = await import('execa');
    const res = await execa(file, rest, { reject: false, stdio: 'inherit', env: { DOCKER_CLI_HINTS: 'false' } });
    if ((res as { code?: string }).code === 'ENOENT') throw new SbxError('DOCKER_UNAVAILABLE', `cannot run ${file}: not found`);
    return res.exitCode ?? 1;
  }

  /** Run docker with this process's stdin and stdout (raw bytes, e.g. a tar stream); stderr is collected. */
  async passthrough(args: readonly string[]): Promise<RunResult> {
    const [file, ...rest] = this.argv(args);
    this.onCommand?.([file, ...rest]);
    return new Promise((resolve, reject) => {
      const child = spawn(file, rest, { stdio: ['inherit', 'inherit', 'pipe'], env: { ...process.env, DOCKER_CLI_HINTS: 'false' } });
      const err: Buffer[] = [];
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.on('error', (e: NodeJS.ErrnoException) => reject(new SbxError('DOCKER_UNAVAILABLE', `cannot run ${file}: ${e.code === 'ENOENT' ? 'not found' : e.message}`)));
      child.on('close', (code) => resolve({ stdout: '', stderr: Buffer.concat(err).toString('utf8').trim(), exitCode: code ?? 1 }));
    });
  }

  /** Stream docker's output line by line (logs -f); resolves with docker's exit code. */
  async stream(args: readonly string[], onLine: (line: string, stream: 'stdout' | 'stderr') => void): Promise<number> {
    const [file, ...rest] = this.argv(args);
    this.onCommand?.([file, ...rest]);
    const { execa } = await import('execa');
    const child = execa(file, rest, { reject: false, buffer: false, env: { DOCKER_CLI_HINTS: 'false' } });
    const pump = async (src: AsyncIterable<unknown> | null | undefined, name: 'stdout' | 'stderr') => {
      if (!src) return;
      let rest = '';
      for await (const chunk of src) {
        const text = rest + String(chunk);
        const lines = text.split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) onLine(l, name);
      }
      if (rest) onLine(rest, name);
    };
    await Promise.all([pump(child.stdout, 'stdout'), pump(child.stderr, 'stderr')]);
    const res = await child;
    return res.exitCode ?? 1;
  }

  /** Run a command whose stdout is one JSON document per line (e.g. --format '{{json .}}'). */
  async jsonLines<T>(args: readonly string[], opts: RunOptions = {}): Promise<T[]> {
    const { stdout } = await this.run(args, opts);
    return stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as T);
  }

  /** Run a command whose stdout is one JSON document (e.g. inspect). */
  async json<T>(args: readonly string[], opts: RunOptions = {}): Promise<T> {
    const { stdout } = await this.run(args, opts);
    return JSON.parse(stdout) as T;
  }
}
