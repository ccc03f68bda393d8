/**
 * The one step Terraform does inside the cluster: install Argo CD and the root Application.
 * After that Argo CD manages itself and everything else from git, so Terraform ignores later drift.
 * Kept apart from the AWS stack because it needs a live cluster and the helm provider.
 */
import { Construct } from 'constructs';
import { Fn, TerraformStack } from 'cdktf';
import { DataAwsEksCluster } from '@cdktf/provider-aws/lib/data-aws-eks-cluster';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { EnvironmentNames, HELM_CHARTS, PLATFORM_NAMESPACES, PlatformNames } from '../../config';
import { bootstrapObjects } from '../../charts/gitops/root-application';
import { configureAwsStack } from './environment-stack';

export class GitOpsBootstrapStack extends TerraformStack {
  constructor(scope: Construct, id: string, platform: PlatformNames, names: EnvironmentNames) {
    super(scope, id);
    configureAwsStack(this, platform, `${names.env}/gitops-bootstrap.tfstate`, { 'k8s-platform/environment': names.env });
    const cluster = new DataAwsEksCluster(this, 'cluster', { name: names.clusterName });
    new HelmProvider(this, 'helm', {
      kubernetes: {
        host: cluster.endpoint,
        clusterCaCertificate: Fn.base64decode(cluster.certificateAuthority.get(0).data),
        exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', names.clusterName, '--region', platform.platform.aws.region] },
      },
    });
    const chart = HELM_CHARTS.argocd;
    new Release(this, 'argocd', {
      name: 'argocd',
      namespace: PLATFORM_NAMESPACES.argocd,
      createNamespace: true,
      repository: chart.repoURL,
      chart: chart.chart,
      version: chart.version,
      values: [JSON.stringify({ extraObjects: bootstrapObjects(names) })],
      // From here on the argocd Application in git owns this release.
      lifecycle: { ignoreChanges: 'all' },
    });
  }
}
