import type { SandboxContext } from './context.js';

/** The environment variables a bucket's credentials are read from, e.g. OSS_ACCESS_KEY_ID. */
export interface CredentialVars {
  id: string;
  secret: string;
}

/**
 * The credentials a bucket's Secret holds: the environment's only when the user asked for it
 * (--secrets-from-env), never the manifest's inline ones; and the notes that say which it is.
 */
export function bucketCredentials(ctx: SandboxContext, path: string, secretName: string, vars: CredentialVars, hasInline: boolean): { id?: string; secret?: string } {
  const { secretsFromEnv, env } = ctx.credentials;
  const id = secretsFromEnv ? env[vars.id] : undefined;
  const secret = secretsFromEnv ? env[vars.secret] : undefined;
  if (hasInline) {
    ctx.note(path, `inline credentials are not copied into the output; export ${vars.id}/${vars.secret} and render with --secrets-from-env, or fill in Secret ${secretName}`);
  }
  if (secretsFromEnv && (!id || !secret)) {
    ctx.note(path, `--secrets-from-env: ${vars.id} or ${vars.secret} is not set; Secret ${secretName} holds placeholders`);
  } else if (!secretsFromEnv) {
    ctx.note(path, `Secret ${secretName} holds placeholders; fill them in or render with --secrets-from-env`);
  } else {
    ctx.note(path, `Secret ${secretName} holds the credentials from the environment; keep this output private`);
  }
  return id && secret ? { id, secret } : {};
}
