/**
 * Every third-party version the platform installs, in one place so an upgrade is one reviewed diff.
 * Helm charts are pinned to exact versions; Argo CD renders them in the cluster.
 * The CRD schemas the tests validate against (../shared/crds) are the same releases; they are
 * pinned, file by file, in config/schemas.ts: change both in one diff.
 */
export interface HelmChartSource {
  readonly repoURL: string;
  readonly chart: string;
  readonly version: string;
}

export const HELM_CHARTS = {
  /**
   * Argo CD v3.4.4. The shared CRDs are v3.5.1, but no argo-cd chart of 3.5 exists yet (the newest
   * argo-helm release in the mirror, of 2026-07-02, is this one): test/argocd-crd-skew.test.ts keeps
   * every object off the fields only 3.5 knows until the pin moves.
   */
  argocd: { repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '10.1.1' },
  /** The bootstrap's second release: the platform AppProject and the root Application, after the argo-cd release created their CRDs. */
  argocdApps: { repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argocd-apps', version: '2.0.5' },
  /** prometheus-operator v0.93.1 (CRDs v0.93.x), Prometheus, Alertmanager, Grafana. */
  kubePrometheusStack: { repoURL: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: '88.5.3' },
  certManager: { repoURL: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.21.1' },
  externalSecrets: { repoURL: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '2.9.0' },
  externalDns: { repoURL: 'https://kubernetes-sigs.github.io/external-dns', chart: 'external-dns', version: '1.21.1' },
  /**
   * Envoy Gateway v1.9.0 (Gateway API v1.6.1), published only as OCI: Argo CD takes the registry
   * path without a scheme. Its bundled Gateway API CRDs are the experimental channel, so they are
   * switched off and `gatewayCrds` installs the standard channel first.
   */
  envoyGateway: { repoURL: 'docker.io/envoyproxy', chart: 'gateway-helm', version: 'v1.9.0' },
  /** The CRDs of Envoy Gateway v1.9.0 and Gateway API v1.6.1, channel chosen by value (standard). */
  gatewayCrds: { repoURL: 'docker.io/envoyproxy', chart: 'gateway-crds-helm', version: 'v1.9.0' },
  /** AWS Load Balancer Controller v3.5.0: the Network Load Balancer in front of Envoy. */
  awsLoadBalancerController: { repoURL: 'https://aws.github.io/eks-charts', chart: 'aws-load-balancer-controller', version: '3.5.0' },
  /** Fluent Bit 5.1.1. */
  fluentBit: { repoURL: 'https://fluent.github.io/helm-charts', chart: 'fluent-bit', version: '0.58.1' },
  /** ECK 3.5.0, the release of the shared Elasticsearch and Kibana CRDs. */
  eckOperator: { repoURL: 'https://helm.elastic.co', chart: 'eck-operator', version: '3.5.0' },
  /** elasticsearch_exporter v1.11.0: cluster health for the LogStoreNotGreen alert. */
  elasticsearchExporter: { repoURL: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus-elasticsearch-exporter', version: '7.4.0' },
  /** Karpenter 1.14.1 CRDs (NodePool, NodeClaim, EC2NodeClass), installed a wave before the controller. OCI: no scheme. */
  karpenterCrd: { repoURL: 'public.ecr.aws/karpenter', chart: 'karpenter-crd', version: '1.14.1' },
  /** Karpenter 1.14.1 controller; its own bundled CRDs are skipped (karpenterCrd owns them). */
  karpenter: { repoURL: 'public.ecr.aws/karpenter', chart: 'karpenter', version: '1.14.1' },
  /** metrics-server v0.8.1: the resource metrics API (metrics.k8s.io) that HPAs scale on. */
  metricsServer: { repoURL: 'https://kubernetes-sigs.github.io/metrics-server', chart: 'metrics-server', version: '3.13.1' },
  /** Velero v1.18.1 (chart 12.1.0). */
  velero: { repoURL: 'https://vmware-tanzu.github.io/helm-charts', chart: 'velero', version: '12.1.0' },
  /** prometheus-operator v0.93.1 CRDs alone, a wave before every chart that ships a ServiceMonitor. */
  prometheusOperatorCrds: { repoURL: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus-operator-crds', version: '31.0.1' },
} as const satisfies Record<string, HelmChartSource>;

/** Images the platform runs itself (outside Helm charts). */
export const IMAGES = {
  /** Elastic stack version ECK runs (ECK 3.5 supports 9.x). */
  elasticsearch: '9.1.5',
  kibana: '9.1.5',
  /** The log store's setup job (index template, roles, users): curl and a shell, non-root. */
  curl: 'docker.io/curlimages/curl:8.16.0',
  /** Velero's object store plugin; v1.14.x is the line for Velero 1.18. */
  veleroPluginForAws: 'docker.io/velero/velero-plugin-for-aws:v1.14.2',
} as const;

/**
 * EKS managed add-ons every cluster runs. Their versions are not pinned here: infra resolves each
 * one with the `aws_eks_addon_version` data source for the environment's `kubernetesVersion`
 * (EKS' default build for that version), so a change of `kubernetesVersion` moves cluster, node
 * groups and add-ons together, and no version string we cannot verify offline (1.36 builds, weekly
 * eksbuild bumps) ships in the repository. An environment may still pin a build with
 * `addonVersions`; the schema refuses a pin built for another Kubernetes version.
 */
export const EKS_ADDONS = [
  'vpc-cni', 'eks-pod-identity-agent', 'kube-proxy', 'coredns', 'aws-ebs-csi-driver',
  /** CSI snapshot controller and the VolumeSnapshot CRDs (Velero's volume backups); EKS maintains it, no upstream chart exists. */
  'snapshot-controller',
] as const;
export type EksAddonName = (typeof EKS_ADDONS)[number];

/**
 * Kubernetes versions the platform supports: those in EKS standard support, with the day it ends
 * (after that a cluster runs on paid extended support). `npm run check` warns 60 days before.
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
 */
export const KUBERNETES_VERSIONS = {
  '1.35': { standardSupportEnds: '2027-03-27' },
  '1.36': { standardSupportEnds: '2027-08-02' },
} as const satisfies Record<string, { standardSupportEnds: string }>;
export type KubernetesVersion = keyof typeof KUBERNETES_VERSIONS;
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = '1.35';

/** Terraform providers; @cdktf/provider-aws 20.1.0 is generated for exactly AWS provider 5.100.0. */
export const TERRAFORM_PROVIDERS = {
  aws: '5.100.0',
  helm: '3.0.2',
} as const;

/** Terraform CLI the synthesized stacks require (S3-native state locking needs 1.10; `terraform test` mocks 1.7). */
export const TERRAFORM_REQUIRED_VERSION = '>= 1.10.0';
