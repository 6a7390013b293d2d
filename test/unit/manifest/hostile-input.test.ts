import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.js';
import { measuredSbx } from '../../helpers/measured.js';

/** Every reproducer of hostile input: refused with its own message and position, exit 2, fast and small. */
const dir = mkdtempSync(join(tmpdir(), 'sbx-hostile-'));
const path = (name: string) => join(dir, name);
const write = (name: string, text: string | Buffer) => {
  writeFileSync(path(name), text);
  return path(name);
};
const fifo = (name: string) => {
  execFileSync('mkfifo', [path(name)]);
  return path(name);
};
const EXAMPLE = readFileSync(join(ROOT, 'manifests/shared-volume.yaml'), 'utf8');
const HEAD = 'apiVersion: sandboxd.o/v1\nkind: Sandbox\nid: demo\nspec:\n';
const ONLY = '(sbx reads regular files, directories of *.yaml/*.yml, and stdin through -f -)';
const LIMIT_HINT = '(SBX_MAX_MANIFEST_BYTES sets the limit in bytes)';

mkdirSync(path('with-fifo'));
writeFileSync(path('with-fifo/a.yaml'), EXAMPLE);
fifo('with-fifo/b.yaml');
mkdirSync(path('with-loop'));
symlinkSync('loop.yaml', path('with-loop/loop.yaml'));

interface Case {
  name: string;
  args: () => string[];
  stdin?: string | Buffer;
  env?: Record<string, string>;
  stderr: () => string;
}

const cases: Case[] = [
  { name: '-f FIFO', args: () => ['validate', '-f', fifo('pipe.yaml')], stderr: () => `${path('pipe.yaml')}  error[MANIFEST_INVALID]: cannot read manifest: is a named pipe (FIFO), not a regular file ${ONLY}` },
  {
    name: '-f DIR with a FIFO inside (the regular file beside it is still read)',
    args: () => ['validate', '-f', path('with-fifo')],
    stderr: () => `${path('with-fifo/b.yaml')}  error[MANIFEST_INVALID]: cannot read manifest: is a named pipe (FIFO), not a regular file ${ONLY}`,
  },
  { name: '-f DIR with a symlink loop', args: () => ['validate', '-f', path('with-loop')], stderr: () => `${path('with-loop/loop.yaml')}  error[MANIFEST_INVALID]: cannot read manifest: too many levels of symbolic links (a symlink loop)` },
  { name: '-f /dev/urandom', args: () => ['validate', '-f', '/dev/urandom'], stderr: () => `/dev/urandom  error[MANIFEST_INVALID]: cannot read manifest: is a character device, not a regular file ${ONLY}` },
  { name: '-f /dev/stdin is not a way around -f -', args: () => ['validate', '-f', '/dev/zero'], stderr: () => `/dev/zero  error[MANIFEST_INVALID]: cannot read manifest: is a character device, not a regular file ${ONLY}` },
  {
    name: '-f - with more than 3 MiB on stdin',
    args: () => ['validate', '-f', '-'],
    stdin: Buffer.alloc(4 * 1024 * 1024, 'a'),
    stderr: () => `-:1:3145729  error[MANIFEST_INVALID]: input is larger than the limit of 3 MiB ${LIMIT_HINT}`,
  },
  {
    name: 'a 50 MB file',
    args: () => ['validate', '-f', write('big.yaml', 'a: b\n'.repeat(10_000_000))],
    stderr: () => `${path('big.yaml')}:629146:4  error[MANIFEST_INVALID]: input is larger than the limit of 3 MiB ${LIMIT_HINT}`,
  },
  {
    name: 'SBX_MAX_MANIFEST_BYTES lowers the limit',
    args: () => ['validate', '-f', write('example.yaml', EXAMPLE)],
    env: { SBX_MAX_MANIFEST_BYTES: '100' },
    stderr: () => `${path('example.yaml')}:6:16  error[MANIFEST_INVALID]: input is larger than the limit of 100 bytes ${LIMIT_HINT}`,
  },
  {
    name: 'a 3 MB scalar anchored and aliased 99 times',
    args: () => ['-o', 'json', 'apply', '--dry-run', '-f', write('amplified.yaml', `${HEAD}  a: &a ${'x'.repeat(3_000_000)}\n  b: [${Array(99).fill('*a').join(', ')}]\n`)],
    stderr: () => `${path('amplified.yaml')}:6:11  error[MANIFEST_INVALID]: aliases expand the document to more than 3 MiB ${LIMIT_HINT}`,
  },
  {
    name: 'billion laughs',
    args: () => ['validate', '-f', write('laughs.yaml', `${HEAD}  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n${Array.from({ length: 8 }, (_, i) => `  ${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]\n`).join('')}`)],
    stderr: () => `${path('laughs.yaml')}:11:14  error[MANIFEST_INVALID]: aliases expand the document to more than 3 MiB ${LIMIT_HINT}`,
  },
  {
    name: '2,000 levels of nesting',
    args: () => ['validate', '-f', write('deep.yaml', `a: ${'['.repeat(2000)}${']'.repeat(2000)}\n`)],
    stderr: () => `${path('deep.yaml')}:1:103  error[MANIFEST_INVALID]: nested more than 100 levels deep`,
  },
  {
    name: '100,000 levels of block nesting',
    args: () => ['validate', '-f', write('deep-block.yaml', `${'- '.repeat(100_000)}x\n`)],
    stderr: () => `${path('deep-block.yaml')}:1:201  error[MANIFEST_INVALID]: nested more than 100 levels deep`,
  },
  {
    name: 'more than 1000 documents',
    args: () => ['validate', '-f', write('documents.yaml', '---\n'.repeat(1001))],
    stderr: () => `${path('documents.yaml')}:1001:1  error[MANIFEST_INVALID]: more than 1000 YAML documents in one command`,
  },
  {
    name: 'an undefined alias',
    args: () => ['validate', '-f', write('undefined-alias.yaml', `${HEAD}  egress: false\n  ports: [1, *nope]\n`)],
    stderr: () => `${path('undefined-alias.yaml')}:6:14  error[MANIFEST_INVALID]: undefined alias *nope (no anchor &nope is set before it)`,
  },
  {
    name: 'a merge key given a number',
    args: () => ['validate', '-f', write('merge.yaml', `${HEAD}  readiness_probe:\n    <<: 5\n`)],
    stderr: () => `${path('merge.yaml')}:6:9  error[MANIFEST_INVALID]: the merge key << takes a mapping, an alias of one, or a list of them; got an integer`,
  },
  {
    name: 'an alias inside its own anchor',
    args: () => ['validate', '-f', write('cycle.yaml', `${HEAD}  volumes: &v [*v]\n`)],
    stderr: () => `${path('cycle.yaml')}:5:16  error[MANIFEST_INVALID]: alias *v is inside the node its anchor names`,
  },
  {
    name: 'invalid UTF-8 in env',
    args: () => ['validate', '-f', write('latin1.yaml', Buffer.from(Buffer.from(EXAMPLE.replace('      resource:', '      env: ["A=caf\u0000"]\n      resource:')).map((b) => (b === 0 ? 0xe9 : b))))],
    stderr: () => `${path('latin1.yaml')}:25:19  error[MANIFEST_INVALID]: input is not valid UTF-8 (byte 0xe9)`,
  },
  {
    name: 'a 1 MiB image name',
    args: () => ['validate', '-f', write('image.yaml', EXAMPLE.replace('image: sbx-test/busybox:1', `image: ${'a'.repeat(1024 * 1024)}`))],
    stderr: () => `${path('image.yaml')}:12:14  spec.containers[0].image  error[MANIFEST_INVALID]: is 1048576 bytes, too long for one command-line argument (at most 130047 bytes: Linux's limit is 128 KiB per argument)`,
  },
  {
    name: 'a 1 MiB argument',
    args: () => ['validate', '-f', write('arg.yaml', EXAMPLE.replace('        - -c', `        - ${'b'.repeat(1024 * 1024)}`))],
    stderr: () => `${path('arg.yaml')}:15:11  spec.containers[0].args[1]  error[MANIFEST_INVALID]: is 1048576 bytes, too long for one command-line argument (at most 130047 bytes: Linux's limit is 128 KiB per argument)`,
  },
  {
    name: 'a manifest too big for its Docker label, every value short',
    args: () => ['validate', '-f', write('label.yaml', EXAMPLE.replace('      resource:', `      env: [${Array.from({ length: 200 }, (_, i) => `"K${i}=${'v'.repeat(1000)}"`).join(', ')}]\n      resource:`))],
    stderr: () => `${path('label.yaml')}:1:1  error[MANIFEST_INVALID]: the manifest is 202334 bytes as stored in its Docker label, one command-line argument (Linux allows 128 KiB per argument)`,
  },
  {
    name: 'cpu: 1e400',
    args: () => ['validate', '-f', write('cpu.yaml', EXAMPLE.replace('cpu: 100m', 'cpu: 1e400'))],
    stderr: () => `${path('cpu.yaml')}:26:14  spec.containers[0].resource.cpu  error[MANIFEST_INVALID]: must be a string or a number, got a number too large to hold (it reads as infinity)`,
  },
];

describe('hostile input', () => {
  it.each(cases)('$name: refused with exit 2 at its position, in < 1 s and < 150 MB', async (c) => {
    const r = await measuredSbx(c.args(), { stdin: c.stdin, env: c.env });
    expect(r.stderr.trim(), r.stderr).toBe(c.stderr());
    expect(r.exitCode).toBe(2);
    expect(r.ms).toBeLessThan(1000);
    expect(r.maxRssMb).toBeLessThan(150);
  }, 10_000);

  it('-f FIFO returns at once even with no writer (it used to block forever, deaf to SIGTERM)', async () => {
    const r = await measuredSbx(['apply', '--dry-run', '-f', fifo('nobody-writes.yaml')]);
    expect(r.exitCode).toBe(2);
    expect(r.ms).toBeLessThan(1000);
  }, 5_000);

  it('an invalid SBX_MAX_MANIFEST_BYTES is a usage error', async () => {
    const r = await measuredSbx(['validate', '-f', write('ok.yaml', EXAMPLE)], { env: { SBX_MAX_MANIFEST_BYTES: '3MiB' } });
    expect(r.stderr.trim()).toBe('error[USAGE]: SBX_MAX_MANIFEST_BYTES must be a positive number of bytes, got "3MiB"');
    expect(r.exitCode).toBe(2);
  });

  it('SIGTERM while sbx waits on a stdin that never ends stops it with INTERRUPTED', async () => {
    const r = await measuredSbx(['validate', '-f', '-'], { stdin: 'open', whenRunning: (pid) => setTimeout(() => process.kill(pid, 'SIGTERM'), 500) });
    expect(r.stderr.trim()).toBe('error[INTERRUPTED]: interrupted');
    expect(r.exitCode).toBe(130);
  }, 5_000);
});

/** The config file is read by apply's host-volume check: a docker that answers nothing gets sbx there. */
describe('hostile SBX_CONFIG', () => {
  const silentDocker = write('docker', '#!/bin/sh\nexit 0\n');
  chmodSync(silentDocker, 0o755);
  const hostManifest = write('host.yaml', EXAMPLE.replace('ephemeral_storage: 128Mi', `host: {path: ${dir}}`));
  const apply = (config: string) => measuredSbx(['apply', '--dry-run', '-f', hostManifest], { env: { SBX_DOCKER: silentDocker, SBX_CONFIG: config, SBX_STATE_DIR: path('state') } });

  it.each([
    ['a FIFO', () => fifo('config-fifo.yaml'), (f: string) => `${f}  error[USAGE]: cannot read ${f}: is a named pipe (FIFO), not a regular file`],
    ['/dev/zero', () => '/dev/zero', () => '/dev/zero  error[USAGE]: cannot read /dev/zero: is a character device, not a regular file'],
    ['deeply nested', () => write('config-deep.yaml', `allowed_host_paths: ${'['.repeat(5000)}\n`), (f: string) => `${f}:1:120  error[USAGE]: ${f} is not valid YAML: nested more than 100 levels deep`],
    ['too big', () => write('config-big.yaml', `# ${'x'.repeat(4 * 1024 * 1024)}\n`), (f: string) => `${f}:1:3145729  error[USAGE]: input is larger than the limit of 3 MiB ${LIMIT_HINT}`],
  ])('at %s: refused with exit 2, in < 1 s and < 150 MB', async (_name, config, expected) => {
    const file = config();
    const r = await apply(file);
    expect(r.stderr.trim()).toBe(expected(file));
    expect(r.exitCode).toBe(2);
    expect(r.ms).toBeLessThan(1000);
    expect(r.maxRssMb).toBeLessThan(150);
  }, 10_000);
});
