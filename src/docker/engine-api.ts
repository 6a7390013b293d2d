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
  /**
   * Ask now what the next get of `pathname` (without a query) will take: only for engine facts, which
   * no sbx command changes, never for a listing (that is asked under the sandbox's lock). Until taken,
   * the request does not keep the process alive.
   */
  prefetch?(pathname: string): void;
}

interface Request {
  answer: Promise<ApiAnswer<unknown> | undefined>;
  ref(): void;
}

export class EngineApi implements EngineReader {
  private readonly early = new Map<string, Request>();

  constructor(readonly socketPath: string) {}

  get<T>(pathname: string, query: Record<string, string> = {}): Promise<ApiAnswer<T> | undefined> {
    const early = Object.keys(query).length === 0 ? this.early.get(pathname) : undefined;
    if (early) this.early.delete(pathname);
    const req = early ?? this.request(pathname, query);
    req.ref();
    return req.answer as Promise<ApiAnswer<T> | undefined>;
  }

  prefetch(pathname: string): void {
    if (this.early.has(pathname)) return;
    const req = this.request(pathname, {});
    this.early.set(pathname, req);
  }

  /**
   * One HTTP/1.0 request on a connection of its own, unref'd until get() takes it: the engine answers
   * without chunking and closes, so the body is everything after the headers. The request is written,
   * not ended: a client that half-closes is taken by Go's server for one that went away, and the
   * request is cancelled. node:net instead of node:http: loading http's modules and its agent's first
   * request took ~14 ms of every command's start (README "Benchmarks"); net is loaded anyway, for
   * child_process.
   */
  private request(pathname: string, query: Record<string, string>): Request {
    const search = new URLSearchParams(query).toString();
    // Loaded on first use, so that commands that never ask Docker (validate) do not pay for it. Node
    // before 20.16 has no getBuiltinModule: there the CLI is asked.
    const net = (process.getBuiltinModule as ((id: 'node:net') => typeof import('node:net')) | undefined)?.('node:net');
    if (!net) return { answer: Promise.resolve(undefined), ref: () => undefined };
    const socket = net.createConnection(this.socketPath);
    socket.unref();
    const answer = new Promise<ApiAnswer<unknown> | undefined>((resolve) => {
      const chunks: Buffer[] = [];
      socket.on('connect', () => socket.write(`GET ${search ? `${pathname}?${search}` : pathname} HTTP/1.0\r\nHost: docker\r\n\r\n`));
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', () => resolve(undefined));
      socket.on('end', () => resolve(parseResponse(Buffer.concat(chunks))));
    });
    return { answer, ref: () => socket.ref() };
  }
}

/** A whole HTTP response: a 2xx or 404 with a JSON body of the length it declares, else undefined. */
export function parseResponse<T>(raw: Buffer): ApiAnswer<T> | undefined {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine, ...headers] = raw.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine)?.[1]);
  if (!((status >= 200 && status < 300) || status === 404)) return undefined;
  const header = (name: string) => headers.find((h) => h.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
  if (header('transfer-encoding') !== undefined) return undefined;
  const body = raw.subarray(headEnd + 4);
  const length = header('content-length');
  if (length !== undefined && Number(length) !== body.length) return undefined;
  try {
    return { status, body: JSON.parse(body.toString('utf8')) as T };
  } catch {
    return undefined;
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
