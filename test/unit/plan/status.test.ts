import { describe, expect, it } from 'vitest';
import { L } from '../../../src/labels.js';
import type { ObservedContainer } from '../../../src/plan/observe.js';
import { oomCandidates, sandboxesFrom } from '../../../src/plan/status.js';

const infra = (state: string): ObservedContainer => ({ id: 'i', name: 'sbx-s', state, status: '', labels: { [L.sandbox]: 's', [L.role]: 'infra' } });
const app = (name: string, state: string, status: string): ObservedContainer => ({ id: name, name: `sbx-s..${name}`, state, status, labels: { [L.sandbox]: 's', [L.role]: 'container', [L.container]: name } });

describe('sandbox status', () => {
  it('exited(N) carries the first non-zero exit code of containers that ended by themselves', () => {
    const [s] = sandboxesFrom([infra('running'), app('a', 'exited', 'Exited (0) 1 minute ago'), app('b', 'exited', 'Exited (3) 2 seconds ago')]);
    expect(s.status).toBe('exited(3)');
    expect(s.containers.map((c) => [c.name, c.exitCode, c.oomKilled])).toEqual([['a', 0, false], ['b', 3, false]]);
  });

  it('oom-killed when inspect named a container OOM-killed; only exit 137 is a candidate', () => {
    const cs = [infra('running'), app('a', 'exited', 'Exited (137) 1 second ago'), app('b', 'exited', 'Exited (1) 1 second ago')];
    expect(oomCandidates(cs)).toEqual(['sbx-s..a']);
    expect(sandboxesFrom(cs, new Date(), new Set(['sbx-s..a']))[0].status).toBe('oom-killed');
    expect(sandboxesFrom(cs)[0].status).toBe('exited(137)');
  });

  it('stopped when the infra container is down too (sbx stop); running and partial as before', () => {
    expect(sandboxesFrom([infra('exited'), app('a', 'exited', 'Exited (137) 1 second ago')])[0].status).toBe('stopped');
    expect(sandboxesFrom([infra('running'), app('a', 'running', 'Up 2 seconds')])[0].status).toBe('running(1)');
    expect(sandboxesFrom([infra('running'), app('a', 'running', 'Up 2 seconds'), app('b', 'exited', 'Exited (0) 1 second ago')])[0].status).toBe('partial(1/2)');
  });
});
