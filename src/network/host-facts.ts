import { readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { spawnCollect } from '../docker/spawn.js';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** IPv4 `nameserver` lines of a resolv.conf, loopback ones left out (they mean the host's own stub). */
export function parseNameservers(text: string): string[] {
  return text
    .split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((ip): ip is string => ip !== undefined && IPV4.test(ip) && !ip.startsWith('127.'));
}

/**
 * The nameservers Docker's embedded resolver forwards to (libnetwork resolvconf.Path()): the host's
 * /etc/resolv.conf, or systemd-resolved's upstream list when that names only the local stub.
 */
export async function hostNameservers(): Promise<string[]> {
  const main = parseNameservers(await readFile('/etc/resolv.conf', 'utf8').catch(() => ''));
  if (main.length) return main;
  return parseNameservers(await readFile('/run/systemd/resolve/resolv.conf', 'utf8').catch(() => ''));
}

/** The upstreams of an allow-list's DNS helper: SBX_DNS_UPSTREAMS (comma-separated IPv4), else the host's nameservers. */
export async function dnsUpstreams(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const explicit = env.SBX_DNS_UPSTREAMS?.split(',').map((s) => s.trim()).filter((s) => IPV4.test(s));
  return explicit?.length ? explicit : hostNameservers();
}

/**
 * Every IPv4 address of this host, interfaces that are down included (docker0 without containers is
 * down, and its address is still the host's): `ip -o -4 addr`, else Node's list of the interfaces that are up.
 */
export async function hostAddresses(): Promise<string[]> {
  const res = await spawnCollect('ip', ['-o', '-4', 'addr', 'show'], { timeoutMs: 5_000 });
  const fromIp = res.exitCode === 0 ? parseIpAddr(res.stdout) : [];
  const fromNode = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === 'IPv4')
    .map((a) => a.address);
  return [...new Set([...fromIp, ...fromNode])];
}

/** The addresses of `ip -o -4 addr show` output. */
export function parseIpAddr(text: string): string[] {
  return [...text.matchAll(/\binet (\d{1,3}(?:\.\d{1,3}){3})\//g)].map((m) => m[1]);
}

/** The uid of a user in an /etc/passwd text. */
export function uidIn(passwd: string, user: string): number | undefined {
  const line = passwd.split('\n').find((l) => l.split(':')[0] === user);
  const uid = line ? Number(line.split(':')[2]) : NaN;
  return Number.isInteger(uid) ? uid : undefined;
}
