import { distance } from 'fastest-levenshtein';

/** Spellings from Kubernetes, OpenSandbox (camelCase) and docker compose, mapped to sbx keys. */
const KNOWN_SPELLINGS: Record<string, string[]> = {
  subPath: ['sub_path'],
  mountPath: ['mount_path'],
  readOnly: ['read_only'],
  readOnlyRootFilesystem: ['read_only'],
  read_only_root_filesystem: ['read_only'],
  claimName: ['claim_name'],
  createIfNotExists: ['create'],
  create_if_not_exists: ['create'],
  containerPort: ['container_port'],
  hostPort: ['host_port'],
  target: ['container_port'],
  published: ['host_port'],
  workDir: ['work_dir'],
  workingDir: ['work_dir'],
  working_dir: ['work_dir'],
  workdir: ['work_dir'],
  ttlSeconds: ['ttl_seconds'],
  ttl: ['ttl_seconds'],
  readinessProbe: ['readiness_probe'],
  readiness: ['readiness_probe'],
  healthcheck: ['readiness_probe'],
  volumeMounts: ['volume_mounts'],
  mounts: ['volume_mounts'],
  emptyDir: ['ephemeral_storage'],
  empty_dir: ['ephemeral_storage'],
  tmpfs: ['ephemeral_storage'],
  size: ['ephemeral_storage'],
  ephemeralStorage: ['ephemeral_storage'],
  persistentVolumeClaim: ['pvc'],
  persistent_volume_claim: ['pvc'],
  hostPath: ['host'],
  host_path: ['host'],
  oss: ['ossfs'],
  s3fs: ['s3'],
  command: ['args'],
  cmd: ['args'],
  entrypoint: ['args'],
  resources: ['resource'],
  limits: ['cpu', 'memory'],
  environment: ['env'],
  accessKeyId: ['access_key_id'],
  accessKeySecret: ['access_key_secret'],
  capAdd: ['cap_add'],
  capDrop: ['cap_drop'],
  securityOpt: ['security_opt'],
  security_opts: ['security_opt'],
  initialDelaySeconds: ['initial_delay_seconds'],
  periodSeconds: ['period_seconds'],
  timeoutSeconds: ['timeout_seconds'],
  successThreshold: ['success_threshold'],
  failureThreshold: ['failure_threshold'],
  api_version: ['apiVersion'],
  apiversion: ['apiVersion'],
  name: ['id'],
  bucketName: ['bucket'],
  prefix: ['path'],
  url: ['endpoint'],
};

/** Keys written one level too high: `memory` in a container belongs in `resource`. */
const NESTED: Record<string, string> = {
  cpu: 'resource.cpu',
  memory: 'resource.memory',
  labels: 'metadata.labels',
  claim_name: 'pvc.claim_name',
  claimName: 'pvc.claim_name',
  bucket: 'ossfs.bucket',
  endpoint: 'ossfs.endpoint',
  container_port: 'ports',
};

function camelToSnake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** A table entry of the key itself, never one inherited from Object.prototype (`valueOf`, `constructor`). */
function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The allowed key the user most likely meant, or undefined. */
export function suggestKey(unknown: string, allowed: readonly string[]): string | undefined {
  const known = own(KNOWN_SPELLINGS, unknown)?.find((k) => allowed.includes(k));
  if (known) return known;
  const nested = own(NESTED, unknown);
  if (nested && allowed.includes(nested.split('.')[0])) return nested;
  const snake = camelToSnake(unknown);
  if (allowed.includes(snake)) return snake;
  const folded = allowed.find((k) => k.toLowerCase() === unknown.toLowerCase() || k.replace(/_/g, '') === unknown.toLowerCase());
  if (folded) return folded;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of allowed) {
    const d = Math.min(distance(unknown, k), distance(snake, k));
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  const limit = unknown.length <= 3 ? 1 : Math.max(2, Math.floor(unknown.length / 3));
  return bestDistance <= limit ? best : undefined;
}
