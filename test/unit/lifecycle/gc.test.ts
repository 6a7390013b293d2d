import { describe, expect, it } from 'vitest';
import { readAppliedRecord, recordedSandboxes, writeAppliedRecord } from '../../../src/apply/applied-record.js';
import { SbxError } from '../../../src/errors.js';
import { collectGarbage } from '../../../src/lifecycle/gc.js';
import { makeColor } from '../../../src/ui/color.js';
import { Reporter } from '../../../src/ui/reporter.js';
import { FakeDocker } from '../../helpers/fake-docker.js';
import { freshStateDirPerTest } from '../../helpers/state-dir.js';

freshStateDirPerTest('sbx-gc-');

const rec = (id: string) => ({ id, containers: [[`${id}-cid0`, `sbx-${id}-0`]] as [string, string][] });

describe('gc', () => {
  it('gc forgets the records of sandboxes whose containers are gone, and keeps the others', async () => {
    writeAppliedRecord('d'.repeat(64), rec('live'));
    writeAppliedRecord('e'.repeat(64), rec('gone'));
    // A complete sandbox "live" (infra and one container, no expiry): gc has no reason to touch it.
    const ps = [
      ['live-cid0', 'sbx-live', 'running', 'Up 1 minute', '2026-01-01 00:00:00 +0000 UTC', 'live', 'infra'],
      ['live-cid1', 'sbx-live..app', 'running', 'Up 1 minute', '2026-01-01 00:00:00 +0000 UTC', 'live', 'container', 'app'],
    ].map((f) => f.join('\u001f'));
    const docker = new FakeDocker((args) => ({ stdout: args[0] === 'ps' ? ps.join('\n') : '' }));
    const { actions } = await collectGarbage({ docker, reporter: new Reporter('quiet', makeColor(process.stderr, true)), dryRun: false });
    expect(actions).toEqual([]);
    expect(recordedSandboxes()).toEqual(['live']);
    expect(readAppliedRecord('d'.repeat(64))).toEqual(rec('live'));
  });

  describe('expired sandboxes are deleted concurrently, each on its own, one failure not stopping the others', () => {
    const EXPIRED = '2020-01-01T00:00:00.000Z';
    const row = (id: string) => [`${id}-cid`, `sbx-${id}`, 'running', 'Up', '2019-12-31 00:00:00 +0000 UTC', id, 'infra', '', '', '', EXPIRED].join('\u001f');
    /** Removals take a moment; counts how many are under way at once. Removing b's containers fails. */
    class SlowRemovals extends FakeDocker {
      inFlight = 0;
      maxInFlight = 0;
      removed: string[] = [];
      constructor() {
        super((args) => {
          if (args[0] !== 'ps') return {};
          const filter = args[args.indexOf('--filter') + 1];
          const only = /=(\w+)$/.exec(filter.replace('label=dev.sbx.sandbox', ''))?.[1];
          return { stdout: ['a', 'b', 'c'].filter((id) => !only || id === only).map(row).join('\n') };
        });
      }
      override async run(args: readonly string[], opts = {}) {
        if (args[0] !== 'rm') return super.run(args, opts);
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        await new Promise((r) => setTimeout(r, 50));
        this.inFlight--;
        if (args.includes('sbx-b')) throw new SbxError('DOCKER_FAILED', 'remove containers of b: rm of sbx-b failed');
        this.removed.push(...args.filter((a) => a.startsWith('sbx-')));
        return super.run(args, opts);
      }
    }
    const reporter = () => new Reporter('quiet', makeColor(process.stderr, true));

    it('with --concurrency 3 the removals overlap; a and c go although b fails, and gc then fails naming b', async () => {
      const docker = new SlowRemovals();
      const run = collectGarbage({ docker, reporter: reporter(), dryRun: false, concurrency: 3, now: new Date('2026-01-01T00:00:00Z') });
      await expect(run).rejects.toThrow(/sbx-b/);
      expect(docker.removed.sort()).toEqual(['sbx-a', 'sbx-c']);
      expect(docker.maxInFlight).toBeGreaterThanOrEqual(2);
    });

    it('with --concurrency 1 one removal at a time, in order', async () => {
      const docker = new SlowRemovals();
      await expect(collectGarbage({ docker, reporter: reporter(), dryRun: false, concurrency: 1, now: new Date('2026-01-01T00:00:00Z') })).rejects.toThrow(/sbx-b/);
      expect(docker.removed).toEqual(['sbx-a', 'sbx-c']);
      expect(docker.maxInFlight).toBe(1);
    });
  });
});
