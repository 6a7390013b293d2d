import { spawn } from 'node:child_process';

export interface Collected {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  spawnError?: NodeJS.ErrnoException;
}

/**
 * The hot path (every docker call of every command) uses node:child_process directly: loading execa
 * would cost more than the calls a no-op apply makes.
 */
export function spawnCollect(file: string, args: string[], opts: { input?: string | Uint8Array; timeoutMs?: number } = {}): Promise<Collected> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env: { ...process.env, DOCKER_CLI_HINTS: 'false' }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => (spawnError = e));
    child.on('close', (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      const text = (b: Buffer[]) => Buffer.concat(b).toString('utf8').replace(/\r?\n$/, '');
      resolve({ stdout: text(out), stderr: text(err), exitCode, signal, timedOut, spawnError });
    });
    child.stdin.end(opts.input ?? '');
  });
}
