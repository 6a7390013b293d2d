import { describe, expect, test } from 'vitest';
import { renderToText } from '../../../src/render/index.js';
import { INLINE_KEY_ID, INLINE_KEY_SECRET, everything } from './fixtures.js';
import { ofKind, render } from './helpers.js';

const ENV = { OSS_ACCESS_KEY_ID: 'env-key-id-31337', OSS_ACCESS_KEY_SECRET: 'env-key-secret-42' };

function everywhere(r: ReturnType<typeof render>): string {
  return [renderToText(r, 'yaml'), renderToText(r, 'json'), JSON.stringify(r.notes)].join('\n');
}

describe('credentials in the output', () => {
  test('inline manifest credentials never appear, not even with --secrets-from-env', () => {
    for (const secretsFromEnv of [false, true]) {
      const text = everywhere(render([everything()], { secretsFromEnv, env: ENV }));
      expect(text).not.toContain(INLINE_KEY_ID);
      expect(text).not.toContain(INLINE_KEY_SECRET);
    }
  });

  test('environment credentials do not appear without --secrets-from-env', () => {
    const text = everywhere(render([everything()], { secretsFromEnv: false, env: ENV }));
    expect(text).not.toContain(ENV.OSS_ACCESS_KEY_ID);
    expect(text).not.toContain(ENV.OSS_ACCESS_KEY_SECRET);
  });

  test('with --secrets-from-env they appear only in the Secret, never in the Pod or the PersistentVolumes', () => {
    const r = render([everything()], { secretsFromEnv: true, env: ENV });
    const outsideSecrets = JSON.stringify(r.objects.filter((o) => o.kind !== 'Secret'));
    expect(outsideSecrets).not.toContain(ENV.OSS_ACCESS_KEY_SECRET);
    expect(outsideSecrets).not.toContain(ENV.OSS_ACCESS_KEY_ID);
    expect(JSON.stringify(r.notes)).not.toContain(ENV.OSS_ACCESS_KEY_SECRET);
    expect(ofKind(r, 'Secret')[0].stringData?.akSecret).toBe(ENV.OSS_ACCESS_KEY_SECRET);
    expect(r.notes.map((n) => n.message).join('\n')).toMatch(/keep this output private/);
  });

  test('--secrets-from-env with the variables unset keeps the placeholders and says so', () => {
    const r = render([everything()], { secretsFromEnv: true, env: {} });
    expect(ofKind(r, 'Secret')[0].stringData).toEqual({ akId: '<OSS_ACCESS_KEY_ID>', akSecret: '<OSS_ACCESS_KEY_SECRET>' });
    expect(r.notes.map((n) => n.message).join('\n')).toMatch(/OSS_ACCESS_KEY_ID or OSS_ACCESS_KEY_SECRET is not set/);
  });
});
