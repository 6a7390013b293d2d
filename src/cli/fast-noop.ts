import { statSync, writeSync } from 'node:fs';
import { manifestFingerprint, readAppliedRecord, unchangedLine, type AppliedRecord } from '../apply/applied-record.js';
import { Docker } from '../docker/engine.js';
import { readRegularFile } from '../manifest/bounded-read.js';
import { inputLimits } from '../manifest/input-limits.js';
import { observeContainers, type ObservedContainer } from '../plan/observe.js';

/**
 * `sbx apply -f FILE` of a file whose last apply is on record (apply/applied-record.ts): one
 * `docker ps` (or the same question to the engine's API) shows whether the sandbox is still exactly
 * what that apply left — the same container ids, every one running. If so, the full apply would plan nothing (its plan is a function of the
 * manifest and of those containers' labels, which never change for an id), so this prints its
 * answer without loading the manifest machinery. Anything else, or any doubt, returns false and
 * the full apply runs.
 */
export async function fastNoop(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  try {
    const call = plainApply(args);
    if (!call || !statSync(call.file).isFile()) return false;
    // Past the limit (or swapped for a FIFO meanwhile), the full apply gives the refusal.
    const read = readRegularFile(call.file, inputLimits(env).maxBytes, 'MANIFEST_INVALID');
    if (read.over) return false;
    const rec = readAppliedRecord(manifestFingerprint(call.file, Buffer.from(read.bytes).toString('utf8'), env));
    if (!rec) return false;
    const docker = new Docker({ bin: env.SBX_DOCKER ?? 'docker', context: call.context });
    if (!confirms(rec, await observeContainers(docker, rec.id))) return false;
    // Synchronous, so that a closed stdout (EPIPE) lands in the catch and the full CLI handles it as usual.
    writeSync(1, unchangedLine(rec.id) + '\n');
    return true;
  } catch {
    return false;
  }
}

/** Only the plain form qualifies: `apply -f FILE`, optionally with --context NAME and --no-color (they change no output). */
export function plainApply(args: string[]): { file: string; context?: string } | undefined {
  let command: string | undefined;
  let file: string | undefined;
  let context: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const eq = args[i].startsWith('--') ? args[i].indexOf('=') : -1;
    const flag = eq > 0 ? args[i].slice(0, eq) : args[i];
    const inline = eq > 0 ? args[i].slice(eq + 1) : undefined;
    if (flag === 'apply' && command === undefined) {
      command = flag;
      continue;
    }
    if (flag === '--no-color' && inline === undefined) continue;
    const isFile = command !== undefined && (flag === '-f' || flag === '--filename');
    if (!isFile && flag !== '--context') return undefined;
    const value = inline ?? args[++i];
    if (!value || (inline === undefined && value.startsWith('-'))) return undefined;
    if (isFile ? file !== undefined : context !== undefined) return undefined;
    if (isFile) file = value;
    else context = value;
  }
  return command && file ? { file, context } : undefined;
}

function confirms(rec: AppliedRecord, live: ObservedContainer[]): boolean {
  if (live.length !== rec.containers.length) return false;
  const expected = new Map(rec.containers);
  return live.every((c) => c.state === 'running' && expected.get(c.id) === c.name);
}
