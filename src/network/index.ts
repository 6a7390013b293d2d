import { readFile } from 'node:fs/promises';
import { engineEndpoint, isLocalEndpoint } from '../docker/endpoint.js';
import type { DockerClient } from '../docker/engine.js';
import { containerNetns } from '../docker/netns.js';
import { SbxError } from '../errors.js';
import { isLocked } from '../lock.js';
import type { Sandbox } from '../manifest/model.js';
import { DNS_HELPER_QUERY_PORT, dnsmasqArgs } from './dnsmasq-args.js';
import { helperDir, helperSandboxes, helperServes, logFileOf, pidFileOf, startHelper, stopHelper } from './dns-helper.js';
import { dnsUpstreams, hostAddresses, hostNameservers, uidIn } from './host-facts.js';
import { inNetns, runTool } from './host-tools.js';
import { egressPolicy, type EgressPolicy } from './policy.js';
import { REJECTED_V4 } from './reject-list.js';
import { rulesetText, TABLE } from './ruleset.js';

export { describePolicy, egressPolicy, infraDns, needsDnsHelper, policyCapDrops, policyIdentity } from './policy.js';

/** What the network module needs from its caller (a BackendContext fits). */
export interface NetworkContext {
  docker: DockerClient;
  stateDir: string;
  log: (line: string) => void;
  /** With -v: every nsenter/nft/dnsmasq argv. */
  trace?: (line: string) => void;
}

const HELPER_USER = 'nobody';

/** What the plan installs in a new infra container's namespace: the ruleset and, for allow-lists, the DNS helper's arguments. */
export interface PlannedPolicy {
  ruleset: string;
  /** dnsmasq's arguments (run as `nsenter -t PID -n dnsmasq …`); allow-lists only. */
  dnsHelper?: string[];
}

/**
 * The policy of a sandbox as plan data, from the host's facts (its addresses, its nameservers):
 * everything but the infra's pid, which exists only once the infra container runs.
 */
export async function plannedPolicy(sandbox: Sandbox, stateDir: string): Promise<PlannedPolicy | undefined> {
  const policy = egressPolicy(sandbox);
  if (!policy) return undefined;
  const uid = policy.kind === 'allow' ? await helperUid() : undefined;
  const nameservers = policy.kind === 'allow' ? await dnsUpstreams() : await hostNameservers();
  const ruleset = rulesetText({
    policy,
    hostAddresses: await hostAddresses(),
    nameservers,
    dnsHelper: uid !== undefined ? { queryPort: DNS_HELPER_QUERY_PORT, uid } : undefined,
  });
  if (policy.kind !== 'allow') return { ruleset };
  const dir = helperDir(stateDir, sandbox.id);
  return { ruleset, dnsHelper: dnsmasqArgs({ entries: policy.entries, upstreams: nameservers, pidFile: pidFileOf(dir), logFile: logFileOf(dir), user: HELPER_USER }) };
}

async function helperUid(): Promise<number> {
  const uid = uidIn(await readFile('/etc/passwd', 'utf8').catch(() => ''), HELPER_USER);
  if (uid === undefined) throw new SbxError('NETWORK_POLICY_FAILED', `egress allow-lists run their DNS helper as user "${HELPER_USER}", which this host does not have`);
  return uid;
}

/** Whether a running infra container's namespace still holds the policy (rules, and the DNS helper for allow-lists). */
export async function policyInPlace(ctx: NetworkContext, sandbox: Sandbox, infraName: string): Promise<'in place' | 'the network policy is missing' | 'the DNS helper is not running'> {
  const policy = egressPolicy(sandbox);
  if (!policy) return 'in place';
  const ns = await containerNetns(ctx.docker, infraName);
  if (!ns.pid || !(await hasTable(ctx, ns.pid))) return 'the network policy is missing';
  if (policy.kind === 'allow' && !(await helperServes(helperDir(ctx.stateDir, sandbox.id), ns.pid))) return 'the DNS helper is not running';
  return 'in place';
}

/**
 * Install a planned policy in the namespace of the running infra container: the ruleset (one
 * atomic `nft -f`), then the DNS helper. Fails closed when the sandbox's bridge is outside the
 * ranges the ruleset rejects (the rules would not keep other sandboxes on it out).
 */
export async function enforcePolicy(ctx: NetworkContext, sandboxId: string, infraName: string, planned: PlannedPolicy): Promise<void> {
  const ns = await containerNetns(ctx.docker, infraName);
  if (!ns.pid) throw new SbxError('NETWORK_POLICY_FAILED', `infra container ${infraName} is not running: its network policy cannot be installed`);
  const subnet = subnetOf(ns.address);
  if (subnet && !REJECTED_V4.some((cidr) => cidrContains(cidr, subnet))) {
    throw new SbxError('NETWORK_POLICY_FAILED', `the sandbox's bridge subnet ${subnet} is outside the private ranges the policy rejects; give Docker a private default-address-pool`);
  }
  await runTool(ctx, inNetns(ns.pid, ['nft', '-f', '-']), `install the network policy (nft table ${TABLE.family} ${TABLE.name}) in the sandbox's namespace`, planned.ruleset);
  if (planned.dnsHelper) await startHelper(ctx, helperDir(ctx.stateDir, sandboxId), ns.pid, inNetns(ns.pid, ['dnsmasq', ...planned.dnsHelper]));
}

async function hasTable(ctx: NetworkContext, pid: number): Promise<boolean> {
  try {
    await runTool(ctx, inNetns(pid, ['nft', 'list', 'table', TABLE.family, TABLE.name]), 'read the network policy');
    return true;
  } catch {
    return false;
  }
}

/** Whether IPv4 CIDR `outer` contains CIDR `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const parse = (c: string) => {
    const [ip, len] = c.split('/');
    return { value: ip.split('.').reduce((a, o) => a * 256 + Number(o), 0), len: Number(len) };
  };
  const o = parse(outer);
  const i = parse(inner);
  if (i.len < o.len) return false;
  const size = 2 ** (32 - o.len);
  return Math.floor(o.value / size) === Math.floor(i.value / size);
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
export async function refuseRemoteEngine(docker: DockerClient, sandbox: Sandbox): Promise<void> {
  const policy: EgressPolicy | undefined = egressPolicy(sandbox);
  if (!policy) return;
  const endpoint = await engineEndpoint(docker);
  if (isLocalEndpoint(endpoint)) return;
  throw new SbxError(
    'REMOTE_ENGINE_UNSUPPORTED',
    `sandbox ${sandbox.id}: egress ${policy.kind === 'public' ? 'true' : 'allow-list'} is enforced inside the sandbox's network namespace from the engine's host, but the engine is remote (${endpoint}); run sbx on the engine's host, or use egress: false`,
  );
}
