/** The manifest as written (snake_case), after it passed the JSON Schema. Mirrors schemas/sandbox.schema.json. */
export type Quantity = string | number;

export interface SandboxDoc {
  apiVersion: string;
  kind: string;
  id: string;
  metadata?: { labels?: Record<string, string> };
  spec: Spec;
}

export interface Spec {
  egress?: boolean | { allow: string[] };
  ttl_seconds?: number;
  ports?: Port[];
  readiness_probe?: ReadinessProbe;
  volumes?: Volume[];
  containers: Container[];
}

export interface Port {
  container_port: number;
  protocol?: string;
  host_port?: number;
}

export interface ReadinessProbe {
  protocol: string;
  port: number;
  path?: string;
  initial_delay_seconds?: number;
  period_seconds?: number;
  timeout_seconds?: number;
  success_threshold?: number;
  failure_threshold?: number;
}

export interface Volume {
  name: string;
  ephemeral_storage?: Quantity;
  pvc?: { claim_name: string; create?: boolean };
  host?: { path: string };
  ossfs?: {
    bucket: string;
    endpoint: string;
    path?: string;
    version?: '1.0' | '2.0';
    region?: string;
    options?: string[];
    access_key_id?: string;
    access_key_secret?: string;
  };
  s3?: {
    bucket: string;
    endpoint?: string;
    path?: string;
    region?: string;
    path_style?: boolean;
    options?: string[];
    access_key_id?: string;
    access_key_secret?: string;
  };
}

export interface Container {
  name: string;
  image: string;
  image_pull_policy?: 'if_not_present' | 'always' | 'never';
  args?: string[];
  env?: string[];
  work_dir?: string;
  resource: { cpu: Quantity; memory: Quantity; ephemeral_storage?: Quantity };
  volume_mounts?: { name: string; mount_path: string; sub_path?: string; read_only?: boolean }[];
  read_only?: boolean;
  cap_add?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  tmpfs?: { mount_path: string; options?: string }[];
}
