/** Docker labels are sbx's only state (SPEC §2). The prefix is owned by the project. */
export const LABEL_PREFIX = 'dev.sbx';
export const L = {
  sandbox: `${LABEL_PREFIX}.sandbox`,
  /** "infra" | "container" | "network" | "volume" */
  role: `${LABEL_PREFIX}.role`,
  container: `${LABEL_PREFIX}.container`,
  volume: `${LABEL_PREFIX}.volume`,
  configHash: `${LABEL_PREFIX}.config-hash`,
  createdAt: `${LABEL_PREFIX}.created-at`,
  expiresAt: `${LABEL_PREFIX}.expires-at`,
  /**
   * Prefix: "dev.sbx.ossfs.<key>=1" on every container using a shared host mount (its users are derived from this).
   * The names predate other bucket kinds; they stay so that containers of earlier versions keep counting as users.
   */
  mountUser: `${LABEL_PREFIX}.ossfs`,
  /** JSON list of what backends hold on the host for this container: [{backend, ref, shared?}] (plan/mounts.ts). */
  hostResources: `${LABEL_PREFIX}.host-resources`,
  /** Written by earlier versions instead of hostResources (still read): shared mount keys, staging paths. */
  legacyMountKeys: `${LABEL_PREFIX}.ossfs-keys`,
  legacyStagedMounts: `${LABEL_PREFIX}.staged-mounts`,
  /** JSON list of resolved mounts for `sbx get`: backend, volume, source, target, ro. */
  mounts: `${LABEL_PREFIX}.mounts`,
  egress: `${LABEL_PREFIX}.egress`,
  /** The network policy in words (`sbx get`), on the infra container. */
  egressPolicy: `${LABEL_PREFIX}.egress-policy`,
  /** The manifest document (JSON, secrets removed); on the infra container. */
  spec: `${LABEL_PREFIX}.spec`,
  /** Set on a named volume that sbx created for pvc `create: true`. */
  createdBy: `${LABEL_PREFIX}.created-by`,
} as const;
