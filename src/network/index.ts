import { readFile } from 'node:fs/promises';
import { engineEndpoint, isLocalEndpoint } from '../docker/endpoint.js';
import type { Docker } from '../docker/engine.js';
import { containerNetns } from '../docker/netns.js';
import { SbxError } from '../errors.js';
import { isLocked } from '../lock.js';
import type { Sandbox } from '../manifest/model.js';
import { DNS_HELPER_QUERY_PORT, dnsmasqArgs } from './dnsmasq-args.js';
import { helperDir, helperSandboxes, helperServes, logFileOf, pidFileOf, startHelper, stopHelper } from './dns-helper.js';
import { dnsUpstreams, hostAddresses, hostNameservers, uidIn } from './host-facts.js';
import { inNetns, runTool } from './host-tools.js';
import { egressPolicy, type EgressPolicy } from './policy.js';
import { rulesetText, TABLE } from './ruleset.js';

export { describePolicy, egressPolicy, infraDns, needsDnsHelper, policyCapDrops, policyIdentity } from './policy.js';

/** What the network module needs from its caller (a BackendContext fits). */
export interface NetworkContext {
  docker: Docker;
  stateDir: string;
  log: (line: string) => void;
  /** With -v: every nsenter/nft/dnsmasq argv. */
  trace?: (line: string) => void;
}

const HELPER_USER = 'nobody';

/** A host-side action of the policy, as --dry-run shows it: the argv and, for nft, the ruleset it reads. */
export interface PolicyAction {
  what: string;
  argv: string[];
  input?: string;
}

interface Facts {
  pid: number;
  bridgeSubnet?: string;
}

/**
 * The actions that enforce the sandbox's policy in the namespace of its infra container (pid
 * `facts.pid`, or "PID" in a dry run): load the ruleset, and for an allow-list start the DNS helper.
 */
export async function policyActions(sandbox: Sandbox, stateDir: string, facts?: Facts): Promise<PolicyAction[]> {
  const policy = egressPolicy(sandbox);
  if (!policy) return [];
  const pid = facts?.pid ?? 0;
  const nsenter = (argv: string[]) => (facts ? inNetns(pid, argv) : ['nsenter', '-t', 'PID', '-n', ...argv]);
  const uid = policy.kind === 'allow' ? await helperUid() : undefined;
  const nameservers = policy.kind === 'allow' ? await dnsUpstreams() : await hostNameservers();
  const input = rulesetText({
    policy,
    hostAddresses: await hostAddresses(),
    bridgeSubnet: facts?.bridgeSubnet,
    nameservers,
    dnsHelper: uid !== undefined ? { queryPort: DNS_HELPER_QUERY_PORT, uid } : undefined,
  });
  const actions: PolicyAction[] = [{ what: `install the network policy (nft table ${TABLE.family} ${TABLE.name}) in the sandbox's namespace`, argv: nsenter(['nft', '-f', '-']), input }];
  if (policy.kind === 'allow') {
    const dir = helperDir(stateDir, sandbox.id);
    const args = dnsmasqArgs({ entries: policy.entries, upstreams: nameservers, pidFile: pidFileOf(dir), logFile: logFileOf(dir), user: HELPER_USER });
    actions.push({ what: 'start the DNS helper (dnsmasq) in the sandbox\'s namespace', argv: nsenter(['dnsmasq', ...args]) });
  }
  return actions;
}

async function helperUid(): Promise<number> {
  const uid = uidIn(await readFile('/etc/passwd', 'utf8').catch(() => ''), HELPER_USER);
  if (uid === undefined) throw new SbxError('NETWORK_POLICY_FAILED', `egress allow-lists run their DNS helper as user "${HELPER_USER}", which this host does not have`);
  return uid;
}

/**
 * Enforce the policy of a sandbox whose infra container runs. `fresh`: the infra was just created
 * (load the rules). Otherwise only what is missing is redone: the rules if the namespace has no
 * table (the infra was restarted behind sbx's back), the DNS helper if it is not running there.
 */
export async function enforceEgress(ctx: NetworkContext, sandbox: Sandbox, infraName: string, o: { fresh: boolean }): Promise<void> {
  const policy = egressPolicy(sandbox);
  if (!policy) return;
  const ns = await containerNetns(ctx.docker, infraName);
  if (!ns.pid) throw new SbxError('NETWORK_POLICY_FAILED', `infra container ${infraName} is not running: its network policy cannot be installed`);
  const dir = helperDir(ctx.stateDir, sandbox.id);
  const rulesThere = !o.fresh && (await hasTable(ctx, ns.pid));
  const helperThere = policy.kind === 'allow' && !o.fresh && rulesThere && (await helperServes(dir, ns.pid));
  if (rulesThere && (policy.kind === 'public' || helperThere)) return;
  const actions = await policyActions(sandbox, ctx.stateDir, { pid: ns.pid, bridgeSubnet: subnetOf(ns.address) });
  if (!o.fresh) ctx.log(`sandbox ${sandbox.id}: ${rulesThere ? 'the DNS helper is not running' : 'the network policy is missing'}; enforcing it again`);
  const [rules, helper] = actions;
  await runTool(ctx, rules.argv, rules.what, rules.input);
  if (helper) await startHelper(ctx, dir, ns.pid, helper.argv);
}

async function hasTable(ctx: NetworkContext, pid: number): Promise<boolean> {
  try {
    await runTool(ctx, inNetns(pid, ['nft', 'list', 'table', TABLE.family, TABLE.name]), 'read the network policy');
    return true;
  } catch {
    return false;
  }
}

/** "172.18.0.2/16" → "172.18.0.0/16". */
export function subnetOf(address: string | undefined): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(address ?? '');
  if (!m) return undefined;
  const len = Number(m[5]);
  const value = m.slice(1, 5).reduce((a, o) => a * 256 + Number(o), 0);
  const base = len === 0 ? 0 : value - (value % 2 ** (32 - len));
  return `${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.')}/${len}`;
}

/** The sandbox's host-side network state (the DNS helper); its rules die with the namespace. */
export async function releaseEgress(ctx: NetworkContext, sandboxId: string): Promise<boolean> {
  return stopHelper(helperDir(ctx.stateDir, sandboxId));
}

/** `sbx gc`: DNS helpers whose sandbox is gone or whose namespace is not the sandbox's infra any more. */
export async function sweepEgress(ctx: NetworkContext, infraNameOf: (id: string) => string, dryRun: boolean): Promise<{ what: string; reason: string }[]> {
  const out: { what: string; reason: string }[] = [];
  for (const id of await helperSandboxes(ctx.stateDir)) {
    // An apply or delete of the sandbox is at work (it may be starting the helper right now).
    if (await isLocked(`sandbox-${id}`)) continue;
    const ns = await containerNetns(ctx.docker, infraNameOf(id)).catch(() => undefined);
    if (ns?.pid && (await helperServes(helperDir(ctx.stateDir, id), ns.pid))) continue;
    out.push({ what: `DNS helper of sandbox ${id} (${helperDir(ctx.stateDir, id)})`, reason: ns?.pid ? 'not in the sandbox\'s namespace' : 'its sandbox is gone' });
    if (!dryRun) await stopHelper(helperDir(ctx.stateDir, id));
  }
  return out;
}

/** sbx enforces policies from the engine's host (nsenter into the namespace): a remote engine is refused, fail closed. */
export async function refuseRemoteEngine(docker: Docker, sandbox: Sandbox): Promise<void> {
  const policy: EgressPolicy | undefined = egressPolicy(sandbox);
  if (!policy) return;
  const endpoint = await engineEndpoint(docker);
  if (isLocalEndpoint(endpoint)) return;
  throw new SbxError(
    'REMOTE_ENGINE_UNSUPPORTED',
    `sandbox ${sandbox.id}: egress ${policy.kind === 'public' ? 'true' : 'allow-list'} is enforced inside the sandbox's network namespace from the engine's host, but the engine is remote (${endpoint}); run sbx on the engine's host, or use egress: false`,
  );
}
