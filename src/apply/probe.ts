import http from 'node:http';
import net from 'node:net';

// Host-side readiness checks against a published port: true when it answers within timeoutMs.

/** How long an accepted connection must stay open to count: Docker's userland proxy accepts every
 * connection on a published port and closes it at once when nothing listens in the container. */
const TCP_HOLD_MS = 250;

export function tcpConnect(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, timeout: timeoutMs });
    const done = (ok: boolean) => (s.destroy(), resolve(ok));
    s.once('connect', () => {
      s.setTimeout(0);
      setTimeout(() => done(true), TCP_HOLD_MS);
    });
    s.once('data', () => done(true));
    s.once('timeout', () => done(false));
    s.once('end', () => done(false));
    s.once('error', () => done(false));
    s.once('close', () => done(false));
  });
}

/**
 * node:http rather than fetch: when a published port's proxy accepts and then closes the connection
 * (nothing listens in the container yet), undici's fetch neither settles nor keeps the process alive.
 */
export function httpOk(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 400);
      req.destroy();
    });
    req.setTimeout(timeoutMs, () => req.destroy());
    req.once('error', () => resolve(false));
    req.once('close', () => resolve(false));
  });
}
