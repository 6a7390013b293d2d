import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAppliedRecord, recordedSandboxes, writeAppliedRecord } from '../../../src/apply/applied-record.js';
import { collectGarbage } from '../../../src/lifecycle/gc.js';
import { makeColor } from '../../../src/ui/color.js';
import { Reporter } from '../../../src/ui/reporter.js';
import { FakeDocker } from '../../helpers/fake-docker.js';

const saved = process.env.SBX_STATE_DIR;
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbx-gc-'));
  process.env.SBX_STATE_DIR = dir;
});
afterEach(() => {
  if (saved === undefined) delete process.env.SBX_STATE_DIR;
  else process.env.SBX_STATE_DIR = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

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
});
