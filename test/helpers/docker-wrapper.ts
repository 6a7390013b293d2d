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

/** A finished call with its start and end (SBX_WRAP_TIMES): nanoseconds since the epoch. */
export interface TimedCall {
  argv: string;
  start: bigint;
  end: bigint;
}

export interface WrappedDocker {
  /** Environment for sbxE2E so that sbx uses the wrapper. */
  env: Record<string, string>;
  /** Calls made so far, in order. */
  calls(): DockerCall[];
  /** With `times`: every finished call with its start and end. */
  timed(): TimedCall[];
}

/** @param o.failAt fail the k-th mutating call (1-based); @param o.delaySeconds sleep before each mutating call. */
export function wrappedDocker(o: { failAt?: number; delaySeconds?: number; times?: boolean } = {}): WrappedDocker {
  const parent = path.join(STATE_DIR, 'test-files');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(path.join(parent, 'docker-wrap-'));
  const log = path.join(dir, 'calls.log');
  const env: Record<string, string> = { SBX_DOCKER: DOCKER_WRAPPER, SBX_WRAP_LOG: log, SBX_WRAP_COUNTER: path.join(dir, 'counter') };
  if (o.failAt !== undefined) env.SBX_WRAP_FAIL_AT = String(o.failAt);
  if (o.delaySeconds !== undefined) env.SBX_WRAP_DELAY = String(o.delaySeconds);
  if (o.times) env.SBX_WRAP_TIMES = '1';
  const lines = () => {
    try {
      return readFileSync(log, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  return {
    env,
    calls() {
      return lines()
        .map((line) => line.split('\t'))
        .filter(([kind]) => kind !== 'times')
        .map(([kind, argv = '']) => ({ mutating: kind === 'mutating', argv }));
    },
    timed() {
      return lines()
        .map((line) => line.split('\t'))
        .filter(([kind]) => kind === 'times')
        .map(([, start, end, argv = '']) => ({ argv, start: BigInt(start), end: BigInt(end) }));
    },
  };
}
