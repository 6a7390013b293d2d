/** The one place that decides where sbx keeps host-side state: locks, mounts, staging, applied records. */
export function stateDir(): string {
  return process.env.SBX_STATE_DIR ?? '/var/lib/sbx';
}
