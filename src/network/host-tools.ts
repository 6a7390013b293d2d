import { spawnCollect } from '../docker/spawn.js';
import { SbxError } from '../errors.js';

const TOOL_TIMEOUT_MS = 20_000;

/** What a host tool run needs: the -v trace sees every argv (never a secret: rules and domain names only). */
export interface ToolContext {
  trace?: (line: string) => void;
}

/** Run a host tool (nsenter, nft, dnsmasq) as sbx's user (root); fails with NETWORK_POLICY_FAILED and the tool's words. */
export async function runTool(ctx: ToolContext, argv: string[], what: string, input?: string): Promise<string> {
  ctx.trace?.(`+ ${argv.join(' ')}`);
  const res = await spawnCollect(argv[0], argv.slice(1), { input, timeoutMs: TOOL_TIMEOUT_MS });
  if (res.spawnError) {
    throw new SbxError('NETWORK_POLICY_FAILED', `cannot ${what}: ${argv[0]} ${res.spawnError.code === 'ENOENT' ? 'is not installed' : res.spawnError.message}`, {
      hint: 'network policies need nsenter (util-linux), nft (nftables) and, for allow-lists, dnsmasq (dnsmasq-base) on the engine host, run as root',
    });
  }
  if (res.exitCode !== 0) {
    const said = (res.stderr || res.stdout).trim().split('\n').slice(-6).join('\n');
    throw new SbxError('NETWORK_POLICY_FAILED', `cannot ${what}: ${argv[0]} ${res.timedOut ? 'timed out' : `exited with status ${res.exitCode}`}${said ? `: ${said}` : ''}`);
  }
  return res.stdout;
}

/** argv that runs a tool inside the network namespace of a process (only the namespace: paths stay the host's). */
export function inNetns(pid: number, argv: string[]): string[] {
  return ['nsenter', '-t', String(pid), '-n', ...argv];
}
