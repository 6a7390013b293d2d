import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SBX } from './cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sbx-measured-'));
/** Loaded into the sbx process with --require: writes its own peak RSS when it exits, however it exits. */
const PRELOAD = path.join(dir, 'rusage.cjs');
writeFileSync(
  PRELOAD,
  `process.on('exit', () => require('node:fs').writeFileSync(process.env.SBX_TEST_RUSAGE_FILE, String(process.resourceUsage().maxRSS)));\n`,
);

export interface Measured {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the child, spawn to exit. */
  ms: number;
  /** The child's peak resident memory in MB. */
  maxRssMb: number;
}

let runs = 0;

/**
 * Run bin/sbx as a user would and measure the child itself. `stdin` is written and closed, or
 * 'open' to leave it open (a writer that never finishes); `whenRunning` may signal the child.
 */
export function measuredSbx(
  args: string[],
  opts: { env?: Record<string, string>; stdin?: string | Buffer | 'open'; whenRunning?: (pid: number) => void } = {},
): Promise<Measured> {
  const rusageFile = path.join(dir, `rusage-${process.pid}-${++runs}`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', PRELOAD, SBX, ...args], {
      env: { PATH: process.env.PATH, NO_COLOR: '1', SBX_DOCKER: '/nonexistent/docker', SBX_TEST_RUSAGE_FILE: rusageFile, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const ms = performance.now() - started;
      let maxRssMb = Number.NaN;
      try {
        maxRssMb = Number(readFileSync(rusageFile, 'utf8')) / 1024;
      } catch {
        /* killed before it could write: NaN fails every bound */
      }
      resolve({ exitCode, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ms, maxRssMb });
    });
    if (opts.stdin !== 'open') child.stdin.end(opts.stdin ?? '');
    if (opts.whenRunning) opts.whenRunning(child.pid!);
  });
}
