/**
 * The plan is the truth: for every example manifest, the docker argv that `apply --dry-run -o json`
 * lists are exactly the mutating docker commands `sbx -v apply` then runs (each document applied in
 * turn, as a user would apply the file). Only what differs by nature between two runs is normalised:
 * creation timestamps and the run id in stash names and staging paths.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../helpers/cli.js';
import { RUN, TEST_IMAGE, sbxE2E, sid, writeManifest } from '../helpers/e2e.js';
import { expectExit } from '../helpers/sandbox-e2e.js';
import { S3_KEY_ID, type S3Server } from '../helpers/s3.js';
import { BUCKET, startOssfsEnv, type OssfsEnv } from './ossfs-support.js';
import { hostDir, testVolume } from './pvc-host-helpers.js';

const EXAMPLES = readdirSync(path.join(ROOT, 'manifests')).filter((f) => f.endsWith('.yaml')).sort();
const allowed = path.join(hostDir('plan-truth'), 'allowed');
const DATA = `sbx-e2e-truth-data-${RUN}`;

let ossfs: OssfsEnv;
beforeAll(async () => {
  ossfs = await startOssfsEnv();
  for (const d of ['outputs/run-42', 'shared', 'datasets/train']) mkdirSync(path.join(allowed, d), { recursive: true });
  for (const name of [DATA, `${DATA}-team`]) mkdirSync(path.join(await testVolume(name), 'datasets/train'), { recursive: true });
});
afterAll(async () => {
  await ossfs?.s3.stop();
});

/** The example rewritten for this machine: the offline image, the run's volumes and directories, the S3 emulator. */
function forThisRun(text: string, s3: S3Server): string {
  return text
    .replaceAll('alpine:3.20', TEST_IMAGE)
    .replaceAll('/srv/sbx', allowed)
    .replaceAll('sbx-demo-data', DATA)
    .replaceAll('team-datasets', `${DATA}-team`)
    .replaceAll('sbx-demo-shared', `sbx-e2e-truth-shared-${RUN}`)
    .replaceAll('bucket: my-bucket', `bucket: ${BUCKET}`)
    .replace(/endpoint: \S+/g, `endpoint: ${s3.endpoint}`)
    .replace(/^\s*region: .*$/gm, '')
    .replace(/host_port: \d+/g, 'host_port: 0')
    .replace(/, host_port: 0/g, '');
}

const READ_ONLY = /^(ps|info|version|inspect|container inspect|context inspect|image inspect|volume inspect|volume ls|network ls|port)\b/;

function normalised(argv: string[]): string {
  return argv
    .join(' ')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, 'TIME')
    .replace(/\.old-[0-9a-f]{8}\b/g, '.old-RUN')
    .replace(/\/(\d+)-[0-9a-f]{8}\b/g, '/$1-RUN');
}

/** The docker argv that -v reported (as `command` events under --progress json), mutating ones only. */
function executed(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; argv?: string[] })
    .filter((e) => e.type === 'command' && e.argv?.[0] === 'docker')
    .map((e) => e.argv!.slice(1))
    .filter((argv) => !READ_ONLY.test(argv.join(' ')))
    .map(normalised)
    .sort();
}

describe.sequential('every example manifest: --dry-run lists exactly the docker commands apply runs', () => {
  it.each(EXAMPLES)('%s', async (file) => {
    const docs = parseAllDocuments(forThisRun(readFileSync(path.join(ROOT, 'manifests', file), 'utf8'), ossfs.s3)).map((d) => d.toJS());
    const env = { ...ossfs.env, AWS_ACCESS_KEY_ID: S3_KEY_ID, AWS_SECRET_ACCESS_KEY: ossfs.secret, SBX_ALLOWED_HOST_PATHS: allowed };
    const ids: string[] = [];
    try {
      for (const doc of docs) {
        const manifest = writeManifest(doc);
        ids.push(sid(doc.id));
        const dry = JSON.parse(expectExit(await sbxE2E(['apply', '--dry-run', '-o', 'json', '-f', manifest], { env }), 0).stdout);
        const planned = dry.sandboxes
          .flatMap((s: { steps: { commands: { argv?: string[] }[] }[] }) => s.steps.flatMap((st) => st.commands.flatMap((c) => (c.argv ? [c.argv.slice(1)] : []))))
          .map(normalised)
          .sort();
        const applied = expectExit(await sbxE2E(['-v', '--progress', 'json', 'apply', '-f', manifest], { env }), 0);
        expect(planned.length).toBeGreaterThan(0);
        expect(executed(applied.stderr)).toEqual(planned);
      }
    } finally {
      for (const id of ids.reverse()) await sbxE2E(['delete', id], { env });
    }
  });
});
