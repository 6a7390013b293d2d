import type { Sandbox } from '../manifest/model.js';
import type { NameAllocator } from './names.js';
import type { Note } from './notes.js';

/** Everything the pieces of one sandbox's rendering share. */
export interface SandboxContext {
  sandbox: Sandbox;
  podName: string;
  /** Labels on every object of this sandbox (user labels that are valid, plus the sandbox label). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Selects this sandbox's Pod (NetworkPolicy). */
  selector: Record<string, string>;
  /** Names of the objects of the whole render (Pods, PersistentVolumes, claims, Secrets, policies). */
  objectNames: NameAllocator;
  /** Claim name in the manifest → PersistentVolumeClaim name, the same for every sandbox of the render. */
  claimNames: Map<string, string>;
  /** Names of the Pod's volumes: declared ones first, then the automatic /tmp and tmpfs ones. */
  volumeNames: NameAllocator;
  note: Note;
  credentials: OssCredentialSource;
}

export interface OssCredentialSource {
  secretsFromEnv: boolean;
  env: Record<string, string | undefined>;
}
