import { describe, expect, it } from 'vitest';
import { wrappedDocker } from '../helpers/docker-wrapper.js';
import { docker, objectsWithLabel, sandboxLabel, sbxE2E, sid, writeManifest } from '../helpers/e2e.js';
import { sandboxDoc, shContainer } from '../helpers/sandbox-e2e.js';

/** cpu or memory beyond the engine's: refused before the first mutating docker call, nothing created. */
describe.concurrent('RESOURCE_UNSATISFIABLE', () => {
  const engine = async () => {
    const [ncpu, memTotal] = (await docker(['info', '--format', '{{.NCPU}}\t{{.MemTotal}}'])).split('\t').map(Number);
    return { ncpu, memTotal };
  };
  // A volume and a network too: everything apply would create first.
  const manifest = (name: string, resource: Record<string, string>) =>
    writeManifest(
      sandboxDoc(name, [shContainer('small', '', { volume_mounts: [{ name: 'scratch', mount_path: '/srv/scratch' }] }), shContainer('big', '', { resource })], {
        egress: true,
        volumes: [{ name: 'scratch', ephemeral_storage: '16Mi' }],
      }),
    );

  it('cpu above the engine CPU count: exit 1, naming the field and the engine figure, nothing created', async () => {
    const { ncpu } = await engine();
    const id = sid('unsat-cpu');
    const file = manifest('unsat-cpu', { cpu: String(ncpu + 1), memory: '64Mi' });
    const wrapped = wrappedDocker();
    const r = await sbxE2E(['apply', '-f', file], { env: wrapped.env });
    expect(r.stderr.trim()).toBe(`${file}  spec.containers[1].resource.cpu  error[RESOURCE_UNSATISFIABLE]: container big asks for ${ncpu + 1} CPUs; the engine has ${ncpu}`);
    expect(r.exitCode).toBe(1);
    expect(wrapped.calls().filter((c) => c.mutating)).toEqual([]);
    expect(await objectsWithLabel(sandboxLabel(id))).toEqual({ containers: [], volumes: [], networks: [] });
  });

  it('memory above the engine total: exit 1, also under --dry-run and -o json, nothing created', async () => {
    const { memTotal } = await engine();
    const id = sid('unsat-mem');
    const file = manifest('unsat-mem', { cpu: '100m', memory: `${Math.ceil(memTotal / 1024) + 1024}Ki` });
    for (const args of [['apply', '-f', file], ['-o', 'json', 'apply', '--dry-run', '-f', file]]) {
      const wrapped = wrappedDocker();
      const r = await sbxE2E(args, { env: wrapped.env });
      expect(r.stderr).toContain(`${file}  spec.containers[1].resource.memory  error[RESOURCE_UNSATISFIABLE]: container big asks for `);
      expect(r.stderr).toContain(` of memory; the engine has `);
      expect(r.stderr.trim().endsWith(`(${memTotal} bytes) in total`)).toBe(true);
      expect(r.exitCode).toBe(1);
      expect(wrapped.calls().filter((c) => c.mutating)).toEqual([]);
    }
    expect(await objectsWithLabel(sandboxLabel(id))).toEqual({ containers: [], volumes: [], networks: [] });
  });
});
