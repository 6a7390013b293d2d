import type { IssueList } from '../issues.js';
import { arr, has, obj, str, type Obj } from '../loose.js';
import { checkName } from './names.js';

const RESERVED_LABEL_PREFIX = 'dev.sbx';
const LABEL_KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;

export function checkTopLevel(doc: Obj, issues: IssueList): void {
  const kind = str(doc.kind);
  if (kind !== undefined && kind.toLowerCase() !== 'sandbox') {
    issues.add(['kind'], `unsupported kind "${kind.slice(0, 64)}" (expected Sandbox)`);
  }
  const id = str(doc.id);
  if (id !== undefined) checkName(id, 'id', ['id'], issues);

  const labels = obj(obj(doc.metadata)?.labels);
  for (const [key, value] of Object.entries(labels ?? {})) {
    const path = ['metadata', 'labels', key];
    if (key === RESERVED_LABEL_PREFIX || key.startsWith(RESERVED_LABEL_PREFIX + '.')) {
      issues.add(path, `label keys starting with "${RESERVED_LABEL_PREFIX}." are reserved for sbx`);
    } else if (!LABEL_KEY.test(key) || key.length > 253) {
      issues.add(path, 'invalid label key (letters, digits, ".", "_", "-", "/"; starting and ending with a letter or digit)');
    }
    if (typeof value === 'string' && /[\0\n\r]/.test(value)) issues.add(path, 'label value must not contain NUL or line breaks');
  }
}

export function checkPorts(spec: Obj, issues: IssueList): void {
  const seenContainer = new Map<string, number>();
  const seenHost = new Map<string, number>();
  arr(spec.ports).forEach((raw, i) => {
    const p = obj(raw);
    if (!p) return;
    const protocol = (str(p.protocol) ?? 'tcp').toLowerCase();
    if (typeof p.container_port === 'number') {
      const key = `${p.container_port}/${protocol}`;
      const first = seenContainer.get(key);
      if (first !== undefined) issues.add(['spec', 'ports', i, 'container_port'], `duplicate container_port ${key} (also in ports[${first}])`);
      else seenContainer.set(key, i);
    }
    if (typeof p.host_port === 'number') {
      const key = `${p.host_port}/${protocol}`;
      const first = seenHost.get(key);
      if (first !== undefined) issues.add(['spec', 'ports', i, 'host_port'], `duplicate host_port ${key} (also in ports[${first}])`);
      else seenHost.set(key, i);
    }
  });
}

export function checkReadinessProbe(spec: Obj, issues: IssueList): void {
  const probe = obj(spec.readiness_probe);
  if (!probe) return;
  const protocol = str(probe.protocol)?.toLowerCase();
  const path = str(probe.path);
  if (protocol === 'tcp' && has(probe, 'path')) {
    issues.add(['spec', 'readiness_probe', 'path'], 'path is only used when protocol is http');
  }
  if (protocol === 'http' && path !== undefined) {
    if (!path.startsWith('/')) issues.add(['spec', 'readiness_probe', 'path'], "readiness_probe.path must start with '/' when protocol is http");
    else if (path.length > MAX_PROBE_PATH) issues.add(['spec', 'readiness_probe', 'path'], `readiness_probe.path must be at most ${MAX_PROBE_PATH} characters`);
    else if (!URL_PATH.test(path)) {
      issues.add(['spec', 'readiness_probe', 'path'], 'readiness_probe.path must be a URL path and query (RFC 3986 characters; percent-encode anything else, e.g. %20 for a space)');
    }
  }
}

const MAX_PROBE_PATH = 2048;
/** RFC 3986 path-absolute with an optional query: unreserved, sub-delims, ":", "@", "/" and %XX escapes. */
const URL_PATH = /^\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*(?:\?(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?$/;
