/**
 * The root of the app-of-apps tree, as plain objects. infra/ installs them once, in a second Helm
 * release after Argo CD (their CRDs come with the first); the gitops chart emits the same objects into
 * dist/, so from the first sync on Argo CD manages its own root from git.
 */
import { EnvironmentNames, HELM_CHARTS, PLATFORM_NAMESPACES } from '../../config';

export const PLATFORM_PROJECT = 'platform';
export const ROOT_APPLICATION = 'root';
/** dist/<env>/<APPS_FOLDER> holds the Applications and AppProjects; the root Application syncs it. */
export const APPS_FOLDER = 'argocd-apps';
export const IN_CLUSTER = 'https://kubernetes.default.svc';
/** Cluster label that ApplicationSets select on in fleet mode. */
export const CLUSTER_ENVIRONMENT_LABEL = 'k8s-platform.io/environment';

/** Automated sync: prune what git no longer has, revert manual changes, retry with backoff. */
export const AUTOMATED_SYNC = {
  automated: { prune: true, selfHeal: true },
  retry: { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
  syncOptions: ['PrunePropagationPolicy=foreground', 'PruneLast=true'],
};

/** In fleet mode one Argo CD may hold several environments: names carry the environment. */
export function fleetName(names: EnvironmentNames, name: string): string {
  return names.platform.gitops.mode === 'fleet' ? `${names.env}-${name}` : name;
}

/** The root Application's name (unique across environments in fleet mode). */
export function rootApplicationName(names: EnvironmentNames): string {
  return fleetName(names, ROOT_APPLICATION);
}

export function platformProjectSpec(names: EnvironmentNames) {
  return {
    description: 'Platform components, managed by the platform team',
    sourceRepos: [names.platform.gitops.repoURL, ...new Set(Object.values(HELM_CHARTS).map((c) => c.repoURL))],
    destinations: [{ server: names.platform.gitops.mode === 'fleet' ? '*' : IN_CLUSTER, namespace: '*' }],
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
    destination: { server: IN_CLUSTER, namespace: PLATFORM_NAMESPACES.argocd },
    syncPolicy: AUTOMATED_SYNC,
  };
}

/**
 * Values of the bootstrap's second release (the argocd-apps chart): the platform project and the
 * root Application, installed after the argo-cd release has created their CRDs.
 */
export function rootReleaseValues(names: EnvironmentNames) {
  return {
    projects: { [PLATFORM_PROJECT]: { namespace: PLATFORM_NAMESPACES.argocd, ...platformProjectSpec(names) } },
    applications: { [rootApplicationName(names)]: { namespace: PLATFORM_NAMESPACES.argocd, ...rootApplicationSpec(names) } },
  };
}

/** The objects the bootstrap's second release renders (what rootReleaseValues turns into). */
export function bootstrapObjects(names: EnvironmentNames): Array<{ apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: object }> {
  return [
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: PLATFORM_PROJECT, namespace: PLATFORM_NAMESPACES.argocd }, spec: platformProjectSpec(names) },
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: rootApplicationName(names), namespace: PLATFORM_NAMESPACES.argocd }, spec: rootApplicationSpec(names) },
  ];
}

/** Key of the GitOps repository under the argo-cd chart's `configs.repositories`; the chart names the Secret `argocd-repo-<key>`. */
export const REPOSITORY_KEY = 'gitops';
export const REPOSITORY_SECRET = `argocd-repo-${REPOSITORY_KEY}`;

/** Fields of the repository credentials secret (a JSON object in the backend): a deploy key for SSH URLs, a token otherwise. */
export function repositoryCredentialFields(repoURL: string): string[] {
  return /^(ssh:\/\/|git@)/.test(repoURL) ? ['sshPrivateKey'] : ['username', 'password'];
}
