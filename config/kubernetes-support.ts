/**
 * Warnings about the Kubernetes versions a config runs on: EKS moves a version to paid extended
 * support on the day its standard support ends (KUBERNETES_VERSIONS), so `npm run check` says so
 * from 60 days before.
 */
import { PlatformConfig } from './schema';
import { KUBERNETES_VERSIONS, KubernetesVersion } from './versions';

/** How long before the end of standard support the warning starts. */
export const SUPPORT_WARNING_DAYS = 60;
const DAY_MS = 24 * 60 * 60 * 1000;

/** One line per environment whose version leaves EKS standard support within SUPPORT_WARNING_DAYS of `today`, or already has. */
export function supportWarnings(config: PlatformConfig, today: Date = new Date()): string[] {
  const day = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return config.environments.flatMap((env) => {
    const ends = KUBERNETES_VERSIONS[env.kubernetesVersion as KubernetesVersion].standardSupportEnds;
    const left = Math.round((Date.parse(`${ends}T00:00:00Z`) - day) / DAY_MS);
    if (left > SUPPORT_WARNING_DAYS) return [];
    const when = left > 0 ? `ends in ${left} day${left === 1 ? '' : 's'} (${ends})` : `ended on ${ends}`;
    return [`environment ${env.name}: EKS standard support for Kubernetes ${env.kubernetesVersion} ${when}; upgrade kubernetesVersion before it runs on paid extended support`];
  });
}
