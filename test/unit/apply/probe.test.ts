import { execFile } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Each probe runs in its own node process with nothing else pending, as in `sbx apply --wait`:
// a probe that neither settles nor holds a handle makes that process exit without a result.
const PROBE_MODULE = path.resolve('dist/apply/probe.js');
const run = promisify(execFile);

async function probeInChild(kind: 'http' | 'tcp', port: number): Promise<string> {
  const call = kind === 'http' ? `httpOk('http://127.0.0.1:${port}/', 1000)` : `tcpConnect(${port}, 1000)`;
  const script = `import { httpOk, tcpConnect } from ${JSON.stringify(PROBE_MODULE)};\nprocess.stdout.write(String(await ${call}));`;
  const res = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 }).catch((e) => e);
  return `${res.stdout}${res.code ? ` (exit ${res.code})` : ''}`;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

describe('readiness probes against a published port', () => {
  // What Docker's userland proxy does while nothing listens in the container.
  const acceptAndClose = net.createServer((s) => s.end());
  const silentListener = net.createServer(() => {});
  const web = http.createServer((req, res) => res.writeHead(req.url === '/' ? 200 : 503).end('ok'));
  const failing = http.createServer((_req, res) => res.writeHead(500).end());
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    ports.acceptAndClose = await listen(acceptAndClose);
    ports.silent = await listen(silentListener);
    ports.web = await listen(web);
    ports.failing = await listen(failing);
    const closed = net.createServer();
    ports.closed = await listen(closed);
    await new Promise((r) => closed.close(r));
  });
  afterAll(() => {
    for (const s of [acceptAndClose, silentListener, web, failing]) s.close();
  });

  it.each([
    ['http', 'web', 'true'],
    ['http', 'failing', 'false'],
    ['http', 'acceptAndClose', 'false'],
    ['http', 'silent', 'false'],
    ['http', 'closed', 'false'],
    ['tcp', 'silent', 'true'],
    ['tcp', 'web', 'true'],
    ['tcp', 'acceptAndClose', 'false'],
    ['tcp', 'closed', 'false'],
  ] as const)('%s probe of a %s port settles %s', async (kind, server, expected) => {
    expect(await probeInChild(kind, ports[server])).toBe(expected);
  });
});
