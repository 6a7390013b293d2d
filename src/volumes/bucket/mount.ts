import { execa } from '../../lazy-execa.js';
import { mkdir, readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SbxError } from '../../errors.js';
import type { BucketVolume } from '../../manifest/model.js';
import { redact } from '../../secret.js';
import type { BucketAdapter, BucketKind } from './adapter.js';
import { withPrivateFile, type Credentials } from './credentials.js';
import { logDirFor, mountRoot } from './identity.js';
import { mountAt } from './mountinfo.js';
import { probeMount } from './probe.js';
import { unmountDir } from './unmount.js';

export const MOUNT_COMMAND_TIMEOUT_MS = 60_000;
/** Mounters that daemonize exit only once the kernel mount exists; a short grace covers those that do not. */
const APPEAR_TIMEOUT_MS = 2_000;
/** s3fs-based mounters exit 0 and drop the mount once their first bucket request fails; look again after this. */
const SETTLE_MS = 500;
const POLL_MS = 100;
const TAIL_LINES = 8;

export interface MountRequest {
  kind: BucketKind;
  adapter: BucketAdapter;
  vol: BucketVolume;
  /** Full prefix (volume prefix + sub_path). */
  prefix: string;
  key: string;
  dir: string;
  stateDir: string;
  bin: string;
  creds: Credentials;
  log: (line: string) => void;
  /** Deadline for the mounter to return; default MOUNT_COMMAND_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** Mount and wait until the mount is seen, answers a bounded stat and is still there a moment later. */
export async function mountBucket(r: MountRequest): Promise<void> {
  await mkdir(mountRoot(r.stateDir, r.kind.kind), { recursive: true, mode: 0o700 });
  // A directory that already existed may be the bind source of containers of a dead mount: it stays.
  const createdDir = await mkdir(r.dir, { recursive: true, mode: 0o755 });
  const logDir = logDirFor(r.stateDir, r.kind.kind, r.key);
  let failure: string | undefined;
  let output = '';
  try {
    const ran = await runMounter(r, logDir);
    output = ran.output;
    failure = ran.failure ?? (await waitReady(r.dir, path.basename(r.bin))) ?? (await makeShared(r.dir, r.log));
  } catch (err) {
    failure = (err as Error).message;
  }
  if (!failure) return;

  await unmountDir(r.dir, { lazyFirst: true, code: r.kind.codes.unmount }).catch(() => undefined);
  if (createdDir) await rmdir(r.dir).catch(() => undefined);
  if (r.adapter.logsToDir) output = [output, await tailLogs(logDir)].filter(Boolean).join('\n');
  await rm(logDir, { recursive: true, force: true });
  const said = tail(output);
  const name = path.basename(r.bin);
  const message = `cannot mount ${r.kind.scheme}://${r.vol.bucket}/${r.prefix} (${r.adapter.tool}) at ${r.dir}: ${failure}${said ? `\n${name} said:\n${indent(said)}` : ''}`;
  throw new SbxError(r.kind.codes.mount, redact(message, [r.creds.accessKeySecret]), {
    hint: 'check the endpoint, bucket, region and credentials',
  });
}

/** The mounter's environment without credentials: it reads them from the private file only, so no /proc/<pid>/environ holds them. */
function mounterEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (/^(AWS|OSS)_?(ACCESS|SECRET|SESSION)/i.test(name)) delete env[name];
  return env;
}

async function runMounter(r: MountRequest, logDir: string): Promise<{ failure?: string; output: string }> {
  if (r.adapter.logsToDir) await mkdir(logDir, { recursive: true, mode: 0o700 });
  const input = { vol: r.vol, prefix: r.prefix, dir: r.dir, creds: r.creds, logDir };
  const { name, content } = r.adapter.privateFile(input);
  return withPrivateFile(r.stateDir, r.kind.kind, name, content, async (file) => {
    const argv = r.adapter.argv(input, r.bin, file);
    r.log(`+ ${argv.join(' ')}`);
    // Output goes to a file: a daemonizing mounter may keep inherited pipes open long after it returned.
    const outFile = path.join(path.dirname(file), 'output');
    const res = await execa(argv[0], argv.slice(1), {
      reject: false,
      stdin: 'ignore',
      stdout: { file: outFile },
      stderr: { file: outFile },
      env: mounterEnv(),
      extendEnv: false,
      timeout: r.timeoutMs ?? MOUNT_COMMAND_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    const output = await readFile(outFile, 'utf8').catch(() => '');
    if ((res as { code?: string }).code === 'ENOENT') return { failure: `${argv[0]} not found`, output };
    if (res.timedOut) return { failure: `${path.basename(argv[0])} did not finish within ${(r.timeoutMs ?? MOUNT_COMMAND_TIMEOUT_MS) / 1000}s`, output };
    if (res.exitCode !== 0) return { failure: `${path.basename(argv[0])} exited with status ${res.exitCode ?? res.signal}`, output };
    return { output };
  });
}

/**
 * Containers bind the mount with rslave propagation, which needs a shared source; a later mount stacked
 * on this one (remountOver) then propagates into their binds.
 */
export async function makeShared(dir: string, log: (line: string) => void): Promise<string | undefined> {
  return runMountTool(['mount', '--make-shared', dir], log);
}

/** Runs a mount(8) command; its failure as text, or undefined. */
export async function runMountTool(argv: string[], log: (line: string) => void): Promise<string | undefined> {
  log(`+ ${argv.join(' ')}`);
  const res = await execa(argv[0], argv.slice(1), { reject: false, stdin: 'ignore', timeout: MOUNT_COMMAND_TIMEOUT_MS, killSignal: 'SIGKILL' });
  if (res.exitCode === 0) return undefined;
  return `${argv.slice(0, 2).join(' ')} failed: ${String(res.stderr).trim() || `exit ${res.exitCode ?? res.signal}`}`;
}

/** Why the mount is not usable, or undefined when it is. Exit status alone proves nothing. */
export async function waitReady(dir: string, mounter: string): Promise<string | undefined> {
  const vanished = `${mounter} exited 0 but the mount is gone (it could not use the bucket)`;
  const appearBy = Date.now() + APPEAR_TIMEOUT_MS;
  while (!(await mountAt(dir))) {
    if (Date.now() > appearBy) return vanished;
    await sleep(POLL_MS);
  }
  const first = await probeMount(dir);
  if (first.state === 'absent') return vanished;
  if (first.state === 'dead') return `the new mount does not work: ${first.reason}`;
  await sleep(SETTLE_MS);
  const second = await probeMount(dir);
  if (second.state !== 'healthy' || second.entry.mountId !== first.entry.mountId) return vanished;
  return undefined;
}

async function tailLogs(logDir: string): Promise<string> {
  const files = await readdir(logDir, { recursive: true }).catch(() => [] as string[]);
  const withTimes = await Promise.all(
    files.map(async (f) => ({ f: path.join(logDir, f), st: await stat(path.join(logDir, f)).catch(() => undefined) })),
  );
  const newest = withTimes.filter((x) => x.st?.isFile()).sort((a, b) => b.st!.mtimeMs - a.st!.mtimeMs)[0];
  return newest ? await readFile(newest.f, 'utf8').catch(() => '') : '';
}

function tail(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean)
    .slice(-TAIL_LINES)
    .join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
