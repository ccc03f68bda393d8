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
  /** Argo CD v3.4.4. The shared CRDs are v3.5.1; no chart of 3.5 was published in our mirror yet. */
  argocd: { repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-cd', version: '10.1.1' },
  /** prometheus-operator v0.93.1 (CRDs v0.93.x), Prometheus, Alertmanager, Grafana. */
  kubePrometheusStack: { repoURL: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: '88.5.3' },
  certManager: { repoURL: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.21.1' },
  externalSecrets: { repoURL: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '2.9.0' },
  externalDns: { repoURL: 'https://kubernetes-sigs.github.io/external-dns', chart: 'external-dns', version: '1.21.1' },
  /** Controller v1.15.1, the last release line: the project was retired in March 2026. */
  ingressNginx: { repoURL: 'https://kubernetes.github.io/ingress-nginx', chart: 'ingress-nginx', version: '4.15.1' },
  /** Fluent Bit 5.1.1. */
  fluentBit: { repoURL: 'https://fluent.github.io/helm-charts', chart: 'fluent-bit', version: '0.58.1' },
  /** ECK 3.5.0, the release of the shared Elasticsearch and Kibana CRDs. */
  eckOperator: { repoURL: 'https://helm.elastic.co', chart: 'eck-operator', version: '3.5.0' },
  /** elasticsearch_exporter v1.11.0: cluster health for the LogStoreNotGreen alert. */
  elasticsearchExporter: { repoURL: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus-elasticsearch-exporter', version: '7.4.0' },
  oauth2Proxy: { repoURL: 'https://oauth2-proxy.github.io/manifests', chart: 'oauth2-proxy', version: '10.7.0' },
} as const satisfies Record<string, HelmChartSource>;

/** Images the platform runs itself (outside Helm charts). */
export const IMAGES = {
  /** Elastic stack version ECK runs (ECK 3.5 supports 9.x). */
  elasticsearch: '9.1.5',
  kibana: '9.1.5',
  /** The log store's setup job (index template, roles, users): curl and a shell, non-root. */
  curl: 'docker.io/curlimages/curl:8.16.0',
} as const;

/** EKS managed add-ons for Kubernetes 1.33, pinned (EKS would otherwise pick its default version). */
export const EKS_ADDONS = {
  'vpc-cni': 'v1.19.5-eksbuild.1',
  coredns: 'v1.12.1-eksbuild.2',
  'kube-proxy': 'v1.33.0-eksbuild.2',
  'aws-ebs-csi-driver': 'v1.44.0-eksbuild.1',
  'eks-pod-identity-agent': 'v1.3.7-eksbuild.2',
} as const;

/** Terraform providers; @cdktf/provider-aws 20.1.0 is generated for exactly AWS provider 5.100.0. */
export const TERRAFORM_PROVIDERS = {
  aws: '5.100.0',
  helm: '3.0.2',
} as const;
