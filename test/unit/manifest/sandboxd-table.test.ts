import { describe, expect, it } from 'vitest';
import { errorsOf, lineOf } from './helpers.js';

/** sandboxd's own rejection table (validate_test.go / sandbox_ops_test.go), one case per row. */
function sandbox(opts: { id?: string; volumes?: string; mounts?: string; containerName?: string; cpu?: string; ephemeral?: string } = {}): string {
  return `apiVersion: sandboxd.o/v1
kind: Sandbox
id: ${opts.id ?? 'demo'}
spec:
  volumes:
${opts.volumes ?? '    - {name: runtime-state, ephemeral_storage: 128Mi}'}
  containers:
    - name: ${opts.containerName ?? 'app'}
      image: alpine:3.20
      resource: {cpu: 100m, memory: 128Mi${opts.ephemeral ? `, ephemeral_storage: ${opts.ephemeral}` : ''}}
      volume_mounts:
${opts.mounts ?? '        - {name: runtime-state, mount_path: /var/www/html}'}
`;
}

interface Row {
  row: string;
  text: string;
  path: string;
  at: string;
  message: RegExp;
  nth?: number;
}

const rows: Row[] = [
  { row: 'id ../../tmp/hello', text: sandbox({ id: '../../tmp/hello' }), path: 'id', at: 'id:', message: /^id contains invalid path characters$/ },
  { row: 'id sbx/1', text: sandbox({ id: 'sbx/1' }), path: 'id', at: 'id:', message: /^id contains invalid path characters$/ },
  { row: 'id with leading space', text: sandbox({ id: '" demo"' }), path: 'id', at: 'id:', message: /^id must not contain leading or trailing whitespace$/ },
  { row: 'id with trailing space', text: sandbox({ id: '"demo "' }), path: 'id', at: 'id:', message: /leading or trailing whitespace/ },
  { row: 'id with inner space', text: sandbox({ id: '"de mo"' }), path: 'id', at: 'id:', message: /^id contains unsupported characters$/ },
  { row: 'empty id', text: sandbox({ id: '""' }), path: 'id', at: 'id:', message: /^id is required$/ },
  { row: 'container name ../escape', text: sandbox({ containerName: '../escape' }), path: 'spec.containers[0].name', at: '- name:', message: /^container name contains invalid path characters$/ },
  { row: 'container name a/b', text: sandbox({ containerName: 'a/b' }), path: 'spec.containers[0].name', at: '- name:', message: /invalid path characters/ },
  { row: 'container name a\\b', text: sandbox({ containerName: '"a\\\\b"' }), path: 'spec.containers[0].name', at: '- name:', message: /invalid path characters/ },
  { row: 'container name with..dots', text: sandbox({ containerName: 'with..dots' }), path: 'spec.containers[0].name', at: '- name:', message: /invalid path characters/ },
  { row: 'container name -startsWithDash', text: sandbox({ containerName: '-startsWithDash' }), path: 'spec.containers[0].name', at: '- name:', message: /^container name contains unsupported characters$/ },
  { row: 'container name .startsWithDot', text: sandbox({ containerName: '.startsWithDot' }), path: 'spec.containers[0].name', at: '- name:', message: /unsupported characters/ },
  { row: 'container name with a space', text: sandbox({ containerName: '"bad name"' }), path: 'spec.containers[0].name', at: '- name:', message: /unsupported characters/ },
  { row: 'container name longer than 64', text: sandbox({ containerName: 'a'.repeat(65) }), path: 'spec.containers[0].name', at: '- name:', message: /unsupported characters/ },
  { row: 'empty container name', text: sandbox({ containerName: '""' }), path: 'spec.containers[0].name', at: '- name:', message: /^container name is required$/ },
  { row: 'volume without name', text: sandbox({ volumes: '    - {ephemeral_storage: 128Mi}', mounts: '        []' }), path: 'spec.volumes[0].name', at: '- {ephemeral_storage', message: /name is required/ },
  { row: 'volume name bad/name', text: sandbox({ volumes: '    - {name: bad/name, ephemeral_storage: 128Mi}', mounts: '        []' }), path: 'spec.volumes[0].name', at: 'bad/name', message: /^volume name contains invalid path characters$/ },
  {
    row: 'duplicate volume name',
    text: sandbox({ volumes: '    - {name: runtime-state, ephemeral_storage: 128Mi}\n    - {name: runtime-state, ephemeral_storage: 64Mi}' }),
    path: 'spec.volumes[1].name',
    at: 'name: runtime-state',
    nth: 2,
    message: /^duplicate volume name runtime-state/,
  },
  { row: 'volume without size', text: sandbox({ volumes: '    - {name: runtime-state}' }), path: 'spec.volumes[0]', at: '- {name: runtime-state}', message: /exactly one backend/ },
  { row: 'volume size "0"', text: sandbox({ volumes: '    - {name: runtime-state, ephemeral_storage: "0"}' }), path: 'spec.volumes[0].ephemeral_storage', at: 'ephemeral_storage: "0"', message: /^invalid ephemeral_storage for volume runtime-state: must be greater than 0/ },
  { row: 'volume size not-a-size', text: sandbox({ volumes: '    - {name: runtime-state, ephemeral_storage: not-a-size}' }), path: 'spec.volumes[0].ephemeral_storage', at: 'not-a-size', message: /^invalid ephemeral_storage for volume runtime-state/ },
  { row: 'container ephemeral_storage not-a-size', text: sandbox({ ephemeral: 'not-a-size' }), path: 'spec.containers[0].resource.ephemeral_storage', at: 'not-a-size', message: /^invalid ephemeral_storage for container app/ },
  { row: 'unknown volume in a mount', text: sandbox({ mounts: '        - {name: missing, mount_path: /data}' }), path: 'spec.containers[0].volume_mounts[0].name', at: 'name: missing', message: /^container app references unknown volume missing/ },
  { row: 'empty mount name', text: sandbox({ mounts: '        - {name: "", mount_path: /data}' }), path: 'spec.containers[0].volume_mounts[0].name', at: 'name: ""', message: /^container app volume mount name is required$/ },
  { row: 'mount path missing', text: sandbox({ mounts: '        - {name: runtime-state}' }), path: 'spec.containers[0].volume_mounts[0].mount_path', at: '- {name: runtime-state}', message: /mount_path is required/ },
  { row: 'mount path relative data', text: sandbox({ mounts: '        - {name: runtime-state, mount_path: data}' }), path: 'spec.containers[0].volume_mounts[0].mount_path', at: 'mount_path: data', message: /must be absolute/ },
  { row: 'mount path unclean /data/../tmp', text: sandbox({ mounts: '        - {name: runtime-state, mount_path: /data/../tmp}' }), path: 'spec.containers[0].volume_mounts[0].mount_path', at: '/data/../tmp', message: /must be clean/ },
  { row: 'mount path /', text: sandbox({ mounts: '        - {name: runtime-state, mount_path: /}' }), path: 'spec.containers[0].volume_mounts[0].mount_path', at: 'mount_path: /}', message: /'\/' is not allowed/ },
  { row: 'mount path /tmp', text: sandbox({ mounts: '        - {name: runtime-state, mount_path: /tmp}' }), path: 'spec.containers[0].volume_mounts[0].mount_path', at: 'mount_path: /tmp', message: /\/tmp is reserved/ },
  { row: 'mount path /tmp/shared', text: sandbox({ mounts: '        - {name: runtime-state, mount_path: /tmp/shared}' }), path: 'spec.containers[0].volume_mounts[0].mount_path', at: '/tmp/shared', message: /\/tmp\/shared is reserved/ },
  {
    row: 'same mount path twice',
    text: sandbox({ mounts: '        - {name: runtime-state, mount_path: /data}\n        - {name: runtime-state, mount_path: /data}' }),
    path: 'spec.containers[0].volume_mounts[1].mount_path',
    at: 'mount_path: /data',
    nth: 2,
    message: /duplicate mount_path \/data/,
  },
];

describe("sandboxd's rejection table", () => {
  for (const r of rows) {
    it(r.row, async () => {
      const errors = await errorsOf(r.text);
      const summary = errors.map((e) => `${e.line} ${e.path} ${e.message}`).join('\n');
      expect(errors, summary).toHaveLength(1);
      expect(errors[0].code).toBe('MANIFEST_INVALID');
      expect(errors[0].path).toBe(r.path);
      expect(errors[0].line).toBe(lineOf(r.text, r.at, r.nth));
      expect(errors[0].message).toMatch(r.message);
    });
  }
});
