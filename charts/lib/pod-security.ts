/**
 * Security contexts that meet Pod Security `restricted`, for the workloads the platform defines
 * itself. One definition, so the golden path and the platform's own pods cannot drift apart.
 */
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';

/** Pod level: never root, the runtime's default seccomp profile. */
export const RESTRICTED_POD_SECURITY_CONTEXT: k8s.PodSecurityContext = {
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** Container level: no privilege escalation, no capabilities, read-only root filesystem. */
export const RESTRICTED_CONTAINER_SECURITY_CONTEXT: k8s.SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
};
