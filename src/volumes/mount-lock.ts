/** Lock names for shared host mounts: apply, delete and gc take them around mount, container create/remove and unmount. */
export function mountLockNames(keys: string[]): string[] {
  return keys.map((k) => `mount-${k}`);
}
