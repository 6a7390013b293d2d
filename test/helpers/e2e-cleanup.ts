import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

declare module 'vitest' {
  /** What the e2e global setup hands to every test file (see inject()). */
  export interface ProvidedContext {
    sbxTestRun: string;
    sbxStateDir: string;
  }
}

/** Label put on every Docker object an e2e test creates; the value is the run id. */
export const RUN_LABEL = 'sbx-test-run';
/** The offline image scripts/build-test-image.sh builds. */
export const TEST_IMAGE = 'sbx-test/busybox:1';

function docker(args: string[]): string {
  try {
    return execFileSync('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
  } catch {
    return '';
  }
}

/** Remove every container, then volume, network and image carrying this label filter (`key` or `key=value`). */
export function removeLabelledDockerObjects(filter: string): void {
  const ids = (kind: string[]) => docker([...kind, '--filter', `label=${filter}`]).split('\n').filter(Boolean);
  const containers = ids(['ps', '-aq']);
  if (containers.length) docker(['rm', '-f', '-v', ...containers]);
  const volumes = ids(['volume', 'ls', '-q']);
  if (volumes.length) docker(['volume', 'rm', '-f', ...volumes]);
  const networks = ids(['network', 'ls', '-q']);
  if (networks.length) docker(['network', 'rm', ...networks]);
  const images = [...new Set(ids(['image', 'ls', '-q']))];
  if (images.length) docker(['rmi', '-f', ...images]);
}

/** Mount points at or below dir, from /proc/self/mountinfo, deepest first. */
export function mountPointsUnder(dir: string): string[] {
  const root = dir.replace(/\/+$/, '');
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => unescapeMountPath(line.split(' ')[4]))
    .filter((p) => p === root || p.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
}

/** Lazily unmount everything under dir, deepest first. */
export function unmountUnder(dir: string): void {
  for (const mountPoint of mountPointsUnder(dir)) {
    try {
      execFileSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
    } catch {
      // already gone, or busy in a way a lazy unmount still reports; nothing more to do here
    }
  }
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}
