import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEngineProxy } from '../helpers/tcp-proxy.js';
import { RUN, RUN_LABEL, TEST_IMAGE, docker, objectsWithLabel, sandboxLabel, sbxE2E, sid, writeManifest } from '../helpers/e2e.js';

/** DOCKER_HOST=tcp://… reaches the same engine through a proxy: to sbx it is a remote engine. */
describe('remote engine (DOCKER_HOST over TCP)', () => {
  let proxy: Awaited<ReturnType<typeof startEngineProxy>>;
  const hostDir = mkdtempSync(path.join(os.tmpdir(), 'sbx-remote-host-'));
  const claim = `sbx-remote-claim-${Date.now().toString(36)}`;
  const remote = () => ({ DOCKER_HOST: proxy.dockerHost, SBX_ALLOWED_HOST_PATHS: hostDir });

  beforeAll(async () => {
    proxy = await startEngineProxy();
    await docker(['volume', 'create', '--label', `${RUN_LABEL}=${RUN}`, claim]);
  });
  afterAll(async () => {
    await docker(['volume', 'rm', '--force', claim]).catch(() => undefined);
    await proxy.close();
    rmSync(hostDir, { recursive: true, force: true });
  });

  const sandbox = (name: string, volumes: unknown[], mounts: unknown[]) => ({
    apiVersion: 'sandboxd.o/v1',
    kind: 'Sandbox',
    id: name,
    spec: {
      volumes,
      containers: [
        { name: 'app', image: TEST_IMAGE, args: ['sh', '-c', 'sleep 3600'], resource: { cpu: '100m', memory: '32Mi' }, volume_mounts: mounts },
      ],
    },
  });

  test('tmpfs volumes and pvc without sub_path run through the remote engine', async () => {
    const id = sid('remote-ok');
    const file = writeManifest(
      sandbox('remote-ok', [{ name: 'scratch', ephemeral_storage: '16Mi' }, { name: 'data', pvc: { claim_name: claim } }], [
        { name: 'scratch', mount_path: '/scratch' },
        { name: 'data', mount_path: '/data' },
      ]),
    );
    const applied = await sbxE2E(['apply', '-f', file], { env: remote() });
    expect(applied.stderr).not.toContain('error[');
    expect(applied.exitCode).toBe(0);
    const out = await sbxE2E(['exec', id, '--', 'sh', '-c', 'echo hi > /data/m && cat /data/m && df -k /scratch | tail -1'], { env: remote() });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('hi');
    const deleted = await sbxE2E(['delete', id], { env: remote() });
    expect(deleted.exitCode).toBe(0);
    expect(await objectsWithLabel(sandboxLabel(id))).toEqual({ containers: [], volumes: [], networks: [] });
  });

  test.each([
    ['host', { name: 'v', host: { path: '/' } }, { name: 'v', mount_path: '/v' }],
    ['ossfs', { name: 'v', ossfs: { bucket: 'remote-bucket', endpoint: 'oss.example.com', access_key_id: 'AK', access_key_secret: 'SK' } }, { name: 'v', mount_path: '/v' }],
    ['s3', { name: 'v', s3: { bucket: 'remote-bucket', endpoint: 's3.example.com', access_key_id: 'AK', access_key_secret: 'SK' } }, { name: 'v', mount_path: '/v' }],
    ['pvc with sub_path', { name: 'v', pvc: { claim_name: 'remote-claim' } }, { name: 'v', mount_path: '/v', sub_path: 'a/b' }],
  ])('%s is refused before anything is created', async (kind, volume, mount) => {
    const name = `remote-no-${kind.split(' ')[0]}`;
    const id = sid(name);
    const vol = kind === 'host' ? { ...volume, host: { path: hostDir } } : kind.startsWith('pvc') ? { ...volume, pvc: { claim_name: claim } } : volume;
    const file = writeManifest(sandbox(name, [vol], [mount]));
    const res = await sbxE2E(['apply', '-f', file], { env: remote() });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain('error[REMOTE_ENGINE_UNSUPPORTED]');
    expect(res.stderr).toContain('remote');
    expect(await objectsWithLabel(sandboxLabel(id))).toEqual({ containers: [], volumes: [], networks: [] });
    // The same manifest is accepted by the local engine's socket (the refusal is about the engine, not the manifest).
    const dry = await sbxE2E(['apply', '--dry-run', '-f', file], { env: { SBX_ALLOWED_HOST_PATHS: hostDir } });
    expect(dry.stderr).not.toContain('REMOTE_ENGINE_UNSUPPORTED');
  });
});
