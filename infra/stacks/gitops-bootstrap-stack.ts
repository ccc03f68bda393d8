/**
 * The one step Terraform does inside the cluster: install Argo CD, hand it the GitOps repository's
 * credentials, and create the root Application. After that Argo CD manages itself and everything
 * else from git, so Terraform ignores later drift of both releases.
 *
 * Order on a fresh cluster (test/bootstrap-order.test.ts models it):
 *   1. release `argocd` (argo-cd chart): the Argo CD CRDs, Argo CD itself with the same values as in
 *      git (less ServiceMonitors, whose CRD comes later), the repository Secret, and in fleet mode the
 *      cluster Secret with the environment label.
 *   2. release `argocd-root` (argocd-apps chart), after 1: the platform AppProject and the root
 *      Application, whose CRDs now exist.
 *   3. Argo CD syncs the root Application, which owns dist/<env>/argocd-apps, including itself.
 *
 * Repository credentials: read at apply time from Secrets Manager (`<org>/<env>/platform/<credentialsSecret>`)
 * and passed as a second, sensitive Helm values document. They never appear in git or cdktf.out; they do land in this
 * stack's Terraform state, which is KMS-encrypted in the state bucket. In git, an ExternalSecret then
 * keeps the same Secret current from the secret backend.
 *
 * Kept apart from the AWS stack because it needs a live cluster and the helm provider.
 */
import { Construct } from 'constructs';
import { Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { EnvironmentNames, HELM_CHARTS, PLATFORM_NAMESPACES, PlatformNames } from '../../config';
import { bootstrapArgocdValues } from '../../charts/gitops/argocd-release';
import { REPOSITORY_KEY, repositoryCredentialFields, rootApplicationName, rootReleaseValues } from '../../charts/gitops/root-application';
import { configureAwsStack } from './environment-stack';

/** Helm release names of the bootstrap, in install order. */
export const BOOTSTRAP_RELEASES = { argocd: 'argocd', root: 'argocd-root' } as const;

export class GitOpsBootstrapStack extends TerraformStack {
  constructor(scope: Construct, id: string, platform: PlatformNames, names: EnvironmentNames) {
    super(scope, id);
    configureAwsStack(this, platform, `${names.env}/gitops-bootstrap.tfstate`, { 'k8s-platform/environment': names.env });
    const { region } = platform.platform.aws;
    const { gitops } = platform.platform;
    const cluster = new DataAwsEksCluster(this, 'cluster', { name: names.clusterName });

    // A private endpoint is reached through the SSM tunnel on localhost; TLS still checks the endpoint's name.
    const tunnel = names.environment.apiAccess;
    const endpointHost = Fn.replace(cluster.endpoint, 'https://', '');
    new HelmProvider(this, 'helm', {
      kubernetes: {
        host: tunnel ? `https://127.0.0.1:${tunnel.localPort}` : cluster.endpoint,
        tlsServerName: tunnel ? endpointHost : undefined,
        clusterCaCertificate: Fn.base64decode(cluster.certificateAuthority.get(0).data),
        exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', names.clusterName, '--region', region] },
      },
    });

    const values: Record<string, any> = bootstrapArgocdValues(names);
    // A second values document with the credentials, as a Terraform expression read at apply time
    // (sensitive in plans; not `set_sensitive`, whose --set parsing splits values at commas).
    const credentialValues: string[] = [];
    if (gitops.credentialsSecret) {
      values.configs = { ...values.configs, repositories: { ...values.configs?.repositories, [REPOSITORY_KEY]: { name: REPOSITORY_KEY, type: 'git', url: gitops.repoURL } } };
      const credentials = new DataAwsSecretsmanagerSecretVersion(this, 'repository-credentials', { secretId: names.platformSecret(gitops.credentialsSecret) });
      const fields = Object.fromEntries(repositoryCredentialFields(gitops.repoURL).map((f) => [f, Fn.lookup(Fn.jsondecode(credentials.secretString), f)]));
      credentialValues.push(Fn.jsonencode({ configs: { repositories: { [REPOSITORY_KEY]: fields } } }));
    }

    const argocdChart = HELM_CHARTS.argocd;
    const argocd = new Release(this, 'argocd', {
      name: BOOTSTRAP_RELEASES.argocd,
      namespace: PLATFORM_NAMESPACES.argocd,
      createNamespace: true,
      repository: argocdChart.repoURL,
      chart: argocdChart.chart,
      version: argocdChart.version,
      values: [JSON.stringify(values), ...credentialValues],
      wait: true,
      // From here on the argocd Application in git owns this release.
      lifecycle: { ignoreChanges: 'all' },
    });

    const appsChart = HELM_CHARTS.argocdApps;
    new Release(this, 'root', {
      name: BOOTSTRAP_RELEASES.root,
      namespace: PLATFORM_NAMESPACES.argocd,
      repository: appsChart.repoURL,
      chart: appsChart.chart,
      version: appsChart.version,
      values: [JSON.stringify(rootReleaseValues(names))],
      // The AppProject and Application kinds exist only once the argo-cd release is in.
      dependsOn: [argocd],
      // From the first sync on the root Application in git owns these objects.
      lifecycle: { ignoreChanges: 'all' },
    });

    new TerraformOutput(this, 'argocd_release', { value: `${BOOTSTRAP_RELEASES.argocd}: ${argocdChart.chart} ${argocdChart.version} in namespace ${PLATFORM_NAMESPACES.argocd}` });
    new TerraformOutput(this, 'root_application', { value: `${rootApplicationName(names)}: syncs ${gitops.repoURL} ${gitops.revision} ${names.gitopsPath}/argocd-apps` });
    new TerraformOutput(this, 'repository_credentials', { value: gitops.credentialsSecret ? `from Secrets Manager ${names.platformSecret(gitops.credentialsSecret)}` : 'none (public repository)' });
    if (gitops.mode === 'fleet') new TerraformOutput(this, 'registered_cluster', { value: `${names.argocdClusterName} labelled k8s-platform.io/environment=${names.env}` });
  }
}
