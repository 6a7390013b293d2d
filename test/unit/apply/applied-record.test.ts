import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { forgetAppliedRecord, manifestFingerprint, readAppliedRecord, recordedSandboxes, writeAppliedRecord } from '../../../src/apply/applied-record.js';
import { freshStateDirPerTest } from '../../helpers/state-dir.js';

const stateDir = freshStateDirPerTest('sbx-applied-');

const rec = (id: string, n = 1) => ({ id, containers: Array.from({ length: n }, (_, i) => [`${id}-cid${i}`, `sbx-${id}-${i}`] as [string, string]) });

describe('applied records', () => {
  it('the fingerprint changes with the text, the path and the pause image, and with nothing else', () => {
    const base = manifestFingerprint('a.yaml', 'id: x\n', {});
    expect(manifestFingerprint('a.yaml', 'id: x\n', { UNRELATED: '1' })).toBe(base);
    expect(manifestFingerprint(path.resolve('a.yaml'), 'id: x\n', {})).toBe(base);
    expect(new Set([base, manifestFingerprint('a.yaml', 'id: x\n#\n', {}), manifestFingerprint('b.yaml', 'id: x\n', {}), manifestFingerprint('a.yaml', 'id: x\n', { SBX_PAUSE_IMAGE: 'p:1' })]).size).toBe(4);
  });

  it('a new record of a sandbox replaces its previous one; forgetting removes both files', () => {
    writeAppliedRecord('a'.repeat(64), rec('demo'));
    writeAppliedRecord('b'.repeat(64), rec('demo', 2));
    expect(readAppliedRecord('a'.repeat(64))).toBeUndefined();
    expect(readAppliedRecord('b'.repeat(64))).toEqual(rec('demo', 2));
    expect(fs.statSync(path.join(stateDir(), 'applied', `${'b'.repeat(64)}.json`)).mode & 0o777).toBe(0o600);
    forgetAppliedRecord('demo');
    expect(fs.readdirSync(path.join(stateDir(), 'applied'))).toEqual([]);
  });

  it('a damaged record is no record', () => {
    writeAppliedRecord('c'.repeat(64), rec('demo'));
    fs.writeFileSync(path.join(stateDir(), 'applied', `${'c'.repeat(64)}.json`), '{"id": 1');
    expect(readAppliedRecord('c'.repeat(64))).toBeUndefined();
  });
});
