import { volumeKinds } from '../../../src/volumes/index.js';
import { describe, expect, it } from 'vitest';
import { desiredSandbox } from '../../../src/plan/desired.js';
import { imageSteps, imagesToResolve } from '../../../src/plan/images.js';
import { container, sandbox } from './fixtures.js';

function images(...cs: Parameters<typeof container>[]) {
  const d = desiredSandbox(sandbox({ volumes: [], containers: cs.map((c) => container(...c)) }), { pauseImage: 'sbx-pause:t', kinds: volumeKinds });
  return imagesToResolve(d.containers);
}

describe('image resolution', () => {
  it('one entry per distinct image; the most eager policy of the containers sharing it decides', () => {
    const got = images(['a', { image: 'x:1', imagePullPolicy: 'never' }], ['b', { image: 'x:1', imagePullPolicy: 'always' }], ['c', { image: 'y:1', imagePullPolicy: 'never' }], ['d', { image: 'y:1' }]);
    expect([...got]).toEqual([['x:1', 'always'], ['y:1', 'if_not_present']]);
  });

  it('pulls missing images and always-images, sorted, in the images phase; a present if_not_present image is no step', () => {
    const steps = imageSteps(new Map([['z:1', 'if_not_present'], ['a:1', 'always'], ['p:1', 'if_not_present'], ['n:1', 'never']]), new Set(['a:1', 'p:1', 'n:1']));
    expect(steps).toEqual([
      { action: 'pull', resource: 'image a:1', cause: 'image_pull_policy: always', phase: 'images', run: [{ kind: 'docker', args: ['pull', 'a:1'], what: 'pull image a:1', pull: true }], undo: [] },
      { action: 'pull', resource: 'image z:1', cause: 'missing on the engine', phase: 'images', run: [{ kind: 'docker', args: ['pull', 'z:1'], what: 'pull image z:1', pull: true }], undo: [] },
    ]);
  });

  it('a missing image under never is IMAGE_NOT_FOUND before any step', () => {
    expect(() => imageSteps(new Map([['gone:1', 'never']]), new Set())).toThrow(
      expect.objectContaining({ code: 'IMAGE_NOT_FOUND', message: 'image gone:1 is not on the engine and its image_pull_policy is never' }),
    );
  });

  it('the pull policy is not part of the config hash (changing it keeps the container)', () => {
    const hash = (p: 'never' | 'always') => desiredSandbox(sandbox({ volumes: [], containers: [container('a', { imagePullPolicy: p })] }), { pauseImage: 'sbx-pause:t', kinds: volumeKinds }).containers[0].hash;
    expect(hash('never')).toBe(hash('always'));
  });
});
