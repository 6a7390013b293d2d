import type { DockerClient, RunOptions, RunResult } from '../../src/docker/engine.js';
import { SbxError } from '../../src/errors.js';

export type Reply = Partial<RunResult>;

/**
 * A docker stand-in for fast unit tests: answers from a function and records every argv (with what
 * it was given on stdin). It knows nothing of the engine's behaviour; end-to-end tests use the real one.
 */
export class FakeDocker implements DockerClient {
  readonly calls: string[][] = [];
  constructor(private readonly answer: (args: string[], callIndex: number) => Reply = () => ({})) {}

  argv(args: readonly string[]): string[] {
    return ['docker', ...args];
  }

  async run(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const index = this.calls.push([...args]) - 1;
    const r = { stdout: '', stderr: '', exitCode: 0, ...this.answer([...args], index) };
    if (r.exitCode !== 0 && !opts.allowFailure) throw new SbxError('DOCKER_FAILED', `${opts.what ?? `docker ${args[0]}`}: ${r.stderr}`);
    return r;
  }

  async interactive(): Promise<number> {
    throw new Error('FakeDocker: interactive is not faked');
  }

  async passthrough(): Promise<RunResult> {
    throw new Error('FakeDocker: passthrough is not faked');
  }

  async stream(): Promise<number> {
    throw new Error('FakeDocker: stream is not faked');
  }

  async jsonLines<T>(args: readonly string[], opts?: RunOptions): Promise<T[]> {
    const { stdout } = await this.run(args, opts);
    return stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
  }

  async json<T>(args: readonly string[], opts?: RunOptions): Promise<T> {
    return JSON.parse((await this.run(args, opts)).stdout) as T;
  }
}
