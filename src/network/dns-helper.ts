import { mkdir, readdir, readFile, readlink, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SbxError } from '../errors.js';
import { runTool, type ToolContext } from './host-tools.js';

/**
 * The per-sandbox DNS helper (dnsmasq) runs on the host, entered into the sandbox's network
 * namespace. Its state is one directory per sandbox, `<state dir>/network/<id>/` (pid file, log);
 * whether it is the right process is derived every time: the pid's command line names that pid file
 * and the process sits in the namespace of the sandbox's infra container.
 */
export const networkRoot = (stateDir: string) => path.join(stateDir, 'network');
export const helperDir = (stateDir: string, id: string) => path.join(networkRoot(stateDir), id);
export const pidFileOf = (dir: string) => path.join(dir, 'dnsmasq.pid');
export const logFileOf = (dir: string) => path.join(dir, 'dnsmasq.log');

const START_TIMEOUT_MS = 3_000;
const STOP_TIMEOUT_MS = 2_000;
const POLL_MS = 25;

/** The helper's pid when the pid file names a live dnsmasq of this directory; undefined otherwise. */
export async function helperPid(dir: string): Promise<number | undefined> {
  const pid = Number((await readFile(pidFileOf(dir), 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.split('\0').includes(`--pid-file=${pidFileOf(dir)}`) ? pid : undefined;
}

async function netnsOf(pid: number): Promise<string | undefined> {
  return readlink(`/proc/${pid}/ns/net`).catch(() => undefined);
}

/** Whether this sandbox's helper runs in the namespace of the infra process `infraPid`. */
export async function helperServes(dir: string, infraPid: number): Promise<boolean> {
  const pid = await helperPid(dir);
  if (pid === undefined) return false;
  const [mine, infra] = await Promise.all([netnsOf(pid), netnsOf(infraPid)]);
  return mine !== undefined && mine === infra;
}

/** Start dnsmasq (it daemonizes) in the namespace of `infraPid`; an earlier helper of the sandbox is stopped first. */
/** `argv`: the nsenter … dnsmasq command (network/index.ts builds it). */
export async function startHelper(ctx: ToolContext, dir: string, infraPid: number, argv: string[]): Promise<number> {
  await stopHelper(dir, { keepDir: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await rm(pidFileOf(dir), { force: true });
  await runTool(ctx, argv, 'start the DNS helper (dnsmasq) of the sandbox');
  const by = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const pid = await helperPid(dir);
    if (pid !== undefined && (await helperServes(dir, infraPid))) return pid;
    if (Date.now() > by) {
      const log = (await readFile(logFileOf(dir), 'utf8').catch(() => '')).trim().split('\n').slice(-4).join('\n');
      throw new SbxError('NETWORK_POLICY_FAILED', `the DNS helper (dnsmasq) did not come up in the sandbox's namespace${log ? `:\n${log}` : ''}`);
    }
    await sleep(POLL_MS);
  }
}

/** Stop the helper (if running) and remove its directory. Never throws for a helper that is already gone. */
export async function stopHelper(dir: string, o: { keepDir?: boolean } = {}): Promise<boolean> {
  const pid = await helperPid(dir);
  if (pid !== undefined) {
    process.kill(pid, 'SIGTERM');
    const by = Date.now() + STOP_TIMEOUT_MS;
    while ((await helperPid(dir)) !== undefined) {
      if (Date.now() > by) {
        process.kill(pid, 'SIGKILL');
        break;
      }
      await sleep(POLL_MS);
    }
  }
  if (!o.keepDir) await rm(dir, { recursive: true, force: true });
  return pid !== undefined;
}

/** Sandbox ids that have a helper directory. */
export async function helperSandboxes(stateDir: string): Promise<string[]> {
  return (await readdir(networkRoot(stateDir)).catch(() => [] as string[])).sort();
}
