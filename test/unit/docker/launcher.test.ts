import { execa } from 'execa';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Docker } from '../../../src/docker/engine.js';
import { Launcher, resolveExecutable } from '../../../src/docker/launcher.js';
import { ROOT } from '../../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'sbx-launcher-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A stand-in for docker: prints each argument on its own line (JSON), a line on stderr, exits with $EXIT_WITH. */
function echoBin(): string {
  const file = join(work, 'echo-args');
  writeFileSync(file, `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a" | od -An -c | tr -d '\\n'; echo; done\necho "to stderr $#" >&2\nexit "\${EXIT_WITH:-0}"\n`);
  chmodSync(file, 0o755);
  return file;
}

function script(name: string, body: string): string {
  const file = join(work, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

describe('Launcher', () => {
  it('passes every argument as given (no shell reads them) and returns stdout, stderr and the exit status', async () => {
    const bin = echoBin();
    const launcher = Launcher.start({ ...process.env, EXIT_WITH: '3' }, bin)!;
    const args = ['a b', '', '$(touch /tmp/x)', "it's", 'two\nlines', '*', 'ünï', '--format={{json .}}'];
    const res = await launcher.run(args);
    const direct = await execa(bin, args, { reject: false, env: { EXIT_WITH: '3' } });
    expect(res.exitCode).toBe(3);
    expect(res.stdout).toBe(direct.stdout);
    expect(res.stdout.split("\n")).toHaveLength(args.length);
    expect(res.stderr).toBe(`to stderr ${args.length}`);
  });

  it('keeps concurrent calls apart: each gets its own output, in whatever order they finish', async () => {
    const bin = script('sleep-echo', 'sleep "$1"; echo "out $2"; echo "err $2" >&2; exit "$2"');
    const launcher = Launcher.start(process.env, bin)!;
    const calls = Array.from({ length: 24 }, (_, i) => launcher.run([String((24 - i) % 4 / 20), String(i)]));
    const results = await Promise.all(calls);
    results.forEach((r, i) => expect(r).toMatchObject({ stdout: `out ${i}`, stderr: `err ${i}`, exitCode: i }));
  });

  it('fails the calls it held when bash is killed, and says so', async () => {
    const bin = script('slow', 'sleep 5');
    const launcher = Launcher.start(process.env, bin)!;
    const call = launcher.run([]);
    process.kill(-launcher.pid!, 'SIGKILL');
    const res = await call;
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(/stopped before docker answered/);
    expect(launcher.alive).toBe(false);
  });
});

/** Docker spawns its first call directly; the launcher serves from the second on. */
async function pastFirstCall(docker: Docker): Promise<Docker> {
  await docker.run(['first'], { allowFailure: true });
  return docker;
}

describe('Docker.run through the launcher', () => {
  it('a docker that is not there is DOCKER_UNAVAILABLE, as with a direct spawn', async () => {
    const docker = new Docker({ bin: join(work, 'no-such-docker') });
    await expect(docker.run(['ps'])).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE' });
    await expect(docker.run(['ps'])).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE' });
  });

  it("classifies docker's stderr and honours allowFailure", async () => {
    const bin = script('missing-container', 'echo "Error: No such container: $2" >&2; exit 1');
    const docker = await pastFirstCall(new Docker({ bin }));
    await expect(docker.run(['inspect', 'x'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await docker.run(['inspect', 'y'], { allowFailure: true })).toEqual({ stdout: '', stderr: 'Error: No such container: y', exitCode: 1 });
  });

  it('spawns directly again once the launcher has gone', async () => {
    // Prints the pid of its parent and of that one's parent (the launcher's subshell, then bash).
    const bin = script('parents', 'echo "$PPID $(cut -d" " -f4 /proc/$PPID/stat)"');
    const docker = new Docker({ bin });
    const parents = async () => (await docker.run([])).stdout.split(' ').map(Number);
    expect((await parents())[0]).toBe(process.pid);
    const [subshell, bash] = await parents();
    expect(subshell).not.toBe(process.pid);
    expect(bash).toBeGreaterThan(1);
    process.kill(-bash, 'SIGKILL');
    expect(await until(() => !alive(bash), 3000)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect((await parents())[0]).toBe(process.pid);
  });
});

/** sbx's own process, importing the built module, making a first call and then `args` (through the launcher). */
function childSbx(bin: string, tmp: string, args: string[]) {
  const code = `import { Docker } from ${JSON.stringify(join(ROOT, 'dist/docker/engine.js'))};
const docker = new Docker({ bin: ${JSON.stringify(bin)} });
await docker.run(['first']);
const res = await docker.run(${JSON.stringify(args)});
console.log(res.stdout);`;
  return execa(process.execPath, ['--input-type=module', '-e', code], { reject: false, env: { TMPDIR: tmp }, timeout: 20_000 });
}

describe('the launcher and the life of sbx', () => {
  it('sbx exits once its calls are answered, and the launcher\'s directory goes with it', async () => {
    if (!existsSync(join(ROOT, 'dist/docker/engine.js'))) throw new Error('dist/ is missing: run npm run build first');
    const tmp = mkdtempSync(join(work, 'tmp-'));
    const bin = script('answer', '[ "$1" = first ] || echo answered');
    const started = Date.now();
    const res = await childSbx(bin, tmp, ['second']);
    expect(res).toMatchObject({ exitCode: 0, stdout: 'answered' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await until(() => readdirSync(tmp).length === 0, 3000)).toBe(true);
  });

  it('kill -9 of sbx mid-call: the docker it started is killed and its files removed', async () => {
    const tmp = mkdtempSync(join(work, 'tmp-'));
    const pidFile = join(work, 'sleeper.pid');
    const bin = script('sleeper', `[ "$1" = first ] && exit 0; echo $$ > ${pidFile}; exec sleep 30`);
    const child = childSbx(bin, tmp, ['second']);
    expect(await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 10_000)).toBe(true);
    const sleeper = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(sleeper)).toBe(true);
    child.kill('SIGKILL');
    await child;
    expect(await until(() => !alive(sleeper), 5000)).toBe(true);
    expect(await until(() => readdirSync(tmp).length === 0, 3000)).toBe(true);
  });
});

describe('resolveExecutable', () => {
  it('finds a name on PATH, takes a path as it is, and gives undefined for what is not an executable file', () => {
    const bin = script('on-path', 'true');
    expect(resolveExecutable('on-path', `/nonexistent:${work}`)).toBe(bin);
    expect(resolveExecutable(bin, '')).toBe(bin);
    expect(resolveExecutable('no-such-thing', work)).toBeUndefined();
    expect(resolveExecutable(work, '')).toBeUndefined();
  });
});
