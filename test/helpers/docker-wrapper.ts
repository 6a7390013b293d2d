/**
 * Drive sbx through test/bin/docker-wrapper (via SBX_DOCKER): record every docker call it makes,
 * or make its k-th mutating call fail. The real engine still does all the work.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.js';
import { STATE_DIR } from './e2e.js';

export const DOCKER_WRAPPER = path.join(ROOT, 'test/bin/docker-wrapper');

export interface DockerCall {
  mutating: boolean;
  /** docker's arguments joined by spaces, e.g. "volume create --driver local ...". */
  argv: string;
}

export interface WrappedDocker {
  /** Environment for sbxE2E so that sbx uses the wrapper. */
  env: Record<string, string>;
  /** Calls made so far, in order. */
  calls(): DockerCall[];
  /** With `times: true`: when each finished call started and ended (ms since the epoch). */
  timings(): { startMs: number; endMs: number; argv: string }[];
}

/**
 * @param o.failAt fail the k-th mutating call (1-based); @param o.delaySeconds sleep before each mutating call;
 * @param o.times record when each call started and ended; @param o.afterFirstRead a bash command run once,
 * after the first read-only call has its answer and before sbx gets it.
 */
export function wrappedDocker(o: { failAt?: number; delaySeconds?: number; times?: boolean; afterFirstRead?: string } = {}): WrappedDocker {
  const parent = path.join(STATE_DIR, 'test-files');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(path.join(parent, 'docker-wrap-'));
  const log = path.join(dir, 'calls.log');
  const env: Record<string, string> = { SBX_DOCKER: DOCKER_WRAPPER, SBX_WRAP_LOG: log, SBX_WRAP_COUNTER: path.join(dir, 'counter') };
  if (o.failAt !== undefined) env.SBX_WRAP_FAIL_AT = String(o.failAt);
  if (o.delaySeconds !== undefined) env.SBX_WRAP_DELAY = String(o.delaySeconds);
  if (o.afterFirstRead !== undefined) env.SBX_WRAP_AFTER_FIRST_READ = o.afterFirstRead;
  const times = path.join(dir, 'times.log');
  if (o.times) env.SBX_WRAP_TIMES = times;
  return {
    env,
    timings() {
      return readFileSync(times, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [start, end, argv = ''] = line.split('\t');
          return { startMs: Number(BigInt(start) / 1_000_000n), endMs: Number(BigInt(end) / 1_000_000n), argv };
        });
    },
    calls() {
      let text = '';
      try {
        text = readFileSync(log, 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [kind, argv = ''] = line.split('\t');
          return { mutating: kind === 'mutating', argv };
        });
    },
  };
}
