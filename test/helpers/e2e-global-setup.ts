import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { RUN_LABEL, TEST_IMAGE, removeLabelledDockerObjects, unmountUnder } from './e2e-cleanup.js';

/**
 * Runs once in the main vitest process before any e2e file: the engine must answer (never skipped,
 * also not with CI=true), the offline test image must exist. Every Docker object a test creates is
 * labelled `sbx-test-run=<run>` and removed on teardown, together with mounts under the state dir.
 */
export default function setup(project: TestProject): () => void {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 20_000 });
  } catch (e) {
    throw new Error(`e2e tests need a running Docker engine; \`docker info\` failed (run scripts/setup.sh as root): ${(e as Error).message}`);
  }
  try {
    execFileSync('docker', ['image', 'inspect', TEST_IMAGE], { stdio: 'pipe' });
  } catch {
    throw new Error(`test image ${TEST_IMAGE} is missing; run scripts/setup.sh (or scripts/build-test-image.sh)`);
  }

  const run = process.env.SBX_TEST_RUN || `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const stateDir = `/tmp/sbx-e2e-${run}`;
  // Set before the workers start, so forked workers (and the sbx they spawn) inherit them.
  process.env.SBX_TEST_RUN = run;
  process.env.SBX_STATE_DIR = stateDir;
  project.provide('sbxTestRun', run);
  project.provide('sbxStateDir', stateDir);

  return () => {
    removeLabelledDockerObjects(`${RUN_LABEL}=${run}`);
    unmountUnder(stateDir);
    rmSync(stateDir, { recursive: true, force: true });
  };
}
