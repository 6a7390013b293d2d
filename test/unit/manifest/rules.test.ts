import { describe, expect, it } from 'vitest';
import { BASE, edit, errorsOf, expectOneError, lineOf, loadText } from './helpers.js';

interface Case {
  rule: string;
  from: string;
  to: string;
  path: string;
  /** Text on the line the error must point at (searched in the edited manifest). */
  at: string;
  message?: RegExp;
  code?: string;
  /** Which occurrence of `at` (default the first). */
  nth?: number;
}

const c = (rule: string, from: string, to: string, path: string, at: string, message?: RegExp, code?: string, nth?: number): Case => ({ rule, from, to, path, at, message, code, nth });
const PVC = 'pvc: {claim_name: team-data}';
const MOUNT0 = 'spec.containers[0].volume_mounts[0]';
const MOUNT1 = 'spec.containers[0].volume_mounts[1]';

/** SPEC §1: one bad manifest per rule, each must give exactly one error at the right place. */
const cases: Case[] = [
  c('apiVersion must be sandboxd.o/v1', 'apiVersion: sandboxd.o/v1', 'apiVersion: v1', 'apiVersion', 'apiVersion', /must be "sandboxd.o\/v1"/),
  c('kind must be Sandbox', 'kind: Sandbox', 'kind: Pod', 'kind', 'kind:', /unsupported kind "Pod"/),
  c('id is required', 'id: demo\n', '', 'id', 'apiVersion', /id is required/),
  c('id charset', 'id: demo', 'id: "demo!"', 'id', 'id:', /id contains unsupported characters/),
  c('id has no ..', 'id: demo', 'id: a..b', 'id', 'id:', /invalid path characters/),
  c('id length', 'id: demo', `id: ${'a'.repeat(129)}`, 'id', 'id:', /unsupported characters/),
  c('unknown key with hint', 'sub_path: train', 'subPath: train', `${MOUNT1}.subPath`, 'subPath', /unknown field "subPath"/, 'UNKNOWN_FIELD'),
  c('volume names unique', PVC, `${PVC}\n    - name: scratch\n      host: {path: /srv}`, 'spec.volumes[2].name', 'name: scratch', /duplicate volume name scratch/, undefined, 2),
  c('volume name charset', PVC, `${PVC}\n    - name: bad/name\n      host: {path: /srv}`, 'spec.volumes[2].name', 'bad/name', /invalid path characters/),
  c('mount names a declared volume', 'name: scratch\n          mount_path', 'name: nope\n          mount_path', `${MOUNT0}.name`, 'name: nope', /unknown volume nope/),
  c('volume needs a backend', '      ephemeral_storage: 64Mi\n', '', 'spec.volumes[0]', 'name: scratch', /exactly one backend/),
  c('only one backend', 'ephemeral_storage: 64Mi', 'ephemeral_storage: 64Mi\n      host: {path: /srv}', 'spec.volumes[0].host', 'host:', /several backends/),
  c('mount_path absolute', 'mount_path: /srv/scratch', 'mount_path: srv/scratch', `${MOUNT0}.mount_path`, 'srv/scratch', /must be absolute/),
  c('mount_path clean (..)', 'mount_path: /srv/scratch', 'mount_path: /srv/../scratch', `${MOUNT0}.mount_path`, 'mount_path: /srv/..', /must be clean/),
  c('mount_path clean (.)', 'mount_path: /srv/scratch', 'mount_path: /srv/./scratch', `${MOUNT0}.mount_path`, 'mount_path: /srv/.', /must be clean/),
  c('mount_path clean (//)', 'mount_path: /srv/scratch', 'mount_path: /srv//scratch', `${MOUNT0}.mount_path`, 'mount_path: /srv//', /must be clean/),
  c('mount_path clean (trailing /)', 'mount_path: /srv/scratch', 'mount_path: /srv/scratch/', `${MOUNT0}.mount_path`, 'mount_path: /srv/scratch/', /must be clean/),
  c('mount_path not /', 'mount_path: /srv/scratch', 'mount_path: /', `${MOUNT0}.mount_path`, 'mount_path: /', /'\/' is not allowed/),
  c('mount_path not /tmp', 'mount_path: /srv/scratch', 'mount_path: /tmp', `${MOUNT0}.mount_path`, 'mount_path: /tmp', /\/tmp is reserved/),
  c('mount_path not under /tmp', 'mount_path: /srv/scratch', 'mount_path: /tmp/x', `${MOUNT0}.mount_path`, 'mount_path: /tmp/x', /reserved/),
  c('mount_path no colon', 'mount_path: /srv/scratch', 'mount_path: "/srv:x"', `${MOUNT0}.mount_path`, '/srv:x', /":" or ","/),
  c('mount_path no comma', 'mount_path: /srv/scratch', 'mount_path: "/srv,x"', `${MOUNT0}.mount_path`, '/srv,x', /":" or ","/),
  c('mount_path not under /proc', 'mount_path: /srv/scratch', 'mount_path: /proc/x', `${MOUNT0}.mount_path`, '/proc/x', /under \/proc/),
  c('mount_path not under /sys', 'mount_path: /srv/scratch', 'mount_path: /sys', `${MOUNT0}.mount_path`, 'mount_path: /sys', /under \/sys/),
  c('mount_path not under /dev', 'mount_path: /srv/scratch', 'mount_path: /dev/shm', `${MOUNT0}.mount_path`, '/dev/shm', /under \/dev/),
  c('mount_path unique', 'mount_path: /mnt/data', 'mount_path: /srv/scratch', `${MOUNT1}.mount_path`, 'mount_path: /srv/scratch', /duplicate mount_path \/srv\/scratch/, undefined, 2),
  c('mount_path unique with tmpfs', '{mount_path: /run,', '{mount_path: /srv/scratch,', 'spec.containers[0].tmpfs[0].mount_path', '{mount_path: /srv/scratch', /duplicate mount_path/),
  c('tmpfs mount_path absolute', '{mount_path: /run,', '{mount_path: run,', 'spec.containers[0].tmpfs[0].mount_path', '{mount_path: run', /must be absolute/),
  c('sub_path relative', 'sub_path: train', 'sub_path: /train', `${MOUNT1}.sub_path`, 'sub_path', /relative/),
  c('sub_path no ..', 'sub_path: train', 'sub_path: a/../../b', `${MOUNT1}.sub_path`, 'sub_path', /"\.\." component/),
  c('sub_path clean', 'sub_path: train', 'sub_path: a//b', `${MOUNT1}.sub_path`, 'sub_path', /clean/),
  c('sub_path no backslash', 'sub_path: train', 'sub_path: "a\\\\b"', `${MOUNT1}.sub_path`, 'sub_path', /backslash/),
  c('sub_path no NUL', 'sub_path: train', 'sub_path: "a\\0b"', `${MOUNT1}.sub_path`, 'sub_path', /NUL/),
  c('no sub_path on tmpfs volumes', 'mount_path: /srv/scratch', 'mount_path: /srv/scratch\n          sub_path: x', `${MOUNT0}.sub_path`, 'sub_path: x', /not supported for tmpfs volume/),
  c('host path absolute', 'pvc: {claim_name: team-data}', 'host: {path: srv/data}', 'spec.volumes[1].host.path', 'host:', /absolute/),
  c('host path clean', 'pvc: {claim_name: team-data}', 'host: {path: /srv/../etc}', 'spec.volumes[1].host.path', 'host:', /clean/),
  c('cpu quantity syntax', 'cpu: 500m', 'cpu: 5 cores', 'spec.containers[0].resource.cpu', 'cpu: 5 cores', /invalid cpu for container app/),
  c('memory milli suffix', 'memory: 128Mi}', 'memory: 128m}', 'spec.containers[0].resource.memory', 'memory: 128m', /did you mean 128Mi\?/),
  c('zero size', 'ephemeral_storage: 64Mi', 'ephemeral_storage: 0', 'spec.volumes[0].ephemeral_storage', 'ephemeral_storage: 0', /greater than 0/),
  c('negative size', 'memory: 128Mi}', 'memory: -1Gi}', 'spec.containers[0].resource.memory', 'memory: -1Gi', /greater than 0/),
  c('a quantity of the wrong type gives one error', 'cpu: 500m', 'cpu: [1]', 'spec.containers[0].resource.cpu', 'cpu: [1]', /^must be a string or a number, got a list$/),
  c('a volume size of the wrong type gives one error', 'ephemeral_storage: 64Mi', 'ephemeral_storage: {size: 1}', 'spec.volumes[0].ephemeral_storage', 'ephemeral_storage', /^must be a string or a number, got a mapping$/),
  c('cpu required', '{cpu: 500m, memory: 128Mi}', '{memory: 128Mi}', 'spec.containers[0].resource.cpu', 'resource:', /cpu is required/),
  c('memory required', '{cpu: 500m, memory: 128Mi}', '{cpu: 500m}', 'spec.containers[0].resource.memory', 'resource:', /memory is required/),
  c('container name charset', 'name: side', 'name: -side', 'spec.containers[1].name', 'name: -side', /unsupported characters/),
  c('container names unique', 'name: side', 'name: app', 'spec.containers[1].name', 'name: app', /duplicate container name/, undefined, 2),
  c('env KEY=VALUE', 'env: ["A=1"]', 'env: ["A"]', 'spec.containers[0].env[0]', 'env:', /must be KEY=VALUE/),
  c('env key valid', 'env: ["A=1"]', 'env: ["1A=1"]', 'spec.containers[0].env[0]', 'env:', /invalid variable name/),
  c('port range', 'container_port: 80,', 'container_port: 70000,', 'spec.ports[0].container_port', 'container_port', /between 1 and 65535/),
  c('ports unique', '- {container_port: 80, protocol: tcp}', '- {container_port: 80, protocol: tcp}\n    - {container_port: 80}', 'spec.ports[1].container_port', '{container_port: 80}', /duplicate container_port 80\/tcp/),
  c('port protocol', 'protocol: tcp}', 'protocol: sctp}', 'spec.ports[0].protocol', 'sctp', /one of: "tcp", "udp"/),
  c('ttl_seconds >= 0', 'ttl_seconds: 60', 'ttl_seconds: -1', 'spec.ttl_seconds', 'ttl_seconds', /must be >= 0/),
  c('enum values of the wrong type give one error', 'pvc: {claim_name: team-data}', 'ossfs: {bucket: my-bucket, endpoint: oss.example.com, version: 2.0}', 'spec.volumes[1].ossfs.version', 'ossfs:', /^must be one of: "1.0", "2.0", got an integer$/),
  c('s3 options use the s3fs allow-list', 'pvc: {claim_name: team-data}', 's3: {bucket: my-bucket, options: [readdir_optimize]}', 'spec.volumes[1].s3.options[0]', 's3:', /^option "readdir_optimize" is not an option sbx passes to s3fs \(allowed: allow_other, /),
  c('s3 options that sbx manages are refused', 'pvc: {claim_name: team-data}', 's3: {bucket: my-bucket, options: ["passwd_file=/root/.passwd-s3fs"]}', 'spec.volumes[1].s3.options[0]', 's3:', /sets "passwd_file", which sbx manages itself/),
  c('s3 bucket names', 'pvc: {claim_name: team-data}', 's3: {bucket: My_Bucket}', 'spec.volumes[1].s3.bucket', 's3:', /invalid bucket name \(3-63 of a-z, 0-9, "\." and "-"/),
  c('s3 endpoint scheme', 'pvc: {claim_name: team-data}', 's3: {bucket: my-bucket, endpoint: "ftp://s3.example.com"}', 'spec.volumes[1].s3.endpoint', 's3:', /unsupported endpoint scheme "ftp"/),
  c('s3 inline credentials come in pairs', 'pvc: {claim_name: team-data}', 's3: {bucket: my-bucket, access_key_id: KEYID}', 'spec.volumes[1].s3.access_key_secret', 's3:', /access_key_secret is required when access_key_id is given/),
  c('apiVersion of the wrong type gives one error', 'apiVersion: sandboxd.o/v1', 'apiVersion: 1', 'apiVersion', 'apiVersion', /^must be one of: "sandboxd.o\/v1", got an integer$/),
  c('egress is a boolean', 'egress: false', 'egress: "no"', 'spec.egress', 'egress', /must be true or false/),
  c('egress.allow entries are domains or IPv4 CIDRs', 'egress: false', 'egress: {allow: [pypi.org, 10.0.0.1/8]}', 'spec.egress.allow[1]', 'egress', /"10\.0\.0\.1\/8": .*host bits set; did you mean 10\.0\.0\.0\/8/),
  c('egress.allow has no IPv6', 'egress: false', 'egress: {allow: ["2001:db8::/32"]}', 'spec.egress.allow[0]', 'egress', /IPv6/),
  c('at least one container', /* replaced below */ '', '', 'spec.containers', '', /at least one container is required/),
  c('cap names upper case', 'env: ["A=1"]', 'cap_add: [sys_ptrace]', 'spec.containers[0].cap_add[0]', 'cap_add', /unsupported capability "sys_ptrace"/),
  c('security_opt', 'env: ["A=1"]', 'security_opt: ["label=disable"]', 'spec.containers[0].security_opt[0]', 'security_opt', /unsupported security_opt "label"/),
  c('tmpfs options size', 'options: "size=16m"', 'options: "size=bad"', 'spec.containers[0].tmpfs[0].options', 'size=bad', /invalid size/),
  c('tmpfs options unknown', 'options: "size=16m"', 'options: "size=16m,bogus"', 'spec.containers[0].tmpfs[0].options', 'bogus', /unsupported option "bogus"/),
  c('work_dir absolute', 'env: ["A=1"]', 'work_dir: app', 'spec.containers[0].work_dir', 'work_dir', /absolute/),
  c('image lower case', 'image: alpine:3.20\n      env', 'image: Alpine:3.20\n      env', 'spec.containers[0].image', 'Alpine', /lowercase/),
  c('labels are strings', 'id: demo', 'id: demo\nmetadata: {labels: {tier: 2}}', 'metadata.labels.tier', 'metadata', /must be a string/),
  c('labels not in sbx namespace', 'id: demo', 'id: demo\nmetadata: {labels: {dev.sbx.sandbox: x}}', 'metadata.labels["dev.sbx.sandbox"]', 'metadata', /reserved/),
  c('probe path is a URL path: no braces', 'ttl_seconds: 60', 'ttl_seconds: 60\n  readiness_probe: {protocol: http, port: 80, path: "/;touch${IFS}/tmp/pwned;exit${IFS}0;#"}', 'spec.readiness_probe.path', 'readiness_probe', /must be a URL path and query \(RFC 3986 characters/),
  c('probe path is a URL path: no raw space', 'ttl_seconds: 60', 'ttl_seconds: 60\n  readiness_probe: {protocol: http, port: 80, path: "/a b"}', 'spec.readiness_probe.path', 'readiness_probe', /percent-encode anything else/),
  c('probe path is a URL path: a bad escape', 'ttl_seconds: 60', 'ttl_seconds: 60\n  readiness_probe: {protocol: http, port: 80, path: "/a%zz"}', 'spec.readiness_probe.path', 'readiness_probe', /must be a URL path/),
  c('probe path length', 'ttl_seconds: 60', `ttl_seconds: 60\n  readiness_probe: {protocol: http, port: 80, path: "/${'a'.repeat(2048)}"}`, 'spec.readiness_probe.path', 'readiness_probe', /at most 2048 characters/),
];

const withoutContainers = `apiVersion: sandboxd.o/v1
kind: Sandbox
id: demo
spec:
  containers: []
`;

describe('SPEC §1 rules: one error per rule with code, path and line', () => {
  for (const k of cases) {
    it(k.rule, async () => {
      const text = k.from === '' && k.rule === 'at least one container' ? withoutContainers : edit(BASE, k.from, k.to);
      const at = k.at === '' ? 'containers:' : k.at;
      await expectOneError(text, { code: k.code, path: k.path, line: lineOf(text, at, k.nth), message: k.message });
    });
  }
});

describe('rules that accept', () => {
  it('a container tmpfs entry may sit at /tmp', async () => {
    const { sandboxes } = await loadText(edit(BASE, '{mount_path: /run,', '{mount_path: /tmp,'));
    expect(sandboxes[0].containers[0].tmpfs[0].mountPath).toBe('/tmp');
  });
  it('quantities as numbers and decimals', async () => {
    const { sandboxes } = await loadText(edit(BASE, '{cpu: "1", memory: 64Mi}', '{cpu: 0.5, memory: 1e8, ephemeral_storage: 1G}'));
    expect(sandboxes[0].containers[1].resource).toEqual({ cpuMillis: 500, memoryBytes: 100_000_000, ephemeralStorageBytes: 1_000_000_000 });
  });
  it("sandboxd's node_selector is accepted with a warning", async () => {
    const text = edit(BASE, 'ttl_seconds: 60', 'ttl_seconds: 60\n  node_selector: {zone: a}');
    const { warnings } = await loadText(text);
    expect(warnings).toEqual([{ file: '-', path: 'spec.node_selector', line: lineOf(text, 'node_selector'), column: 18, message: expect.stringMatching(/ignored/) }]);
  });
  it('kind is case-insensitive like sandboxd', async () => {
    await expect(loadText(edit(BASE, 'kind: Sandbox', 'kind: sandbox'))).resolves.toBeTruthy();
  });
  it('reports every problem of a document at once', async () => {
    let text = edit(BASE, 'sub_path: train', 'subPath: train');
    text = edit(text, 'memory: 128Mi}', 'memory: 128m}');
    text = edit(text, 'id: demo', 'id: ../x');
    const errors = await errorsOf(text);
    expect(errors.map((e) => e.path).sort()).toEqual(['id', `${MOUNT1}.subPath`, 'spec.containers[0].resource.memory'].sort());
    expect(errors.map((e) => e.line)).toEqual([...errors.map((e) => e.line)].sort((a, b) => a! - b!));
  });
});

describe('network policies and capabilities', () => {
  for (const [egress, cap, refused] of [['true', 'NET_RAW', true], ['{allow: [pypi.org]}', 'CAP_NET_ADMIN', true], ['true', 'ALL', true], ['false', 'NET_RAW', false], ['true', 'SYS_PTRACE', false]] as const) {
    it(`egress ${egress} with cap_add ${cap}: ${refused ? 'refused at the field' : 'accepted'}`, async () => {
      const text = edit(edit(BASE, 'egress: false', `egress: ${egress}`), 'env: ["A=1"]', `cap_add: [${cap}]`);
      if (!refused) return expect((await loadText(text)).sandboxes).toHaveLength(1);
      const errors = await errorsOf(text);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: 'MANIFEST_INVALID', path: 'spec.containers[0].cap_add[0]' });
      expect(errors[0].message).toMatch(/is refused with (egress: true|an egress allow-list)/);
    });
  }
});
