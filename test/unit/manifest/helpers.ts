import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { SbxError, SbxErrors } from '../../../src/errors.js';
import { loadManifests } from '../../../src/manifest/load.js';
import type { LoadResult } from '../../../src/manifest/model.js';

/** A valid manifest that tests break one piece at a time with `edit`. */
export const BASE = `apiVersion: sandboxd.o/v1
kind: Sandbox
id: demo
spec:
  egress: false
  ttl_seconds: 60
  ports:
    - {container_port: 80, protocol: tcp}
  volumes:
    - name: scratch
      ephemeral_storage: 64Mi
    - name: data
      pvc: {claim_name: team-data}
  containers:
    - name: app
      image: alpine:3.20
      env: ["A=1"]
      resource: {cpu: 500m, memory: 128Mi}
      volume_mounts:
        - name: scratch
          mount_path: /srv/scratch
        - name: data
          mount_path: /mnt/data
          sub_path: train
      tmpfs:
        - {mount_path: /run, options: "size=16m"}
    - name: side
      image: alpine:3.20
      resource: {cpu: "1", memory: 64Mi}
`;

export function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`test bug: ${JSON.stringify(from)} not in manifest`);
  return text.replace(from, to);
}

/** 1-based line of the first line containing needle. */
export function lineOf(text: string, needle: string, occurrence = 1): number {
  let seen = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].includes(needle) && ++seen === occurrence) return i + 1;
  }
  throw new Error(`test bug: ${JSON.stringify(needle)} not found`);
}

export function loadText(text: string): Promise<LoadResult> {
  return loadManifests(['-'], { stdin: Readable.from([Buffer.from(text)]) });
}

/** Loads text that must be rejected; returns every error. */
export async function errorsOf(text: string): Promise<SbxError[]> {
  try {
    await loadText(text);
  } catch (err) {
    expect(err).toBeInstanceOf(SbxErrors);
    const list = (err as SbxErrors).errors;
    for (const e of list) {
      expect(e).toBeInstanceOf(SbxError);
      expect(e.exitCode).toBe(2);
    }
    return list;
  }
  throw new Error('expected the manifest to be rejected');
}

/** Asserts exactly one error with that code, path and line; returns it. */
export async function expectOneError(text: string, want: { code?: string; path: string; line: number; message?: RegExp }): Promise<SbxError> {
  const errors = await errorsOf(text);
  const summary = errors.map((e) => `${e.line}:${e.column} ${e.path} ${e.code} ${e.message}`).join('\n');
  expect(errors, summary).toHaveLength(1);
  const [e] = errors;
  expect(e.code).toBe(want.code ?? 'MANIFEST_INVALID');
  expect(e.path).toBe(want.path);
  expect(e.line, summary).toBe(want.line);
  expect(e.file).toBe('-');
  expect(e.column).toBeGreaterThan(0);
  if (want.message) expect(e.message).toMatch(want.message);
  return e;
}
