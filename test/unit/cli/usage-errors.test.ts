import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.js';
import { measuredSbx } from '../../helpers/measured.js';

/**
 * Usage errors are USAGE (exit 2) and the JSON error object under -o json, found before Docker is
 * asked: SBX_DOCKER points nowhere, so asking it would end in DOCKER_UNAVAILABLE instead.
 */
const dir = mkdtempSync(join(tmpdir(), 'sbx-usage-'));
const manifest = join(dir, 'sandbox.yaml');
writeFileSync(manifest, readFileSync(join(ROOT, 'manifests/shared-volume.yaml'), 'utf8'));

const cases: Array<[string, string[], string]> = [
  ['an unknown option', ['validate', '-f', manifest, '--bogus'], "error[USAGE]: unknown option '--bogus'"],
  ['an unknown option close to a known one', ['apply', '-f', manifest, '--dry-runn'], "error[USAGE]: unknown option '--dry-runn' (did you mean --dry-run?)"],
  ['a missing argument', ['logs'], "error[USAGE]: missing required argument 'id'"],
  ['a missing option value', ['validate', '-f'], "error[USAGE]: option '-f, --filename <path...>' argument missing"],
  ['a bad --progress', ['--progress', 'loud', 'ls'], "error[USAGE]: option '--progress <mode>' argument 'loud' is invalid. Allowed choices are auto, plain, json, quiet."],
  ['a bad --target', ['render', '-f', manifest, '--target', 'nomad'], "error[USAGE]: option '--target <target>' argument 'nomad' is invalid. Allowed choices are kubernetes."],
  ['an unknown command', ['frobnicate'], "error[USAGE]: unknown command 'frobnicate'"],
  ['help of an unknown command', ['help', 'bogus'], 'error[USAGE]: unknown command "bogus" (commands: validate, apply, delete, ls, get, logs, exec, cp, wait, stop, start, gc, render, completion, help)'],
  ['get ..', ['get', '..'], 'error[USAGE]: sandbox id "..": id contains invalid path characters (no "/", "\\" or "..")'],
  ['logs with a bad --tail', ['logs', 'demo', '--tail', 'bad'], 'error[USAGE]: --tail takes a number or "all", not "bad"'],
  ['logs of an impossible container', ['logs', 'demo', 'a/b'], 'error[USAGE]: container name "a/b": container name contains invalid path characters (no "/", "\\" or "..")'],
  ['exec with an unknown option', ['exec', '-x', '--', 'true'], "error[USAGE]: unknown option '-x'"],
  ['delete of an impossible id', ['delete', 'demo', ' spaced'], 'error[USAGE]: sandbox id " spaced": id must not contain leading or trailing whitespace'],
  ['--timeout 0', ['apply', '-f', manifest, '--timeout', '0'], 'error[USAGE]: --timeout: the duration must be more than 0, got "0"'],
  ['--timeout past what a timer holds', ['apply', '-f', manifest, '--timeout', '999h'], 'error[USAGE]: --timeout: the duration must be at most 24 days, got "999h"'],
  ['--context $(id)', ['--context', '$(id)', 'ls'], 'error[USAGE]: --context "$(id)": not a valid docker context name (must match ^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$)'],
];

describe('usage errors', () => {
  it.each(cases)('%s: error[USAGE], exit 2, Docker never asked', async (_name, args, line) => {
    const r = await measuredSbx(args);
    expect(r.stderr.trim()).toBe(line);
    expect(r.stdout).toBe('');
    expect(r.exitCode).toBe(2);
  });

  it.each(cases)('%s: under -o json, the error object on stdout', async (_name, args, line) => {
    const r = await measuredSbx(['-o', 'json', ...args]);
    const [, message, hint] = /^error\[USAGE\]: (.*?)(?: \((.*)\))?$/.exec(line)!;
    const expected = hint !== undefined && !message.startsWith('option ') ? { code: 'USAGE', message, hint } : { code: 'USAGE', message: line.slice('error[USAGE]: '.length) };
    expect(JSON.parse(r.stdout)).toEqual({ error: expected });
    expect(r.exitCode).toBe(2);
  });

  it('help of a known command prints it and exits 0', async () => {
    const r = await measuredSbx(['help', 'get']);
    expect(r.stdout.split('\n')[0]).toBe('Usage: sbx get [options] <id>');
    expect(r.exitCode).toBe(0);
  });
});

describe('interrupted', () => {
  const marker = join(dir, 'docker-started');
  const slowDocker = join(dir, 'slow-docker');
  writeFileSync(slowDocker, `#!/bin/sh\ntouch ${marker}\nexec sleep 30\n`);
  chmodSync(slowDocker, 0o755);

  it('SIGINT during a dry run says INTERRUPTED and exits 130, not DOCKER_FAILED', async () => {
    const r = await measuredSbx(['apply', '--dry-run', '-f', manifest], {
      env: { SBX_DOCKER: slowDocker },
      whenRunning: (pid) => {
        const poll = setInterval(() => {
          if (!existsSync(marker)) return;
          clearInterval(poll);
          process.kill(pid, 'SIGINT');
        }, 20);
      },
    });
    expect(r.stderr.trim()).toBe('error[INTERRUPTED]: interrupted');
    expect(r.exitCode).toBe(130);
    expect(r.ms).toBeLessThan(5000);
  }, 15_000);
});
