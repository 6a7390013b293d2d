/**
 * Building blocks for lifecycle tests: manifests made of the offline test image, and what a user
 * checks after an apply (containers of a sandbox, exec inside one).
 */
import { afterAll, expect } from 'vitest';
import { L } from '../../src/labels.js';
import { isStashName } from '../../src/plan/names.js';
import type { SbxResult } from './cli.js';
import { TEST_IMAGE, docker, objectsWithLabel, sandboxLabel, sbxE2E, sid, writeManifest } from './e2e.js';

export interface ContainerDoc {
  name: string;
  image?: string;
  args?: string[];
  resource?: Record<string, string>;
  volume_mounts?: { name: string; mount_path: string; read_only?: boolean; sub_path?: string }[];
  [key: string]: unknown;
}

/** A sandbox manifest document with test-image containers; `spec` extends the spec. */
export function sandboxDoc(name: string, containers: ContainerDoc[], spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'sandboxd.o/v1',
    kind: 'Sandbox',
    id: name,
    spec: {
      ...spec,
      containers: containers.map((c) => ({ image: TEST_IMAGE, resource: { cpu: '100m', memory: '64Mi' }, ...c })),
    },
  };
}

/** A container that runs a shell script (sleeping forever after it unless the script ends itself). */
export function shContainer(name: string, script = '', extra: Partial<ContainerDoc> = {}): ContainerDoc {
  return { name, args: ['sh', '-c', `${script}${script ? '\n' : ''}exec sleep 3600`], ...extra };
}

/** Fail with sbx's own output when it did not exit as expected. */
export function expectExit(res: SbxResult, code: number): SbxResult {
  expect(res.exitCode, `exit ${res.exitCode}\n--- stdout\n${res.stdout}\n--- stderr\n${res.stderr}`).toBe(code);
  return res;
}

/** `sbx apply -f file`, which must succeed. */
export async function applyOk(file: string, env?: Record<string, string>): Promise<SbxResult> {
  return expectExit(await sbxE2E(['apply', '-f', file], { env }), 0);
}

/** Write the document(s) and apply them; returns the manifest path. */
export async function applyDoc(doc: Record<string, unknown> | Record<string, unknown>[]): Promise<string> {
  const file = writeManifest(doc);
  await applyOk(file);
  return file;
}

/** `sbx exec ID -c CONTAINER -- sh -c SCRIPT`: exit code and output, as a user sees them. */
export function sh(id: string, container: string, script: string): Promise<SbxResult> {
  return sbxE2E(['exec', id, '-c', container, '--', 'sh', '-c', script]);
}

export interface LiveContainer {
  /** Docker container id: changes when sbx recreates the container. */
  id: string;
  dockerName: string;
  state: string;
}

/**
 * The containers of a sandbox by manifest name ("infra" for the infra container), from Docker itself;
 * containers an apply moved aside appear under their Docker name.
 */
export async function containersOf(sandboxId: string): Promise<Record<string, LiveContainer>> {
  const format = `{{.ID}}\t{{.Names}}\t{{.State}}\t{{.Label "${L.role}"}}\t{{.Label "${L.container}"}}`;
  const out = await docker(['ps', '-a', '--no-trunc', '--filter', `label=${sandboxLabel(sandboxId)}`, '--format', format]);
  const result: Record<string, LiveContainer> = {};
  for (const line of out.split('\n').filter(Boolean)) {
    const [id, dockerName, state, role, name] = line.split('\t');
    const key = isStashName(dockerName) ? dockerName : role === 'infra' ? 'infra' : name || dockerName;
    result[key] = { id, dockerName, state };
  }
  return result;
}

/** Assert that no container, volume or network of the sandbox is left. */
export async function expectNothingLeft(sandboxId: string): Promise<void> {
  expect(await objectsWithLabel(sandboxLabel(sandboxId))).toEqual({ containers: [], volumes: [], networks: [] });
}

/** Call inside a describe block: returns the run's id for a name and deletes every such sandbox after the block. */
export function trackedSandboxes(): (name: string) => string {
  const created: string[] = [];
  afterAll(async () => {
    await Promise.all(created.map((id) => sbxE2E(['delete', id])));
  });
  return (name) => {
    created.push(sid(name));
    return sid(name);
  };
}
