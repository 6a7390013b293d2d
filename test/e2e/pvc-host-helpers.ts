/**
 * Shared pieces of the pvc and host volume e2e tests: the example manifests rewritten for one test
 * run (unique volume names and host directories), docker exec into a sandbox container, and the
 * checks every rejected apply must pass (error code, exit code, no container).
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../helpers/cli.js';
import type { SbxResult } from '../helpers/cli.js';
import { docker, dockerResult, mountsUnder, objectsWithLabel, RUN, RUN_LABEL, sandboxLabel, STATE_DIR } from '../helpers/e2e.js';

export type Doc = Record<string, any>;

/** The documents of manifests/<file>, each passed through `edit` (ids get the run suffix later, in writeManifest). */
export function example(file: string, edit: (text: string) => string = (t) => t): Doc[] {
  return parseAllDocuments(edit(readFileSync(path.join(ROOT, 'manifests', file), 'utf8'))).map((d) => d.toJS() as Doc);
}

/** The Docker name sbx gives a sandbox container. */
export const containerOf = (id: string, name: string) => `sbx-${id}..${name}`;

/** Run a shell script in a sandbox container; the exit code and output a user would see. */
export function inContainer(id: string, name: string, script: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return dockerResult(['exec', containerOf(id, name), 'sh', '-c', script]);
}

/** A Docker named volume for this test run (labelled, so teardown removes it); returns its Mountpoint. */
export async function testVolume(name: string): Promise<string> {
  await docker(['volume', 'create', '--label', `${RUN_LABEL}=${RUN}`, name]);
  return docker(['volume', 'inspect', '--format', '{{.Mountpoint}}', name]);
}

export async function volumeExists(name: string): Promise<boolean> {
  return (await dockerResult(['volume', 'inspect', name])).exitCode === 0;
}

/** A fresh directory (its realpath: /tmp may be a symlink on some hosts). */
export function hostDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `sbx-e2e-${prefix}-`));
  chmodSync(dir, 0o755);
  return dir;
}

export function write(file: string, text: string): void {
  writeFileSync(file, text);
}

/** Staging bind mounts sbx holds for one sandbox. */
export const stagingMountsOf = (id: string) => mountsUnder(path.join(STATE_DIR, 'staging', id));

/** A rejected apply: the code on stderr, the exit code, and not a single container of the sandbox. */
export async function expectRejected(res: SbxResult, id: string, code: string, exitCode = 1): Promise<void> {
  const out = `exit ${res.exitCode}\n--- stdout\n${res.stdout}\n--- stderr\n${res.stderr}`;
  expect(res.stderr, out).toContain(`error[${code}]`);
  expect(res.exitCode, out).toBe(exitCode);
  expect((await objectsWithLabel(sandboxLabel(id))).containers).toEqual([]);
  expect(stagingMountsOf(id)).toEqual([]);
}

/** Retry an assertion until it passes (a container's start script may still be running). */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * A docker stand-in (SBX_DOCKER) that, the first time sbx creates the container named `swapOn`,
 * replaces directory `dir` by a symlink to `target` and then runs the real docker: the attack of
 * CVE-2017-1002101 timed between sbx's check and the engine's bind.
 */
export function swappingDocker(o: { swapOn: string; dir: string; target: string }): Record<string, string> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sbx-e2e-swap-'));
  const script = path.join(tmp, 'docker');
  writeFileSync(
    script,
    `#!/usr/bin/env bash
case " $* " in
  *" --name $SBX_SWAP_ON "*)
    if mkdir "$SBX_SWAP_FLAG" 2>/dev/null; then
      mv "$SBX_SWAP_DIR" "$SBX_SWAP_DIR.moved" && ln -s "$SBX_SWAP_TARGET" "$SBX_SWAP_DIR"
    fi ;;
esac
exec docker "$@"
`,
    { mode: 0o755 },
  );
  return { SBX_DOCKER: script, SBX_SWAP_ON: o.swapOn, SBX_SWAP_DIR: o.dir, SBX_SWAP_TARGET: o.target, SBX_SWAP_FLAG: path.join(tmp, 'swapped') };
}

/** A docker stand-in (SBX_DOCKER) that fails creating the container named `failOn`, as an engine error would. */
export function failingDocker(failOn: string): Record<string, string> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sbx-e2e-fail-'));
  const script = path.join(tmp, 'docker');
  writeFileSync(
    script,
    `#!/usr/bin/env bash
case " $* " in
  *" --name $SBX_FAIL_ON "*) echo "Error response from daemon: injected failure" >&2; exit 1 ;;
esac
exec docker "$@"
`,
    { mode: 0o755 },
  );
  return { SBX_DOCKER: script, SBX_FAIL_ON: failOn };
}
