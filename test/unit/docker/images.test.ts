import { describe, expect, it } from 'vitest';
import type { DockerClient } from '../../../src/docker/engine.js';
import { imagesPresent, missingImages } from '../../../src/docker/images.js';
import { FakeDocker } from '../../helpers/fake-docker.js';

const refs = ['busybox', 'busybox:1', 'docker.io/library/alpine:3'];

describe('missingImages', () => {
  it("reads docker 20.10's wording: the ref as given at the end of the line", () => {
    expect(missingImages(refs, 'Error: No such image: busybox:1\nError: No such image: docker.io/library/alpine:3')).toEqual(new Set(['busybox:1', 'docker.io/library/alpine:3']));
  });
  it("reads later CLIs' wording (ref as given, then the engine's normalised one) and never takes busybox:1's line for busybox", () => {
    const stderr = 'Error response from daemon: no such image: busybox:1: No such image: busybox:1\nError response from daemon: no such image: docker.io/library/alpine:3: No such image: alpine:3';
    expect(missingImages(refs, stderr)).toEqual(new Set(['busybox:1', 'docker.io/library/alpine:3']));
    expect(missingImages(refs, 'Error response from daemon: no such image: busybox: No such image: busybox:latest')).toEqual(new Set(['busybox']));
  });
  it('is undefined when stderr says anything else', () => {
    expect(missingImages(refs, 'Error: No such image: busybox\nCannot connect to the Docker daemon at unix:///var/run/docker.sock')).toBeUndefined();
    expect(missingImages(refs, 'Error response from daemon: no such image: other: No such image: other:latest')).toBeUndefined();
  });
});

describe('imagesPresent', () => {
  const asDocker = (f: FakeDocker) => f as unknown as DockerClient;

  it('asks once for all refs, and answers from the missing lines', async () => {
    const fake = new FakeDocker(() => ({ exitCode: 1, stdout: 'sha256:a', stderr: 'Error: No such image: busybox:1\nError: No such image: docker.io/library/alpine:3' }));
    expect(await imagesPresent(asDocker(fake), [...refs, 'busybox'])).toEqual(new Set(['busybox']));
    expect(fake.calls).toEqual([['image', 'inspect', '--format', '{{.Id}}', ...refs]]);
  });

  it('asks each ref alone when the answer does not add up', async () => {
    const fake = new FakeDocker((args) => (args.length > 5 ? { exitCode: 1, stderr: 'Error: something new' } : args[4] === 'busybox' ? { stdout: 'sha256:a' } : { exitCode: 1, stderr: 'Error: No such image' }));
    expect(await imagesPresent(asDocker(fake), refs)).toEqual(new Set(['busybox']));
    expect(fake.calls.map((c) => c.slice(4))).toEqual([refs, ...refs.map((r) => [r])]);
  });

  it('still fails on an error that is not a missing image', async () => {
    const fake = new FakeDocker(() => ({ exitCode: 1, stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' }));
    await expect(imagesPresent(asDocker(fake), refs)).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE' });
  });
});
