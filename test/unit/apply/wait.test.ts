import { describe, expect, it } from 'vitest';
import { probeCommand } from '../../../src/apply/wait.js';

const probe = { protocol: 'http' as const, port: 8080, path: '/missing;touch$IFS/tmp/pwned;', initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 2, successThreshold: 1, failureThreshold: 3 };

describe('the probe run inside the sandbox', () => {
  it('is an argv whose URL is one element: no shell reads the path', () => {
    expect(probeCommand(probe)).toEqual(['timeout', '2', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/missing;touch$IFS/tmp/pwned;']);
  });

  it('tcp probes with nc, no shell either', () => {
    expect(probeCommand({ ...probe, protocol: 'tcp', path: undefined })).toEqual(['timeout', '2', 'nc', '-w', '2', '127.0.0.1', '8080']);
  });
});
