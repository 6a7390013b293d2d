import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../../src/manifest/load.js';
import type { Sandbox } from '../../../src/manifest/model.js';
import { desiredSandbox, type DesiredSandbox } from '../../../src/plan/desired.js';
import type { Observed } from '../../../src/plan/observe.js';
import { planText, printedSteps } from '../../../src/plan/plan-text.js';
import { realisePlan } from '../../../src/plan/realise.js';
import { reconcile } from '../../../src/plan/reconcile.js';
import { plannedMounts, volumeKinds, volumeSteps } from '../../../src/volumes/index.js';
import { DNS_HELPER_QUERY_PORT, dnsmasqArgs } from '../../../src/network/dnsmasq-args.js';
import { egressPolicy } from '../../../src/network/policy.js';
import { rulesetText } from '../../../src/network/ruleset.js';
import { FakeDocker } from '../../helpers/fake-docker.js';
import { ROOT } from '../../helpers/cli.js';
import { context } from '../volumes/pvc-host-fixtures.js';

const MANIFESTS = path.join(ROOT, 'manifests');
const GOLDEN = path.join(ROOT, 'test/golden/plans');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const NOW = new Date('2026-01-01T00:00:00Z');
const examples = readdirSync(MANIFESTS).filter((f) => f.endsWith('.yaml')).sort();

/** Fixed inputs: the examples' credentials, a state dir, an engine at API 1.41 (pvc sub_path through staging). */
function plan(sb: Sandbox, observed: (d: DesiredSandbox) => Observed, over: { pauseImagePresent?: boolean } = {}) {
  const env = { OSS_ACCESS_KEY_ID: 'golden-key-id', OSS_ACCESS_KEY_SECRET: 'golden-secret' };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const d = desiredSandbox(sb, { pauseImage: 'sbx-pause:golden', kinds: volumeKinds, now: NOW });
    const ctx = context(new FakeDocker(), '/var/lib/sbx', { sandboxId: sb.id, nonce: 'r1' });
    const p = reconcile(d, observed(d), 'r1');
    return { d, p, ctx, steps: (vs: Awaited<ReturnType<typeof volumeSteps>>) => realisePlan(p, d, {
      pauseImage: 'sbx-pause:golden',
      pauseImagePresent: over.pauseImagePresent ?? false,
      rootfsSizeBytes: () => undefined,
      mountsOf: (dc) => plannedMounts(ctx, dc),
      volumeSteps: vs,
      policy: policyOf(sb),
    }) };
  } finally {
    process.env = saved;
  }
}

/** The plan's network policy with fixed host facts (documentation addresses), as plannedPolicy builds it on a host. */
function policyOf(sb: Sandbox): { ruleset: string; dnsHelper?: string[] } | undefined {
  const policy = egressPolicy(sb);
  if (!policy) return undefined;
  const allow = policy.kind === 'allow';
  const ruleset = rulesetText({ policy, hostAddresses: ['192.0.2.10'], nameservers: ['192.0.2.53'], dnsHelper: allow ? { queryPort: DNS_HELPER_QUERY_PORT, uid: 65534 } : undefined });
  if (policy.kind !== 'allow') return { ruleset };
  const dir = `/var/lib/sbx/network/${sb.id}`;
  return { ruleset, dnsHelper: dnsmasqArgs({ entries: policy.entries, upstreams: ['192.0.2.53'], pidFile: `${dir}/dnsmasq.pid`, logFile: `${dir}/dnsmasq.log`, user: 'nobody' }) };
}

const empty = (): Observed => ({ containers: [], networks: [], volumes: [] });

/** What Docker reports after `d` was applied. */
function after(d: DesiredSandbox): Observed {
  return {
    containers: [d.infra, ...d.containers].map((c) => ({ id: `id-${'dockerName' in c ? c.dockerName : c.name}`, name: 'dockerName' in c ? c.dockerName : c.name, state: 'running', status: 'Up', labels: c.labels })),
    networks: d.network ? [{ name: d.network.name, labels: d.network.labels }] : [],
    volumes: d.ownedVolumes.map((v) => ({ name: v.name, labels: v.labels })),
  };
}

async function text(sb: Sandbox, observed: (d: DesiredSandbox) => Observed, over: { pauseImagePresent?: boolean } = {}): Promise<string> {
  const { p, ctx, steps } = plan(sb, observed, over);
  const created = p.steps.flatMap((s) => (s.kind === 'create-container' ? [s.container] : []));
  // An engine where no named volume exists yet: pvc create: true volumes become plan steps.
  const noVolumes = new FakeDocker((args) => ({ stdout: '[]', exitCode: 1, stderr: args.slice(2).map((n) => `Error: No such volume: ${n}`).join('\n') }));
  const pvcSteps = created.length ? await volumeSteps({ ...ctx, docker: noVolumes }, created) : [];
  return planText(sb.id, printedSteps(steps(pvcSteps), (a) => ['docker', ...a]), p.unchanged) + '\n';
}

function expectGolden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  }
  if (!existsSync(file)) throw new Error(`golden file ${path.relative(ROOT, file)} is missing; run UPDATE_GOLDEN=1 npx vitest run --project unit test/unit/plan`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

async function sandboxesOf(file: string): Promise<Sandbox[]> {
  return (await loadManifests([path.join(MANIFESTS, file)])).sandboxes;
}

describe('golden plans: a new sandbox from every example manifest', () => {
  it.each(examples)('%s', async (file) => {
    const texts = await Promise.all((await sandboxesOf(file)).map((sb) => text(sb, empty)));
    expectGolden(file.replace(/\.yaml$/, '.txt'), texts.join('\n'));
  });
});

describe('golden plans: re-applies', () => {
  it('unchanged: no changes', async () => {
    const [sb] = await sandboxesOf('shared-volume.yaml');
    expectGolden('reapply-unchanged.txt', await text(sb, after));
  });

  it('one container changed: only it is stashed, recreated and removed', async () => {
    const [sb] = await sandboxesOf('shared-volume.yaml');
    const changed: Sandbox = { ...sb, containers: [sb.containers[0], { ...sb.containers[1], env: ['MODE=changed'] }] };
    const before = plan(sb, empty).d;
    expectGolden('reapply-one-container-changed.txt', await text(changed, () => after(before), { pauseImagePresent: true }));
  });

  it('a tmpfs volume resized and a container dropped: volume swapped, every user recreated, the old ones removed', async () => {
    const [sb] = await sandboxesOf('shared-volume.yaml');
    const resized: Sandbox = { ...sb, volumes: sb.volumes.map((v) => (v.kind === 'tmpfs' ? { ...v, sizeBytes: v.sizeBytes * 2 } : v)), containers: [sb.containers[0]] };
    const before = plan(sb, empty).d;
    expectGolden('reapply-volume-resized.txt', await text(resized, () => after(before), { pauseImagePresent: true }));
  });

  it('a stopped container whose mounts are host-side is recreated, not started', async () => {
    const [sb] = await sandboxesOf('host-read-write.yaml');
    const before = plan(sb, empty).d;
    const stopped = (): Observed => {
      const o = after(before);
      o.containers[1] = { ...o.containers[1], state: 'exited', labels: { ...o.containers[1].labels, 'dev.sbx.staged-mounts': '["/var/lib/sbx/staging/x/y/0-old"]' } };
      return o;
    };
    expectGolden('reapply-stopped-host-mount.txt', await text(sb, stopped, { pauseImagePresent: true }));
  });
});
