/**
 * The root of the app-of-apps tree, as plain objects. infra/ installs them once with Argo CD
 * (bootstrap); the gitops chart emits the same objects into dist/, so from the first sync on
 * Argo CD manages its own root from git.
 */
import { EnvironmentNames, HELM_CHARTS, PLATFORM_NAMESPACES } from '../../config';

export const PLATFORM_PROJECT = 'platform';
export const ROOT_APPLICATION = 'root';
/** dist/<env>/<APPS_FOLDER> holds the Applications and AppProjects; the root Application syncs it. */
export const APPS_FOLDER = 'argocd-apps';

/** Automated sync: prune what git no longer has, revert manual changes, retry with backoff. */
export const AUTOMATED_SYNC = {
  automated: { prune: true, selfHeal: true },
  retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
  syncOptions: ['PrunePropagationPolicy=foreground', 'PruneLast=true'],
};

export function platformProjectSpec(names: EnvironmentNames) {
  return {
    description: 'Platform components, managed by the platform team',
    sourceRepos: [names.platform.gitops.repoURL, ...new Set(Object.values(HELM_CHARTS).map((c) => c.repoURL))],
    destinations: [{ server: 'https://kubernetes.default.svc', namespace: '*' }],
    clusterResourceWhitelist: [{ group: '*', kind: '*' }],
  };
}

export function rootApplicationSpec(names: EnvironmentNames) {
  return {
    project: PLATFORM_PROJECT,
    source: {
      repoURL: names.platform.gitops.repoURL,
      targetRevision: names.platform.gitops.revision,
      path: `${names.gitopsPath}/${APPS_FOLDER}`,
    },
    destination: { server: 'https://kubernetes.default.svc', namespace: PLATFORM_NAMESPACES.argocd },
    syncPolicy: AUTOMATED_SYNC,
  };
}

/** The objects the bootstrap installs next to Argo CD: the platform project and the root Application. */
export function bootstrapObjects(names: EnvironmentNames): object[] {
  return [
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: PLATFORM_PROJECT, namespace: PLATFORM_NAMESPACES.argocd }, spec: platformProjectSpec(names) },
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: ROOT_APPLICATION, namespace: PLATFORM_NAMESPACES.argocd }, spec: rootApplicationSpec(names) },
  ];
}
