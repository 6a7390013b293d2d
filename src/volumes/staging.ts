import fs from 'node:fs';
import path from 'node:path';
import { execa } from '../lazy-execa.js';
import { heldResources } from '../plan/mounts.js';
import { observeContainers } from '../plan/observe.js';
import type { DesiredContainer, DesiredMount } from '../plan/desired.js';
import { isLocked, withLocks } from '../lock.js';
import type { GcAction } from './backend.js';
import { canonicalLoose, openPinnedDirectory, PathProblem, sameFile } from './safe-path.js';
import type { BackendContext } from './types.js';

/**
 * Staging bind mounts: a checked directory is pinned by an fd and bind-mounted from that fd to a
 * private path, `<state dir>/staging/<sandbox>/<container>/<mount index>-<nonce>`; Docker gets the
 * staging path, never the user-controlled one. The nonce keeps a replacement container's mounts
 * apart from those of the container it replaces (both exist until the swap succeeds).
 * Paths are canonical, so that they match /proc/self/mountinfo and what the engine reports.
 */
export const stagingRoot = (stateDir: string) => path.join(canonicalLoose(stateDir), 'staging');

/** The staging path of one container mount in this apply (the nonce is the apply's run id). */
export function stagingPathFor(ctx: BackendContext, dc: DesiredContainer, m: DesiredMount): string {
  return stagingPathWith(ctx, dc, m, ctx.nonce);
}

function stagingPathWith(ctx: BackendContext, dc: DesiredContainer, m: DesiredMount, nonce: string): string {
  return path.join(stagingRoot(ctx.stateDir), ctx.sandboxId, dc.dockerName, `${m.index}-${nonce}`);
}

/** A path sbx itself would have made (labels are read back from Docker, so they are checked before use). */
export function isStagingPath(stateDir: string, p: string): boolean {
  const rel = path.relative(stagingRoot(stateDir), p);
  const parts = rel.split('/');
  return !path.isAbsolute(rel) && parts.length === 3 && parts.every((c) => c !== '' && c !== '.' && c !== '..');
}

/**
 * Pin `canonical` (no symlink may appear on the way) and bind the pinned directory to `staging`.
 * `mount --no-canonicalize` hands the /proc fd link to mount(2) unresolved, so the kernel binds the
 * opened directory itself, not whatever the path names by then (CVE-2021-25741).
 */
export async function stagePinned(canonical: string, staging: string): Promise<void> {
  const fd = openPinnedDirectory(canonical);
  let mounted = false;
  try {
    await ensureStagingRoot(path.dirname(path.dirname(path.dirname(staging))));
    makePrivateDirs(path.dirname(staging), 2);
    fs.mkdirSync(staging, { mode: 0o700 });
    const res = await execa('mount', ['--no-canonicalize', '--bind', `/proc/${process.pid}/fd/${fd}`, staging], { reject: false });
    if (res.exitCode !== 0) {
      throw new PathProblem('unverifiable', `cannot pin ${canonical} for the container (mount: ${String(res.stderr || res.message).trim()}); sbx must run as root on the engine's host`);
    }
    mounted = true;
    if (!sameFile(fs.fstatSync(fd), fs.statSync(staging))) {
      throw new PathProblem('changed', `the staged mount of ${canonical} is not the checked directory`);
    }
  } catch (err) {
    if (mounted) await unstage(staging);
    else rmdirQuiet(staging);
    throw err;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The staging root is a small tmpfs of its own: after a reboot every staging path is gone, so
 * starting a container whose bind was not made again fails loudly instead of binding an empty
 * directory (and writing into the state dir).
 */
async function ensureStagingRoot(root: string): Promise<void> {
  makePrivateDirs(root, 1);
  if (isMountPoint(root)) return;
  // Two applies must not stack two tmpfs: the second would hide the first one's staging paths.
  await withLocks(
    ['staging-root'],
    async () => {
      if (isMountPoint(root)) return;
      const res = await execa('mount', ['-t', 'tmpfs', '-o', 'mode=0700,size=1m', 'sbx-staging', root], { reject: false });
      if (res.exitCode !== 0) throw new PathProblem('unverifiable', `cannot mount the staging tmpfs at ${root}: ${String(res.stderr || res.message).trim()}`);
    },
    { timeoutMs: 30_000 },
  );
}

/** Create `dir` and tighten it and its `levels - 1` parents to 0700. */
function makePrivateDirs(dir: string, levels: number): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (let d = dir, i = 0; i < levels; i++, d = path.dirname(d)) fs.chmodSync(d, 0o700);
}

/** Unmount (lazily if busy) and remove a staging path; never deletes anything but empty directories. Returns false if it stays mounted. */
export async function unstage(staging: string): Promise<boolean> {
  // Stacked mounts (an interrupted retry) need one umount each.
  for (let i = 0; i < 8 && isMountPoint(staging); i++) {
    const res = await execa('umount', [staging], { reject: false });
    if (res.exitCode !== 0) await execa('umount', ['-l', staging], { reject: false });
  }
  if (isMountPoint(staging)) return false;
  rmdirQuiet(staging);
  rmdirQuiet(path.dirname(staging));
  rmdirQuiet(path.dirname(path.dirname(staging)));
  return true;
}

function rmdirQuiet(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    /* not empty, gone, or busy: leave it */
  }
}

/** Mount points from /proc/self/mountinfo (octal escapes such as \040 decoded). */
export function mountPoints(): string[] {
  let text: string;
  try {
    text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[4].replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

export function isMountPoint(p: string): boolean {
  return mountPoints().includes(p);
}

/** Release the staging mounts of removed containers (paths from their labels). */
export async function releaseStaged(ctx: BackendContext, paths: string[]): Promise<void> {
  for (const p of paths) {
    if (!isStagingPath(ctx.stateDir, p)) continue;
    if (!(await unstage(p))) ctx.warn(`staging mount ${p} is busy and stays mounted; \`sbx gc\` retries`);
  }
}

/** `sbx gc`: staging paths no container (of any sandbox) names in its labels, except sandboxes an apply is working on. */
export async function sweepStaging(ctx: BackendContext, dryRun: boolean): Promise<GcAction[]> {
  const root = stagingRoot(ctx.stateDir);
  const found = new Set([...leafDirs(root), ...mountPoints().filter((p) => isStagingPath(ctx.stateDir, p))]);
  if (!found.size) return [];
  const used = await stagedPathsInUse(ctx);
  const actions: GcAction[] = [];
  for (const p of [...found].sort()) {
    if (used.has(p)) continue;
    const sandbox = path.relative(root, p).split('/')[0];
    if (await isLocked(`sandbox-${sandbox}`)) continue;
    const mounted = isMountPoint(p);
    actions.push({ what: `staging ${mounted ? 'mount' : 'directory'} ${p}`, reason: 'no container uses it' });
    if (!dryRun && !(await unstage(p))) ctx.warn(`staging mount ${p} is busy and stays mounted`);
  }
  return actions;
}

async function stagedPathsInUse(ctx: BackendContext): Promise<Set<string>> {
  const containers = await observeContainers(ctx.docker);
  return new Set(containers.flatMap((c) => heldResources(c.labels).filter((h) => !h.shared).map((h) => h.ref)));
}

function leafDirs(root: string): string[] {
  const out: string[] = [];
  for (const sandbox of listDir(root)) {
    for (const container of listDir(path.join(root, sandbox))) {
      for (const leaf of listDir(path.join(root, sandbox, container))) out.push(path.join(root, sandbox, container, leaf));
    }
  }
  return out;
}

function listDir(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
}
