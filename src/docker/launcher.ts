import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Collected } from './spawn.js';

const BASH = '/bin/bash';

/*
 * One long-lived bash per Docker client starts its docker processes. Node's spawn blocks the main
 * thread until the child has exec'd (7–8 ms per call on a loaded two-CPU machine, measured in README
 * "Benchmarks"); bash forks cheaply and off Node's thread. Each call's argv goes NUL-separated into
 * <dir>/<id>.a, its id down the launcher's stdin; bash runs it with stdin /dev/null, stdout and stderr
 * into <id>.o and <id>.e, and answers "<id> <exit status>" on its stdout.
 * When its stdin closes (sbx exited, even by kill -9) bash removes the directory and kills its process
 * group (it leads one: spawned detached, so a terminal's Ctrl-C reaches sbx alone, which rolls back
 * with the outcome of every call it started).
 */
const SCRIPT = [
  'D=$1',
  'trap \'rm -rf -- "$D"\' EXIT',
  'while read -r id; do',
  '  mapfile -d "" -t a < "$D/$id.a"',
  '  { "${a[@]}" </dev/null >"$D/$id.o" 2>"$D/$id.e"; echo "$id $?"; } &',
  'done',
  'rm -rf -- "$D"',
  'kill -KILL 0',
].join('\n');

interface Pending {
  resolve: (c: Collected) => void;
}

export class Launcher {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private partial = '';
  private stopped = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly file: string,
  ) {
    child.unref();
    child.stdin?.on('error', () => undefined);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (text: string) => this.onStatus(text));
    child.on('error', () => this.stop());
    child.on('close', () => this.stop());
    this.setRef(false);
  }

  /** A launcher of `file` (an absolute path) in this environment, or undefined where there is no bash. */
  static start(env: NodeJS.ProcessEnv, file: string): Launcher | undefined {
    if (!isExecutable(BASH)) return undefined;
    const dir = mkdtempSync(path.join(tmpdir(), 'sbx-docker-'));
    const child = spawn(BASH, ['-c', SCRIPT, 'sbx-docker', dir], { env, stdio: ['pipe', 'pipe', 'ignore'], detached: true });
    return new Launcher(child, dir, file);
  }

  /** bash's pid, which is also its process group's. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** False once bash has gone: the caller spawns directly from then on. */
  get alive(): boolean {
    return !this.stopped;
  }

  /** Run the launcher's file with args; resolves as spawnCollect does. */
  run(args: readonly string[]): Promise<Collected> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      writeFileSync(this.callFile(id, 'a'), [this.file, ...args].map((a) => a + '\0').join(''));
      this.pending.set(id, { resolve });
      if (this.pending.size === 1) this.setRef(true);
      this.child.stdin?.write(`${id}\n`);
    });
  }

  private onStatus(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      const [id, status] = line.split(' ').map(Number);
      this.settle(id, () => ({ stdout: this.output(id, 'o'), stderr: this.output(id, 'e'), exitCode: status, signal: null, timedOut: false }));
    }
  }

  private settle(id: number, result: () => Collected): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.setRef(false);
    p.resolve(result());
    for (const ext of ['a', 'o', 'e']) rmSync(this.callFile(id, ext), { force: true });
  }

  /** bash went away (killed, or could not start): calls it held fail; none are started there again. */
  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const lost = 'the process that started docker stopped before docker answered';
    for (const id of [...this.pending.keys()]) this.settle(id, () => ({ stdout: '', stderr: lost, exitCode: 1, signal: null, timedOut: false }));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Pending calls keep sbx alive; an idle launcher does not. */
  private setRef(on: boolean): void {
    const out = this.child.stdout as (NodeJS.ReadableStream & { ref?: () => void; unref?: () => void }) | null;
    const inp = this.child.stdin as (NodeJS.WritableStream & { ref?: () => void; unref?: () => void }) | null;
    for (const s of [out, inp]) (on ? s?.ref : s?.unref)?.call(s);
  }

  private callFile(id: number, ext: string): string {
    return path.join(this.dir, `${id}.${ext}`);
  }

  private output(id: number, ext: string): string {
    try {
      return readFileSync(this.callFile(id, ext), 'utf8').replace(/\r?\n$/, '');
    } catch {
      return '';
    }
  }
}

/** The absolute path PATH gives `bin`, or undefined: then only a direct spawn can say why it fails. */
export function resolveExecutable(bin: string, searchPath = process.env.PATH ?? ''): string | undefined {
  if (bin.includes('/')) return isExecutable(bin) ? path.resolve(bin) : undefined;
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, bin);
    if (isExecutable(candidate)) return path.resolve(candidate);
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
