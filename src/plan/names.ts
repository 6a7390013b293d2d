/**
 * Docker object names. ".." cannot occur in a sandbox id or a container/volume name, so
 * "<id>..<name>" never collides across sandboxes; the infra container has no "..".
 * Labels, not names, are the source of truth; names only have to be unique and readable.
 */
export const infraName = (id: string) => `sbx-${id}`;
export const containerName = (id: string, name: string) => `sbx-${id}..${name}`;
export const networkName = (id: string) => `sbx-${id}`;
/** Volumes a sandbox owns carry their config hash so a changed volume is a new object (the old one stays until the swap succeeds). */
export const ownedVolumeName = (id: string, vol: string, hash: string) => `sbx-${id}..${vol}.${hash.slice(0, 8)}`;
/** A container moved aside while its replacement is created; restored if the apply fails. */
export const stashName = (name: string, run: string) => `${name}.old-${run}`;
export const isStashName = (name: string) => /\.old-[a-z0-9]+$/.test(name);

/** Linux hostnames are at most 64 bytes. */
export const hostnameFor = (id: string) => id.slice(0, 63).replace(/[^A-Za-z0-9.-]/g, '-').replace(/^[.-]+/, 'x');
