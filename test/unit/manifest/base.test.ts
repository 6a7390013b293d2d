import { describe, expect, it } from 'vitest';
import { BASE, loadText } from './helpers.js';

describe('the base manifest of the tests', () => {
  it('loads and normalises', async () => {
    const { sandboxes, warnings } = await loadText(BASE);
    expect(warnings).toEqual([]);
    expect(sandboxes).toHaveLength(1);
    const s = sandboxes[0];
    expect(s.id).toBe('demo');
    expect(s.source).toEqual({ file: '-', document: 0, line: 1, column: 1 });
    expect(s.volumes).toEqual([
      { kind: 'tmpfs', name: 'scratch', sizeBytes: 64 * 1024 * 1024 },
      { kind: 'pvc', name: 'data', claimName: 'team-data', create: false },
    ]);
    expect(s.containers[0].resource).toEqual({ cpuMillis: 500, memoryBytes: 128 * 1024 * 1024, ephemeralStorageBytes: 128 * 1024 * 1024 });
    expect(s.containers[1].resource.cpuMillis).toBe(1000);
    expect(s.containers[0].volumeMounts[1]).toEqual({ name: 'data', mountPath: '/mnt/data', subPath: 'train', readOnly: false });
    expect(s.ports).toEqual([{ containerPort: 80, protocol: 'tcp' }]);
    expect(s.manifest).toMatchObject({ apiVersion: 'sandboxd.o/v1', id: 'demo' });
  });
});
