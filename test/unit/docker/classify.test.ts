import { describe, expect, it } from 'vitest';
import { classifyPullStderr } from '../../../src/docker/classify.js';
import { pullError } from '../../../src/docker/images.js';

describe('docker pull failures', () => {
  it.each([
    ['Error response from daemon: manifest for 127.0.0.1:5000/a:nope not found: manifest unknown: manifest unknown', 'IMAGE_NOT_FOUND'],
    ['Error response from daemon: Head "http://127.0.0.1:5001/v2/a/manifests/1": no basic auth credentials', 'IMAGE_PULL_DENIED'],
    ['Error response from daemon: pull access denied for nothere, repository does not exist or may require \'docker login\': denied: requested access to the resource is denied', 'IMAGE_PULL_DENIED'],
    ['Error response from daemon: Get "http://127.0.0.1:5009/v2/": dial tcp 127.0.0.1:5009: connect: connection refused', 'IMAGE_PULL_FAILED'],
    ['Error response from daemon: Get "https://registry.example/v2/": net/http: TLS handshake timeout', 'IMAGE_PULL_FAILED'],
  ])('%s → %s', (stderr, code) => {
    expect(classifyPullStderr(stderr)).toBe(code);
  });

  it("keeps docker's reason and hints at docker login when denied", () => {
    const e = pullError('127.0.0.1:5001/a:1', 'Error response from daemon: Head "http://127.0.0.1:5001/v2/a/manifests/1": no basic auth credentials');
    expect(e.message).toBe('pull image 127.0.0.1:5001/a:1: Head "http://127.0.0.1:5001/v2/a/manifests/1": no basic auth credentials');
    expect(e.hint).toBe("run `docker login REGISTRY` (sbx pulls with docker's credentials), or check the repository name");
  });

  it('an engine that does not answer stays DOCKER_UNAVAILABLE', () => {
    expect(pullError('a:1', 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?').code).toBe('DOCKER_UNAVAILABLE');
  });
});
