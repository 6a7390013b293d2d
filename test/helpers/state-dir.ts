import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * A fresh SBX_STATE_DIR for each test of the file (removed after it, the variable restored); returns
 * the current test's directory.
 */
export function freshStateDirPerTest(prefix: string): () => string {
  const saved = process.env.SBX_STATE_DIR;
  let dir = '';
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    process.env.SBX_STATE_DIR = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.SBX_STATE_DIR;
    else process.env.SBX_STATE_DIR = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}
