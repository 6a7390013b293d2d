import net from 'node:net';

/**
 * A TCP endpoint on 127.0.0.1 that forwards to the local engine's unix socket: to sbx it looks like a
 * remote engine (DOCKER_HOST=tcp://...), while the test can still inspect what was created.
 */
export async function startEngineProxy(socketPath = '/var/run/docker.sock'): Promise<{ dockerHost: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  // Half-open connections matter: `docker exec` closes its stdin side and still reads the output.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const engine = net.connect({ path: socketPath, allowHalfOpen: true });
    sockets.add(client).add(engine);
    client.pipe(engine).pipe(client);
    const drop = () => {
      client.destroy();
      engine.destroy();
    };
    client.on('error', drop).on('close', drop);
    engine.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    dockerHost: `tcp://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
