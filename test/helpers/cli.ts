import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SBX = path.join(ROOT, 'bin/sbx');

export interface SbxResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Run the real sbx binary as a user would. */
export async function sbx(
  args: string[],
  opts: { env?: Record<string, string | undefined>; input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<SbxResult> {
  const res = await execa(process.execPath, [SBX, ...args], {
    reject: false,
    input: opts.input ?? '',
    cwd: opts.cwd ?? ROOT,
    env: { NO_COLOR: '1', ...opts.env },
    timeout: opts.timeoutMs ?? 170_000,
  });
  return { exitCode: res.exitCode ?? -1, stdout: String(res.stdout), stderr: String(res.stderr) };
}
