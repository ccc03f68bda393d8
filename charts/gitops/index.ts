/**
 * The app-of-apps tree. dist/<env>/argocd-apps/ holds the AppProjects and one Application per
 * upstream Helm chart, per platform folder and per team; the root Application (installed once by
 * infra, then managed from here) syncs this folder. Every folder of dist/<env> is owned by exactly
 * one Application. In `fleet` mode each becomes an ApplicationSet over the labelled clusters.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PLATFORM_NAMESPACES } from '../../config';
import { HelmRelease, PlatformChart, PlatformChartProps, SYNC_WAVE } from '../lib/platform-chart';
import { ARGOCD_OIDC_SECRET, argocdRelease, teamProjectRole } from './argocd-release';
import { PlatformSecret } from '../lib/platform-secret';
import { PlatformUiRoute } from '../sso';
import {
  AUTOMATED_SYNC, CLUSTER_ENVIRONMENT_LABEL, fleetName, IN_CLUSTER, PLATFORM_PROJECT, platformProjectSpec, REPOSITORY_SECRET, repositoryCredentialFields,
  rootApplicationName, rootApplicationSpec,
} from './root-application';
import { ExternalSecretSpecTargetCreationPolicy } from '../../imports/externalsecret-external-secrets.io';

export * from './root-application';
export * from './argocd-release';

/**
 * The only kinds a team's Applications may sync (an allow list: a kind added upstream, or one the
 * platform forgot, stays out). Not here, on purpose: Secrets, Pods (bypass of the controllers'
 * templates), Endpoints/EndpointSlices (point a Service anywhere), RBAC, quotas and limits,
 * SecretStores, PushSecrets and generators, cert-manager kinds (certificates come with the team's
 * hosts), Probes, ScrapeConfigs and AlertmanagerConfigs, Gateways, ReferenceGrants, ListenerSets
 * and the TCP/TLS/GRPC routes.
 */
export const TEAM_KINDS = [
  { group: '', kind: 'ConfigMap' },
  { group: '', kind: 'PersistentVolumeClaim' },
  { group: '', kind: 'Service' },
  { group: '', kind: 'ServiceAccount' },
  { group: 'apps', kind: 'Deployment' },
  { group: 'apps', kind: 'StatefulSet' },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
  { group: 'batch', kind: 'CronJob' },
  { group: 'batch', kind: 'Job' },
  { group: 'external-secrets.io', kind: 'ExternalSecret' },
  { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
  { group: 'monitoring.coreos.com', kind: 'PodMonitor' },
  { group: 'monitoring.coreos.com', kind: 'PrometheusRule' },
  { group: 'monitoring.coreos.com', kind: 'ServiceMonitor' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'policy', kind: 'PodDisruptionBudget' },
];

export interface GitOpsChartProps extends PlatformChartProps {
  /** The other charts of this environment: their folders and Helm releases become Applications. */
  readonly charts: PlatformChart[];
}

export class GitOpsChart extends PlatformChart {
  readonly wave = SYNC_WAVE.operators;
  private readonly fleet: boolean;

  constructor(scope: Construct, id: string, props: GitOpsChartProps) {
    super(scope, id, props);
    const { names } = this;
    this.fleet = names.platform.gitops.mode === 'fleet';
    this.addRelease(argocdRelease(names));

    // Plain ApiObjects: Argo CD specs are written exactly as their YAML (the generated bindings
    // rename fields such as repoURL and would drop them from untyped values); the schema test
    // validates them against the Argo CD CRDs.
    argo(this, 'platform-project', 'AppProject', PLATFORM_PROJECT, platformProjectSpec(names));
    argo(this, 'root', 'Application', rootApplicationName(names), rootApplicationSpec(names));

    // Every engineer opens Argo CD (teams sync their own applications); the service is the chart's.
    new PlatformUiRoute(this, 'ui', { names, ui: 'argocd', service: { name: `${argocdRelease(names).name}-server`, port: 80 }, groups: names.engineerGroups });

    // Argo CD reads `$argocd-oidc:clientSecret` only from Secrets labelled as part of Argo CD.
    new PlatformSecret(this, 'oidc-secret', {
      names, name: ARGOCD_OIDC_SECRET, namespace: PLATFORM_NAMESPACES.argocd, key: 'argocd/oidc',
      properties: { clientSecret: 'clientSecret' }, labels: { 'app.kubernetes.io/part-of': 'argocd' },
    });
    const repoCredentials = names.platform.gitops.credentialsSecret;
    if (repoCredentials) {
      // The bootstrap creates this Secret from the backend before Argo CD's first fetch (no cycle
      // through ESO, which Argo CD installs from this very repository). From then on this
      // ExternalSecret merges the backend's current value into it (or recreates it if deleted), so
      // rotations land; Argo CD tracks only the ExternalSecret and never prunes the Secret itself.
      new PlatformSecret(this, 'repo-credentials', {
        names, name: REPOSITORY_SECRET, namespace: PLATFORM_NAMESPACES.argocd, key: repoCredentials,
        properties: Object.fromEntries(repositoryCredentialFields(names.platform.gitops.repoURL).map((f) => [f, f])),
        labels: { 'argocd.argoproj.io/secret-type': 'repository' },
        literals: { type: 'git', url: names.platform.gitops.repoURL },
        creationPolicy: ExternalSecretSpecTargetCreationPolicy.CREATE_OR_MERGE,
      });
    }

    for (const chart of [this, ...props.charts]) {
      for (const release of chart.releases) this.helmApplication(release);
      // A chart with no objects of its own writes no folder: an Application for it would point at nothing.
      if (chart !== this && chart.node.findAll().some((c) => c instanceof ApiObject)) this.folderApplication(chart);
    }

    for (const team of names.teams) {
      const ns = names.teamNamespace(team);
      argo(this, `project-${team.name}`, 'AppProject', team.name, {
        description: `Team ${team.name}: its own repositories, its own namespace, no cluster-scoped objects`,
        // The GitOps repository too when the platform generates the team's apps (dist/<env>/apps-<team>).
        sourceRepos: [...team.sourceRepos, ...(team.apps.length > 0 ? [names.platform.gitops.repoURL] : [])].sort(),
        destinations: [{ server: this.fleet ? '*' : IN_CLUSTER, namespace: ns }],
        clusterResourceWhitelist: [],
        namespaceResourceWhitelist: TEAM_KINDS,
        roles: [teamProjectRole(team, names.environment.production)],
      });
      if (team.sourceRepos.length > 0) {
        // Teams keep their manifests in their own repository, one folder per environment.
        this.application(`team-${team.name}`, SYNC_WAVE.teams, team.name, ns, {
          repoURL: team.sourceRepos[0], targetRevision: 'HEAD', path: `deploy/${names.env}`,
        });
      }
    }
  }

  private helmApplication(release: HelmRelease): void {
    this.application(release.name, release.wave, PLATFORM_PROJECT, release.namespace, {
      repoURL: release.chart.repoURL,
      chart: release.chart.chart,
      targetRevision: release.chart.version,
      helm: { releaseName: release.name, valuesObject: release.values, ...(release.skipCrds ? { skipCrds: true } : {}) },
    }, release);
  }

  private folderApplication(chart: PlatformChart): void {
    const folder = chart.node.id;
    this.application(folder, chart.wave, chart.project ?? PLATFORM_PROJECT, chart.destinationNamespace ?? PLATFORM_NAMESPACES.argocd, {
      repoURL: this.names.platform.gitops.repoURL,
      targetRevision: this.names.platform.gitops.revision,
      path: `${this.names.gitopsPath}/${folder}`,
    });
  }

  private application(name: string, wave: number, project: string, namespace: string, source: Record<string, unknown>, release?: HelmRelease): ApiObject {
    // Helm releases bring their own namespace (with Pod Security labels below); folders do not.
    const syncOptions = [...AUTOMATED_SYNC.syncOptions, ...(release ? ['CreateNamespace=true'] : [])];
    // A team's Application must not take over an object another Application (the platform's) manages.
    if (project !== PLATFORM_PROJECT) syncOptions.push('FailOnSharedResource=true');
    if (release?.serverSideApply) syncOptions.push('ServerSideApply=true');
    const spec = {
      project,
      source,
      destination: { server: this.fleet ? '{{server}}' : IN_CLUSTER, namespace },
      syncPolicy: {
        ...AUTOMATED_SYNC,
        syncOptions,
        ...(release ? {
          managedNamespaceMetadata: { labels: {
            'pod-security.kubernetes.io/enforce': release.podSecurity,
            'pod-security.kubernetes.io/enforce-version': `v${this.names.environment.kubernetesVersion}`,
            'pod-security.kubernetes.io/warn': 'restricted',
          } },
        } : {}),
      },
    };
    const annotations = { 'argocd.argoproj.io/sync-wave': String(wave) };
    if (!this.fleet) return argo(this, `app-${name}`, 'Application', name, spec, annotations);
    return argo(this, `appset-${name}`, 'ApplicationSet', fleetName(this.names, name), {
      generators: [{ clusters: { selector: { matchLabels: { [CLUSTER_ENVIRONMENT_LABEL]: this.names.env } } } }],
      template: { metadata: { name: `{{name}}-${name}` }, spec },
    }, annotations);
  }
}

function argo(scope: Construct, id: string, kind: 'Application' | 'ApplicationSet' | 'AppProject', name: string, spec: object, annotations?: Record<string, string>): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'argoproj.io/v1alpha1',
    kind,
    metadata: { name, namespace: PLATFORM_NAMESPACES.argocd, ...(annotations ? { annotations } : {}) },
    spec,
  });
}
