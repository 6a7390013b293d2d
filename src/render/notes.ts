/** Something of the manifest that the Kubernetes objects cannot say, or say differently. */
export interface RenderNote {
  /** Sandbox id as written in the manifest. */
  sandbox: string;
  /** Field path in the manifest (snake_case), e.g. spec.containers[0].security_opt[1]. */
  path: string;
  message: string;
}

export type Note = (path: string, message: string) => void;

export function noteSink(sandbox: string, notes: RenderNote[]): Note {
  return (path, message) => notes.push({ sandbox, path, message });
}
