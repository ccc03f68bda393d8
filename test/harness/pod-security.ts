/**
 * Pod Security admission (built into the API server), as its levels are defined for Kubernetes
 * 1.33+: which rules of the namespace's enforced level a pod spec breaks. Covers every check of
 * `baseline` and `restricted` except the Windows, AppArmor and SELinux details the platform never sets.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret', 'image'];

/** The namespace's enforced level, from its labels (unlabelled namespaces are privileged). */
export function enforcedLevel(namespaceLabels: Record<string, string>): PodSecurityLevel {
  return (namespaceLabels['pod-security.kubernetes.io/enforce'] as PodSecurityLevel | undefined) ?? 'privileged';
}

/** The checks a pod spec fails at `level`; empty when Pod Security admits it. */
export function podSecurityViolations(spec: any, level: PodSecurityLevel): string[] {
  if (level === 'privileged') return [];
  const out: string[] = [];
  const containers: any[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  const pod = spec.securityContext ?? {};

  // baseline
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[ns]) out.push(`host namespaces (${ns})`);
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) out.push(`privileged (${c.name})`);
    for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_CAPABILITIES.includes(cap)) out.push(`capabilities (${c.name}: ${cap})`);
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`hostPort (${c.name})`);
    if (sc.procMount && sc.procMount !== 'Default') out.push(`procMount (${c.name})`);
    if (sc.seccompProfile?.type === 'Unconfined') out.push(`seccomp Unconfined (${c.name})`);
  }
  for (const v of spec.volumes ?? []) if (v.hostPath) out.push(`hostPath volume (${v.name})`);
  if (pod.seccompProfile?.type === 'Unconfined') out.push('seccomp Unconfined (pod)');
  for (const s of pod.sysctls ?? []) if (!SAFE_SYSCTLS.includes(s.name)) out.push(`sysctl ${s.name}`);
  if (level === 'baseline') return out;

  // restricted
  for (const v of spec.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (!type || !RESTRICTED_VOLUMES.includes(type)) out.push(`volume type ${type} (${v.name})`);
  }
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) out.push(`allowPrivilegeEscalation != false (${c.name})`);
    const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    if (nonRoot !== true) out.push(`runAsNonRoot != true (${c.name})`);
    if ((sc.runAsUser ?? pod.runAsUser) === 0) out.push(`runAsUser=0 (${c.name})`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`seccompProfile (${c.name})`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`capabilities must drop ALL (${c.name})`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') out.push(`capabilities (${c.name}: ${cap})`);
  }
  if (pod.runAsUser === 0) out.push('runAsUser=0 (pod)');
  return out;
}
