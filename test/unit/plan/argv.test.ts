import { volumeKinds } from '../../../src/volumes/index.js';
import { describe, expect, it } from 'vitest';
import { containerCreateArgs, infraCreateArgs, mountFlag, ownedVolumeCreateArgs } from '../../../src/plan/argv.js';
import { desiredSandbox } from '../../../src/plan/desired.js';
import { tmpSizeBytes } from '../../../src/plan/tmp-budget.js';
import { tmpfsMount } from '../../../src/volumes/tmpfs.js';
import { container, sandbox } from './fixtures.js';

const MI = 1024 * 1024;
const opts = { pauseImage: 'sbx-pause:1', kinds: volumeKinds, now: new Date('2026-01-01T00:00:00Z') };
const withoutLabels = (argv: string[]) => argv.filter((a, i) => a !== '--label' && argv[i - 1] !== '--label');

describe('docker argv', () => {
  it('container: shared netns, init, cpu quota, memory without swap, pids, no-new-privileges, /tmp budget, args replace the entrypoint', () => {
    const d = desiredSandbox(sandbox(), opts);
    const writer = d.containers[0];
    const argv = withoutLabels(containerCreateArgs(writer, writer.mounts.map(tmpfsMount), writer.labels, { infraName: d.infra.name }));
    expect(argv).toEqual([
      'create', '--name', 'sbx-demo..writer', '--pull', 'never',
      '--network', 'container:sbx-demo', '--init', '--restart', 'no',
      '--cpu-period', '100000', '--cpu-quota', '25000',
      '--memory', String(64 * MI), '--memory-swap', String(64 * MI),
      '--pids-limit', '512',
      '--security-opt', 'no-new-privileges:true',
      '--tmpfs', '/tmp:size=26843545,mode=1777',
      '--mount', `type=volume,src=${d.ownedVolumes[0].name},dst=/data`,
      '--entrypoint', 'sh', 'sbx-test/busybox:1', '-c', 'sleep 3600',
    ]);
  });

  it("a user's no-new-privileges and /tmp tmpfs replace the defaults; security_opt spellings are translated", () => {
    const c = container('x', {
      securityOpt: ['no-new-privileges:false', 'seccomp=runtime/default', 'apparmor=localhost/my-profile'],
      tmpfs: [{ mountPath: '/tmp', options: 'size=1m' }],
      args: undefined,
      readOnly: true,
      capDrop: ['ALL'],
    });
    const d = desiredSandbox(sandbox({ volumes: [], containers: [c] }), opts);
    const argv = containerCreateArgs(d.containers[0], [], {}, { infraName: 'sbx-demo' });
    expect(argv).toContain('no-new-privileges:false');
    expect(argv).not.toContain('no-new-privileges:true');
    expect(argv).toContain('apparmor=my-profile');
    expect(argv.filter((a) => a.startsWith('/tmp'))).toEqual(['/tmp:size=1m']);
    expect(argv).not.toContain('--entrypoint');
    expect(argv.at(-1)).toBe('sbx-test/busybox:1');
    expect(argv).toEqual(expect.arrayContaining(['--read-only', '--cap-drop', 'ALL']));
  });

  it('infra: loopback only without egress, bridge + published ports with egress', () => {
    const ports = [{ containerPort: 80, protocol: 'tcp' as const, hostPort: 8080 }, { containerPort: 53, protocol: 'udp' as const }];
    const closed = desiredSandbox(sandbox({ ports }), opts);
    expect(infraCreateArgs(closed.infra, closed.network?.name, 'p')).toEqual(expect.arrayContaining(['--network', 'none']));
    expect(infraCreateArgs(closed.infra, closed.network?.name, 'p')).not.toContain('--publish');
    const open = desiredSandbox(sandbox({ ports, egress: true }), opts);
    const argv = infraCreateArgs(open.infra, open.network?.name, 'p');
    expect(argv).toEqual(expect.arrayContaining(['--network', 'sbx-demo', '--publish', '8080:80/tcp', '--publish', '53/udp']));
  });

  it('tmpfs volume: one local-driver volume with the size in bytes', () => {
    const d = desiredSandbox(sandbox(), opts);
    expect(withoutLabels(ownedVolumeCreateArgs(d.ownedVolumes[0]))).toEqual([
      'volume', 'create', '--driver', 'local', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', `o=size=${8 * MI},mode=1777`, d.ownedVolumes[0].name,
    ]);
  });

  it('mount flags quote fields holding commas', () => {
    expect(mountFlag({ type: 'bind', source: '/a,b', target: '/m', readOnly: true })).toBe('type=bind,"src=/a,b",dst=/m,readonly');
  });

  it('/tmp budget: 20%, at least 16Mi from a 48Mi budget up', () => {
    expect(tmpSizeBytes(128 * MI)).toBe(26843545);
    expect(tmpSizeBytes(48 * MI)).toBe(16777216);
    expect(tmpSizeBytes(10 * MI)).toBe(2097152);
  });
});
