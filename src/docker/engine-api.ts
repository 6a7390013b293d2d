import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** An answer of the engine's API: its HTTP status (2xx or 404) and its JSON body. */
export interface ApiAnswer<T> {
  status: number;
  body: T;
}

/**
 * Read-only questions (listings, engine facts, image presence) asked of the engine's API over its
 * unix socket, where the docker CLI would ask the same one: a docker process costs 40–50 ms of CPU,
 * a request about 1 ms (measured in README "Benchmarks"). Anything that changes Docker, and every
 * call under -v, goes through the CLI.
 */
export interface EngineReader {
  /** undefined when the engine could not be asked: the caller runs the CLI, whose error says why. */
  get<T>(pathname: string, query?: Record<string, string>): Promise<ApiAnswer<T> | undefined>;
}

export class EngineApi implements EngineReader {
  constructor(readonly socketPath: string) {}

  get<T>(pathname: string, query: Record<string, string> = {}): Promise<ApiAnswer<T> | undefined> {
    const search = new URLSearchParams(query).toString();
    // Loaded on first use, so that commands that never ask Docker (validate) do not pay for it. Node
    // before 20.16 has no getBuiltinModule: there the CLI is asked.
    const http = (process.getBuiltinModule as ((id: 'node:http') => typeof import('node:http')) | undefined)?.('node:http');
    if (!http) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const req = http.request({ socketPath: this.socketPath, path: search ? `${pathname}?${search}` : pathname, method: 'GET', agent: false, headers: { Host: 'docker' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => resolve(undefined));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (!((status >= 200 && status < 300) || status === 404)) return resolve(undefined);
          try {
            resolve({ status, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T });
          } catch {
            resolve(undefined);
          }
        });
      });
      req.on('error', () => resolve(undefined));
      req.end();
    });
  }
}

/**
 * The unix socket the docker CLI would talk to, when sbx can tell it for certain (the CLI's own order:
 * --context, DOCKER_HOST, DOCKER_CONTEXT, the config's currentContext); undefined for a named context,
 * a remote host, or a config sbx cannot read. Then every question goes to the CLI.
 */
export function localEngineSocket(env: NodeJS.ProcessEnv, context: string | undefined): string | undefined {
  if (context !== undefined) return undefined;
  if (env.DOCKER_HOST) return env.DOCKER_HOST.startsWith('unix://') ? env.DOCKER_HOST.slice('unix://'.length) : undefined;
  if (env.DOCKER_CONTEXT && env.DOCKER_CONTEXT !== 'default') return undefined;
  const config = path.join(env.DOCKER_CONFIG || path.join(homedir(), '.docker'), 'config.json');
  try {
    const current = (JSON.parse(readFileSync(config, 'utf8')) as { currentContext?: unknown }).currentContext;
    if (current !== undefined && current !== '' && current !== 'default') return undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  return '/var/run/docker.sock';
}
