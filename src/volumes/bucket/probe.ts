import { execa } from '../../lazy-execa.js';
import { deviceNumber, mountAt, type MountEntry } from './mountinfo.js';

export type MountState =
  | { state: 'absent' }
  | { state: 'healthy'; entry: MountEntry }
  | { state: 'dead'; entry: MountEntry; reason: string };

export const PROBE_TIMEOUT_MS = 10_000;

/**
 * Prints st_dev of the directory after opening it. The open matters: the kernel answers stat() of a
 * dead FUSE mount from its attribute cache, but opendir() always reaches the daemon.
 */
const PROBE_SCRIPT = `
const fs = require('node:fs');
const dir = process.argv[1];
try {
  const dev = fs.statSync(dir, { bigint: true }).dev;
  fs.opendirSync(dir).closeSync();
  process.stdout.write(String(dev));
} catch (e) {
  process.stderr.write(e.code === 'ENOTCONN' ? 'Transport endpoint is not connected' : String(e.message));
  process.exit(1);
}`;

/**
 * Is there a live FUSE mount at dir? The stat runs in a child process with a deadline: a wedged FUSE
 * daemon blocks stat() in the kernel, which must hang a killable child, never sbx itself.
 */
export async function probeMount(dir: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<MountState> {
  const entry = await mountAt(dir);
  if (!entry) return { state: 'absent' };
  const res = await execa(process.execPath, ['-e', PROBE_SCRIPT, dir], { reject: false, timeout: timeoutMs, killSignal: 'SIGKILL', stripFinalNewline: true });
  const now = await mountAt(dir);
  if (!now) return { state: 'absent' };
  if (res.timedOut) return { state: 'dead', entry: now, reason: `the mount did not answer within ${Math.round(timeoutMs / 1000)}s` };
  if (res.exitCode !== 0) return { state: 'dead', entry: now, reason: lastLine(String(res.stderr)) || `stat exited ${res.exitCode}` };
  // A mount that was torn down between the two reads answers with the directory underneath.
  if (String(res.stdout).trim() !== deviceNumber(now.device)) return { state: 'dead', entry: now, reason: 'the mount does not answer for its directory' };
  return { state: 'healthy', entry: now };
}

function lastLine(text: string): string {
  return text.split('\n').filter((l) => l.trim()).at(-1) ?? '';
}
