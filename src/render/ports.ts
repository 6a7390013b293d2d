import type { IContainerPort } from 'kubernetes-models/v1';
import type { Sandbox } from '../manifest/model.js';
import type { Note } from './notes.js';

/** Ports as on Docker: published only with egress; host_port binds the node's port. */
export function containerPorts(sandbox: Sandbox, note: Note): IContainerPort[] {
  return sandbox.ports.map((p, i) => {
    const port: IContainerPort = { containerPort: p.containerPort, protocol: p.protocol === 'udp' ? 'UDP' : 'TCP' };
    const path = `spec.ports[${i}]`;
    if (!sandbox.egress) {
      if (p.hostPort) note(`${path}.host_port`, 'not published: with egress false the sandbox has no network beyond itself (as on Docker)');
    } else if (p.hostPort) {
      port.hostPort = p.hostPort;
      note(`${path}.host_port`, `hostPort binds port ${p.hostPort} of the node the Pod runs on; the Pod only fits on nodes where it is free`);
    } else {
      note(path, 'sbx publishes it on a random host port; on Kubernetes expose it with a Service');
    }
    return port;
  });
}
