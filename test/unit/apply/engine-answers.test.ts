import { describe, expect, it } from 'vitest';
import type { DockerClient } from '../../../src/docker/engine.js';
import { answersFor, sharedEngineAnswers } from '../../../src/apply/engine-answers.js';
import { L } from '../../../src/labels.js';
import type { Sandbox } from '../../../src/manifest/model.js';
import { FakeDocker } from '../../helpers/fake-docker.js';

const info = { apiVersion: '', driver: 'overlay2', backingFs: 'extfs' };

describe('engine answers for several sandboxes', () => {
  it("answersFor keeps one sandbox's networks and volumes, and the engine facts and images of all", () => {
    const obj = (name: string, sandbox: string) => ({ name, labels: { [L.sandbox]: sandbox } });
    const all = { listed: { networks: [obj('n-a', 'a'), obj('n-b', 'b')], volumes: [obj('v-b', 'b'), obj('v-ab', 'ab')] }, info, present: new Set(['img']) };
    expect(answersFor(all, 'b')).toEqual({ listed: { networks: [obj('n-b', 'b')], volumes: [obj('v-b', 'b')] }, info, present: new Set(['img']) });
    expect(answersFor(all, 'c').listed).toEqual({ networks: [], volumes: [] });
  });

  it('asks once however many sandboxes wait for it, and not at all when none does', async () => {
    const fake = new FakeDocker((args) => (args[0] === 'info' ? { stdout: 'overlay2\tnull\t2\t1000' } : {}));
    const none = sharedEngineAnswers(fake as unknown as DockerClient, [] as Sandbox[], false);
    expect(fake.calls).toEqual([]);
    await Promise.all([none(), none(), none()]);
    expect(fake.calls.map((c) => c.slice(0, 2).join(' ')).sort()).toEqual(['image inspect', 'info --format', 'network ls', 'volume ls']);
  });
});
