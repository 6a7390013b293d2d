import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineApi, localEngineSocket, parseResponse } from '../../../src/docker/engine-api.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(path.join(tmpdir(), 'sbx-engine-api-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function configDir(config?: unknown, raw?: string): string {
  const dir = mkdtempSync(path.join(work, 'config-'));
  if (config !== undefined || raw !== undefined) writeFileSync(path.join(dir, 'config.json'), raw ?? JSON.stringify(config));
  return dir;
}

describe('localEngineSocket: the socket the docker CLI would use, or none when sbx cannot be sure', () => {
  it('the default socket without a context, a host or a config naming a context', () => {
    expect(localEngineSocket({ DOCKER_CONFIG: configDir() }, undefined)).toBe('/var/run/docker.sock');
    expect(localEngineSocket({ DOCKER_CONFIG: configDir({ auths: {} }) }, undefined)).toBe('/var/run/docker.sock');
    expect(localEngineSocket({ DOCKER_CONFIG: configDir({ currentContext: 'default' }), DOCKER_CONTEXT: 'default' }, undefined)).toBe('/var/run/docker.sock');
  });

  it('DOCKER_HOST: a unix socket is used, anything else is left to the CLI; it wins over contexts set in the environment or config', () => {
    const config = configDir({ currentContext: 'remote' });
    expect(localEngineSocket({ DOCKER_CONFIG: config, DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, undefined)).toBe('/run/user/1000/docker.sock');
    expect(localEngineSocket({ DOCKER_CONFIG: config, DOCKER_HOST: 'unix:///x.sock', DOCKER_CONTEXT: 'remote' }, undefined)).toBe('/x.sock');
    expect(localEngineSocket({ DOCKER_CONFIG: config, DOCKER_HOST: 'tcp://127.0.0.1:2375' }, undefined)).toBeUndefined();
    expect(localEngineSocket({ DOCKER_CONFIG: config, DOCKER_HOST: 'ssh://user@host' }, undefined)).toBeUndefined();
  });

  it('a named context (--context, DOCKER_CONTEXT or the config) or a config that cannot be read: none', () => {
    expect(localEngineSocket({ DOCKER_CONFIG: configDir(), DOCKER_HOST: 'unix:///x.sock' }, 'other')).toBeUndefined();
    expect(localEngineSocket({ DOCKER_CONFIG: configDir(), DOCKER_CONTEXT: 'other' }, undefined)).toBeUndefined();
    expect(localEngineSocket({ DOCKER_CONFIG: configDir({ currentContext: 'other' }) }, undefined)).toBeUndefined();
    expect(localEngineSocket({ DOCKER_CONFIG: configDir(undefined, '{ not json') }, undefined)).toBeUndefined();
  });
});

describe('EngineApi.get against an HTTP server on a unix socket', () => {
  const socket = path.join(work, 'api.sock');
  const seen: string[] = [];
  let server: Server;
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      const reply = (status: number, body: string) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
      if (req.url?.startsWith('/ok')) return reply(200, JSON.stringify({ url: req.url }));
      if (req.url === '/missing') return reply(404, JSON.stringify({ message: 'No such image' }));
      if (req.url === '/broken') return reply(200, '{ not json');
      if (req.url === '/hang') return; // never answers
      if (req.url === '/big') return reply(200, JSON.stringify(Array.from({ length: 20000 }, (_, i) => ({ Id: `c${i}`, Labels: { 'dev.sbx.sandbox': 'x'.repeat(40) } }))));
      return reply(500, JSON.stringify({ message: 'engine trouble' }));
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
  });
  afterAll(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));

  it('answers 2xx and 404 with their JSON; the query is encoded', async () => {
    const api = new EngineApi(socket);
    const filters = JSON.stringify({ label: ['dev.sbx.sandbox=a b'] });
    expect(await api.get('/ok', { all: '1', filters })).toEqual({ status: 200, body: { url: `/ok?all=1&filters=${encodeURIComponent(filters).replace(/%20/g, '+')}` } });
    expect(await api.get('/missing')).toEqual({ status: 404, body: { message: 'No such image' } });
  });

  it('prefetch: the next get of that path (without a query) takes the answer asked before; later gets ask again', async () => {
    const api = new EngineApi(socket);
    const asked = () => seen.filter((u) => u === '/ok/facts').length;
    api.prefetch('/ok/facts');
    api.prefetch('/ok/facts');
    await expect.poll(asked).toBe(1);
    expect(await api.get('/ok/facts', { all: '1' })).toEqual({ status: 200, body: { url: '/ok/facts?all=1' } });
    expect(await api.get('/ok/facts')).toEqual({ status: 200, body: { url: '/ok/facts' } });
    expect(asked()).toBe(1);
    expect(await api.get('/ok/facts')).toEqual({ status: 200, body: { url: '/ok/facts' } });
    expect(asked()).toBe(2);
  });

  it('a prefetch nobody takes does not keep the process alive (the engine never answers)', async () => {
    const module = path.join(ROOT, 'dist/docker/engine-api.js');
    if (!existsSync(module)) throw new Error('dist/ is missing: run npm run build first');
    const code = `import { EngineApi } from ${JSON.stringify(module)}; new EngineApi(${JSON.stringify(socket)}).prefetch('/hang'); setTimeout(() => {}, 300);`;
    const before = seen.filter((u) => u === '/hang').length;
    const t0 = Date.now();
    // Asynchronous: the server answering in this process must keep running.
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: 'ignore' });
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const [status] = (await once(child, 'exit')) as [number | null];
    clearTimeout(killer);
    expect(status).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(seen.filter((u) => u === '/hang').length).toBe(before + 1);
  });

  it('a body of many reads (a listing of 20,000 containers) arrives whole', async () => {
    const answer = await new EngineApi(socket).get<{ Id: string }[]>('/big');
    expect(answer?.body).toHaveLength(20000);
    expect(answer?.body[19999].Id).toBe('c19999');
  });

  it('any other status, a body that is not JSON, or no engine at the socket: undefined (the CLI is asked instead)', async () => {
    const api = new EngineApi(socket);
    expect(await api.get('/error')).toBeUndefined();
    expect(await api.get('/broken')).toBeUndefined();
    expect(await new EngineApi(path.join(work, 'nothing.sock')).get('/ok')).toBeUndefined();
  });
});

describe('parseResponse: only a whole, plain answer is taken', () => {
  const raw = (head: string, body: string) => Buffer.from(`${head}\r\n\r\n${body}`);

  it('a 2xx or 404 with JSON of its declared length', () => {
    expect(parseResponse(raw('HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: 8', '{"a":[]}'))).toEqual({ status: 200, body: { a: [] } });
    expect(parseResponse(raw('HTTP/1.1 404 Not Found', '{"message":"No such image"}'))).toEqual({ status: 404, body: { message: 'No such image' } });
  });

  it('a cut-off body, a chunked one, another status or no end of headers: undefined (the CLI is asked)', () => {
    expect(parseResponse(raw('HTTP/1.0 200 OK\r\nContent-Length: 20', '{"a":[]}'))).toBeUndefined();
    expect(parseResponse(raw('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked', '8\r\n{"a":[]}\r\n0\r\n\r\n'))).toBeUndefined();
    expect(parseResponse(raw('HTTP/1.0 500 Internal Server Error', '{}'))).toBeUndefined();
    expect(parseResponse(raw('HTTP/1.0 301 Moved', '{}'))).toBeUndefined();
    expect(parseResponse(Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n'))).toBeUndefined();
  });
});
