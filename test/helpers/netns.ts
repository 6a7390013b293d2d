/**
 * Network namespaces for egress tests: each holds addresses the test assigns itself and is joined to
 * the host by a veth pair, so traffic to them never leaves this machine. A namespace checks that the
 * host routes its addresses through its veth before anything is sent, and is removed afterwards
 * (with every process the test started in it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function sh(argv: string[]): Promise<string> {
  const { stdout } = await run(argv[0], argv.slice(1), { timeout: 10_000 });
  return stdout.trim();
}

export interface TestNetns {
  name: string;
  /** The host's end of the veth (an address of the host while the namespace exists). */
  hostAddress: string;
  addresses: string[];
  /** Serve `hello <address>` over HTTP on every address of the namespace (busybox httpd). */
  serveHttp(port: number): Promise<void>;
  /** A DNS server (dnsmasq) on `address` answering the given names with the given A records, NXDOMAIN otherwise. */
  serveDns(address: string, records: Record<string, string>): Promise<void>;
  /** Packets that arrived on the namespace's veth from outside (an nft counter), excluding ARP. */
  packetsIn(): Promise<number>;
  remove(): Promise<void>;
}

/**
 * `prefix` like "203.0.113": the host gets .1, the namespace the given last octets. The names are
 * short (interface names are at most 15 bytes) and unique to the process.
 */
export async function createTestNetns(tag: string, prefix: string, octets: number[]): Promise<TestNetns> {
  const name = `sbxt${tag}${process.pid % 10000}`;
  const hostIf = `vh${tag}${process.pid % 10000}`.slice(0, 15);
  const nsIf = `vn${tag}${process.pid % 10000}`.slice(0, 15);
  const hostAddress = `${prefix}.1`;
  const addresses = octets.map((o) => `${prefix}.${o}`);
  const children: ChildProcess[] = [];
  const inNs = (argv: string[]) => ['ip', 'netns', 'exec', name, ...argv];
  const spawnIn = (argv: string[]) => spawn('ip', ['netns', 'exec', name, ...argv], { stdio: 'ignore' });
  await sh(['ip', 'netns', 'add', name]);
  const ns: TestNetns = {
    name,
    hostAddress,
    addresses,
    async serveHttp(port) {
      for (const a of addresses) {
        const dir = mkdtempSync(path.join(tmpdir(), 'sbx-netns-www-'));
        writeFileSync(path.join(dir, 'index.html'), `hello ${a}\n`);
        children.push(spawnIn(['busybox', 'httpd', '-f', '-p', `${a}:${port}`, '-h', dir]));
      }
      await waitFor(async () => (await sh(inNs(['ss', '-ltn']))).split('\n').filter((l) => l.includes(`:${port} `)).length === addresses.length, 'httpd listening');
    },
    async serveDns(address, records) {
      const args = ['--conf-file=/dev/null', '--no-resolv', '--no-hosts', '-k', `--listen-address=${address}`, '--bind-interfaces', '--pid-file=', '--user=root', '--address=/#/'];
      for (const [n, ip] of Object.entries(records)) args.push(`--address=/${n}/${ip}`);
      children.push(spawnIn(['dnsmasq', ...args]));
      await waitFor(async () => (await sh(inNs(['ss', '-lun']))).includes(`${address}:53 `), 'dnsmasq listening');
    },
    async packetsIn() {
      const out = await sh(inNs(['nft', 'list', 'table', 'inet', 'sbxtest']));
      return Number(/counter packets (\d+)/.exec(out)?.[1] ?? NaN);
    },
    async remove() {
      for (const c of children) c.kill('SIGKILL');
      await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
      await sh(['ip', 'link', 'del', hostIf]).catch(() => undefined);
      await sh(['ip', 'netns', 'del', name]).catch(() => undefined);
    },
  };
  try {
    await sh(['ip', 'link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    await sh(['ip', 'link', 'set', nsIf, 'netns', name]);
    await sh(['ip', 'addr', 'add', `${hostAddress}/24`, 'dev', hostIf]);
    await sh(['ip', 'link', 'set', hostIf, 'up']);
    await sh(inNs(['ip', 'link', 'set', 'lo', 'up']));
    for (const a of addresses) await sh(inNs(['ip', 'addr', 'add', `${a}/24`, 'dev', nsIf]));
    await sh(inNs(['ip', 'link', 'set', nsIf, 'up']));
    await sh(inNs(['ip', 'route', 'add', 'default', 'via', hostAddress]));
    // Counts what reaches the namespace from outside its own subnet's host end (sandboxes arrive masqueraded as hostAddress).
    await sh([...inNs(['nft', `add table inet sbxtest; add chain inet sbxtest in { type filter hook input priority 0; }; add rule inet sbxtest in iifname "${nsIf}" meta l4proto { tcp, udp, icmp } counter`])]);
    for (const a of addresses) {
      const route = await sh(['ip', 'route', 'get', a]);
      if (!route.includes(`dev ${hostIf}`)) throw new Error(`no route to ${a} through ${hostIf}: ${route}`);
    }
  } catch (err) {
    await ns.remove();
    throw err;
  }
  return ns;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const by = Date.now() + timeoutMs;
  for (let i = 0; i < 200; i++) {
    if (await check().catch(() => false)) return;
    if (Date.now() > by) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
