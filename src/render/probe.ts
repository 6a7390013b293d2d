import type { IProbe } from 'kubernetes-models/v1';
import type { ReadinessProbe } from '../manifest/model.js';

export function readinessProbe(p: ReadinessProbe): IProbe {
  const action = p.protocol === 'http' ? { httpGet: { path: p.path ?? '/', port: p.port } } : { tcpSocket: { port: p.port } };
  return {
    ...action,
    initialDelaySeconds: p.initialDelaySeconds,
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    successThreshold: p.successThreshold,
    failureThreshold: p.failureThreshold,
  };
}
