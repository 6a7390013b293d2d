import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUILD_ID } from '../build-id.js';
import { stateDir } from '../state-dir.js';

/**
 * What the last apply of one manifest file left running: the Docker ids and names of the sandbox's
 * containers. It lets a re-apply of the unchanged file answer "unchanged" from one `docker ps`
 * without loading the manifest machinery (see cli/fast-noop.ts). Docker labels stay the only state:
 * a record is a memo that is either confirmed by the engine (same container ids, all running; labels
 * of an id never change) or ignored, and deleting it loses nothing.
 */
export interface AppliedRecord {
  id: string;
  /** [docker id, name] of every container, infra included. */
  containers: [string, string][];
}

/**
 * Everything the desired sandbox is computed from: this build (and the Node running it), the manifest's
 * path and text, and the environment the plan reads (the pause image; backends whose mounts read credentials from the environment are never recorded, see VolumeBackend.recordable).
 */
export function manifestFingerprint(file: string, text: string, env: NodeJS.ProcessEnv = process.env): string {
  const inputs = [BUILD_ID, process.version, process.arch, env.SBX_PAUSE_IMAGE ?? '', path.resolve(file), text];
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

function recordDir(): string {
  return path.join(stateDir(), 'applied');
}

/** Names of the record file and of the per-sandbox pointer to it (which lets a delete forget it). */
const recordFile = (fingerprint: string) => path.join(recordDir(), `${fingerprint}.json`);
const pointerFile = (id: string) => path.join(recordDir(), `sandbox-${id}`);

export function readAppliedRecord(fingerprint: string): AppliedRecord | undefined {
  try {
    const rec = JSON.parse(readFileSync(recordFile(fingerprint), 'utf8')) as AppliedRecord;
    return typeof rec.id === 'string' && Array.isArray(rec.containers) ? rec : undefined;
  } catch {
    return undefined;
  }
}

/** Written under the sandbox lock; replaces the sandbox's previous record. Best effort: a memo that cannot be written is no error. */
export function writeAppliedRecord(fingerprint: string, rec: AppliedRecord): void {
  try {
    mkdirSync(recordDir(), { recursive: true, mode: 0o700 });
    atomicWrite(recordFile(fingerprint), JSON.stringify(rec));
    replacePointer(rec.id, fingerprint);
  } catch {
    // The next apply takes the full path.
  }
}

/**
 * A sandbox whose converged state cannot be recorded (see VolumeBackend.recordable) still leaves its
 * pointer, empty: a hint that a re-apply will probably find it converged (apply-sandbox.ts then asks
 * for its containers before anything else). A wrong hint costs time, never correctness.
 */
export function markApplied(id: string): void {
  try {
    mkdirSync(recordDir(), { recursive: true, mode: 0o700 });
    replacePointer(id, '');
  } catch {
    // Only a hint.
  }
}

/** Whether an apply of this sandbox succeeded here and no delete followed (a hint, see markApplied). */
export function wasApplied(id: string): boolean {
  return existsSync(pointerFile(id));
}

/** After a delete (under the sandbox lock). */
export function forgetAppliedRecord(id: string): void {
  const previous = readPointer(id);
  if (previous) rmSync(recordFile(previous), { force: true });
  rmSync(pointerFile(id), { force: true });
}

/** Sandbox ids that have a record. */
export function recordedSandboxes(): string[] {
  try {
    return readdirSync(recordDir()).flatMap((f) => (f.startsWith('sandbox-') ? [f.slice('sandbox-'.length)] : []));
  } catch {
    return [];
  }
}

/** Points the sandbox at `fingerprint` ('' for none) and drops the record it pointed at before. */
function replacePointer(id: string, fingerprint: string): void {
  const previous = readPointer(id);
  atomicWrite(pointerFile(id), fingerprint);
  if (previous && previous !== fingerprint) rmSync(recordFile(previous), { force: true });
}

function readPointer(id: string): string | undefined {
  try {
    const fp = readFileSync(pointerFile(id), 'utf8').trim();
    return /^[0-9a-f]{64}$/.test(fp) ? fp : undefined;
  } catch {
    return undefined;
  }
}

function atomicWrite(file: string, text: string): void {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}

/** The line `sbx apply` prints for a sandbox it left as it was. */
export function unchangedLine(id: string): string {
  return `sandbox ${id} unchanged`;
}
