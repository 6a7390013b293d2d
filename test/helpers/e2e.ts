/**
 * Helpers for end-to-end tests against the real Docker engine (project "e2e").
 *
 * Every sandbox a test creates must carry this run's label so the global teardown (and .ci/run) can
 * remove whatever a failing test leaves behind: write manifests with `writeManifest`, which adds the
 * label and makes sandbox ids unique to the run, and run sbx with `sbxE2E`, which points it at the
 * run's private state directory.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { L } from '../../src/labels.js';
import { sbx, type SbxResult } from './cli.js';
import { RUN_LABEL, TEST_IMAGE, mountPointsUnder } from './e2e-cleanup.js';

export { RUN_LABEL, TEST_IMAGE };

/** This test run's id (also the value of the `sbx-test-run` label). */
export const RUN: string = inject('sbxTestRun');
/** SBX_STATE_DIR of every sbx the helpers run (ossfs mount points live below it). */
export const STATE_DIR: string = inject('sbxStateDir');

const suffix = `-${RUN}`;

/** The sandbox id a manifest with `id: name` gets in this run. Use distinct names across test files. */
export function sid(name: string): string {
  return name.endsWith(suffix) ? name : `${name}${suffix}`;
}

type Doc = Record<string, unknown> & { id?: string; metadata?: { labels?: Record<string, string> } };

/**
 * Write a manifest to a fresh temp file and return its path. Accepts YAML text (several documents
 * allowed) or objects. Each document's `id` becomes `sid(id)` and gets the label `sbx-test-run=RUN`;
 * everything else is written as given (invalid manifests stay invalid).
 */
export function writeManifest(source: string | Doc | Doc[]): string {
  const docs: unknown[] =
    typeof source === 'string' ? parseAllDocuments(source).map((d) => d.toJS()) : Array.isArray(source) ? source : [source];
  return tempFile(docs.map((d) => stringify(tagForRun(d))).join('---\n'));
}

/** Write text to a new file in a fresh directory (under the run's state dir, removed at teardown) and return its path. */
export function tempFile(text: string, name = 'sandbox.yaml'): string {
  const parent = path.join(STATE_DIR, 'test-files');
  mkdirSync(parent, { recursive: true });
  const file = path.join(mkdtempSync(path.join(parent, 'f-')), name);
  writeFileSync(file, text);
  return file;
}

function tagForRun(doc: unknown): unknown {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return doc;
  const d = { ...(doc as Doc) };
  if (typeof d.id === 'string') d.id = sid(d.id);
  d.metadata = { ...(d.metadata ?? {}), labels: { ...(d.metadata?.labels ?? {}), [RUN_LABEL]: RUN } };
  return d;
}

/** Run the real sbx CLI with this run's state dir; `env` adds or overrides variables. */
export function sbxE2E(
  args: string[],
  opts: { env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {},
): Promise<SbxResult> {
  return sbx(args, { ...opts, env: { SBX_STATE_DIR: STATE_DIR, SBX_TEST_RUN: RUN, ...opts.env } });
}

const execFileAsync = promisify(execFile);

/** Run docker and return stdout; throws with stderr when docker fails. */
export async function docker(args: string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  try {
    const { stdout } = await execFileAsync('docker', args, { timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`docker ${args.join(' ')} failed: ${err.stderr?.trim() || err.message}`);
  }
}

/** Run docker without throwing: exit code and both streams (for "this must fail" assertions). */
export async function dockerResult(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync('docker', args, { maxBuffer: 64 * 1024 * 1024 });
    return { exitCode: 0, stdout: stdout.trim(), stderr: stderr.trim() };
  } catch (e) {
    const err = e as Error & { code?: number; stdout?: string; stderr?: string };
    return { exitCode: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout?.trim() ?? '', stderr: err.stderr?.trim() ?? '' };
  }
}

/** Parse the JSON docker prints for these args (e.g. `['inspect', name]` → array of objects). */
export async function dockerJson<T = any>(args: string[]): Promise<T> {
  return JSON.parse(await docker(args)) as T;
}

export interface LabelledObjects {
  containers: string[];
  volumes: string[];
  networks: string[];
}

/** Names of the containers (any state), volumes and networks carrying a label (`key` or `key=value`). */
export async function objectsWithLabel(label: string): Promise<LabelledObjects> {
  const names = async (args: string[]) => (await docker([...args, '--filter', `label=${label}`])).split('\n').filter(Boolean);
  const [containers, volumes, networks] = await Promise.all([
    names(['ps', '-a', '--format', '{{.Names}}']),
    names(['volume', 'ls', '--format', '{{.Name}}']),
    names(['network', 'ls', '--format', '{{.Name}}']),
  ]);
  return { containers, volumes, networks };
}

/** Label selecting every Docker object of one sandbox (sbx labels them all with the sandbox id). */
export function sandboxLabel(id: string): string {
  return `${L.sandbox}=${id}`;
}

/** Mount points at or below dir, deepest first (from /proc/self/mountinfo). */
export function mountsUnder(dir: string): string[] {
  return mountPointsUnder(dir);
}

/** One bounded HTTP GET: status and body, or the error text (never hangs on a half-open port). */
export function httpGet(url: string, timeoutMs = 5000): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once('error', (e) => resolve({ error: e.message }));
  });
}
