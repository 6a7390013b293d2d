import type { ISecurityContext } from 'kubernetes-models/v1';
import type { Container } from '../manifest/model.js';
import type { Note } from './notes.js';

/** Docker's capability names may carry the CAP_ prefix; Kubernetes' never do. */
function capability(name: string): string {
  const upper = name.toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}

/** Docker's label=user:U / role:R / type:T / level:L → seLinuxOptions; label=disable has no equivalent. */
const SELINUX_FIELD = /^(user|role|type|level):./;

type Profile = { type: 'RuntimeDefault' | 'Unconfined' } | { type: 'Localhost'; localhostProfile: string };

/** "unconfined" | "runtime/default" | "localhost/NAME"; a bare NAME is a profile loaded on the host (AppArmor). */
function profile(value: string): Profile | undefined {
  if (value === 'unconfined') return { type: 'Unconfined' };
  if (value === 'runtime/default') return { type: 'RuntimeDefault' };
  if (value.startsWith('localhost/') && value.length > 'localhost/'.length) {
    return { type: 'Localhost', localhostProfile: value.slice('localhost/'.length) };
  }
  return undefined;
}

/** Kubernetes names Localhost seccomp profiles relative to the kubelet's directory; sbx takes host file paths. */
function seccompProfile(value: string): Profile | undefined {
  const p = profile(value);
  return p?.type === 'Localhost' && p.localhostProfile.startsWith('/') ? undefined : p;
}

/**
 * The container's securityContext. sbx's defaults carry over: no-new-privileges unless security_opt
 * turns it off, and Docker's default seccomp profile (Kubernetes would otherwise run Unconfined).
 */
export function securityContext(c: Container, base: string, note: Note): ISecurityContext {
  const sc: ISecurityContext = {};
  let noNewPrivileges = true;
  let seccomp: Profile = { type: 'RuntimeDefault' };

  c.securityOpt.forEach((opt, i) => {
    const path = `${base}.security_opt[${i}]`;
    const m = /^([a-z-]+)(?:[=:](.*))?$/.exec(opt);
    const key = m?.[1];
    const value = m?.[2];
    if (key === 'no-new-privileges' && (value === undefined || value === 'true' || value === 'false')) {
      noNewPrivileges = value !== 'false';
    } else if (key === 'seccomp' && value !== undefined && seccompProfile(value)) {
      seccomp = seccompProfile(value)!;
    } else if (key === 'seccomp' && value !== undefined) {
      note(path, 'a seccomp profile file is read on the machine running sbx; Kubernetes needs it installed on every node and named relative to the kubelet\'s seccomp directory; left out');
    } else if (key === 'label' && value && SELINUX_FIELD.test(value)) {
      const [field, setting] = value.split(/:(.*)/s);
      sc.seLinuxOptions = { ...sc.seLinuxOptions, [field]: setting };
    } else if (key === 'apparmor' && value) {
      sc.appArmorProfile = profile(value) ?? { type: 'Localhost', localhostProfile: value };
    } else {
      note(path, `"${opt}" has no Kubernetes equivalent; left out`);
    }
  });

  const add = c.capAdd.map(capability);
  const drop = c.capDrop.map(capability);
  if (noNewPrivileges && add.includes('SYS_ADMIN')) {
    note(`${base}.cap_add`, 'Kubernetes rejects allowPrivilegeEscalation: false together with SYS_ADMIN; no-new-privileges is not applied');
  } else {
    sc.allowPrivilegeEscalation = !noNewPrivileges;
  }
  if (add.length || drop.length) {
    sc.capabilities = {};
    if (add.length) sc.capabilities.add = add;
    if (drop.length) sc.capabilities.drop = drop;
  }
  if (c.readOnly) sc.readOnlyRootFilesystem = true;
  sc.seccompProfile = seccomp;
  return sc;
}
