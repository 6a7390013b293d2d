/**
 * The local registries scripts/start-test-registries.sh runs (Debian's docker-registry): 127.0.0.1:5000
 * open, 127.0.0.1:5001 with htpasswd auth. Tests push images of their own, labelled with the run (so
 * the teardown removes what a pull brought in), and remove the local copy so that sbx must pull it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RUN, RUN_LABEL, TEST_IMAGE, docker } from './e2e.js';

export const REGISTRY = '127.0.0.1:5000';
export const AUTH_REGISTRY = '127.0.0.1:5001';
/** A port on which no registry listens: a registry that is stopped. */
export const STOPPED_REGISTRY = '127.0.0.1:5009';

const execFileAsync = promisify(execFile);

/**
 * Build `REGISTRY/sbx-e2e/NAME-RUN:1` (the test image plus one layer of its own), push it, and remove
 * it from the engine: a pull then downloads one layer and finds the other already present.
 */
export async function pushedImage(name: string): Promise<string> {
  const ref = `${REGISTRY}/sbx-e2e/${name}-${RUN}:1`;
  const dockerfile = `FROM ${TEST_IMAGE}\nLABEL ${RUN_LABEL}=${RUN}\nRUN echo ${name} > /image-name\n`;
  const build = execFileAsync('docker', ['build', '-q', '-t', ref, '-'], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  build.child.stdin?.end(dockerfile);
  await build;
  await docker(['push', ref]);
  await removeLocalCopy(ref);
  return ref;
}

/**
 * dockerd 20.10 can answer "unrecognized image ID" to an rmi while another test's build commits, at
 * times after it has removed the tag (a second rmi then says "No such image"). What matters is that
 * the local copy is gone: each failed rmi is followed by a look, and only an image still there is
 * asked again.
 */
async function removeLocalCopy(ref: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return void (await docker(['rmi', ref]));
    } catch (e) {
      if (!(await imageOnEngine(ref))) return;
      if (attempt === 3) throw e;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/** Whether the engine has the image. */
export async function imageOnEngine(ref: string): Promise<boolean> {
  return (await docker(['image', 'ls', '-q', ref])) !== '';
}
