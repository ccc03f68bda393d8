/**
 * The schemas that dist/ is validated against, pinned like the charts in versions.ts: the Kubernetes
 * OpenAPI definitions of every Kubernetes version the platform supports, and the CRDs of the
 * operators at the releases the pinned charts install. `npm run schemas` downloads exactly these
 * files (check/schema-files.ts says where they are looked for). Changing a chart version in
 * versions.ts means changing its CRD release here, in the same diff.
 */

/** One file of schema data: where upstream keeps it, at an immutable commit. */
export interface PinnedFile {
  readonly repo: string;
  /** The release tag, for people (absent when upstream has none); the download uses `commit`. */
  readonly tag?: string;
  readonly commit: string;
  readonly path: string;
}

/** Kubernetes versions the platform supports; every object must be valid for each. */
export const KUBERNETES_VERSIONS = ['1.35.0', '1.36.0'] as const;
export type KubernetesVersion = typeof KUBERNETES_VERSIONS[number];

/** The OpenAPI definitions of each version, as cdk8s publishes them (one JSON file per version). */
export const KUBERNETES_SCHEMAS: Record<KubernetesVersion, PinnedFile> = {
  '1.35.0': { repo: 'cdk8s-team/cdk8s', commit: 'e646a08281be314f3a4f2f55fd26ae76d46c0ad3', path: 'kubernetes-schemas/v1.35.0/_definitions.json' },
  '1.36.0': { repo: 'cdk8s-team/cdk8s', commit: 'd75f4ceaf07ca61d159af0800d66d18ddfbadf05', path: 'kubernetes-schemas/v1.36.0/_definitions.json' },
};

/** An operator release and its CRD files: local file name -> path in the upstream repository. */
export interface CrdRelease {
  readonly repo: string;
  readonly tag: string;
  readonly commit: string;
  readonly files: Readonly<Record<string, string>>;
}

/** Byte-identical upstream CRDs, one entry per operator release. */
export const CRD_RELEASES = {
  /** Argo CD. versions.ts pins chart argo-cd 10.1.1 (Argo CD v3.4.4): see the note there. */
  argoCd: {
    repo: 'argoproj/argo-cd', tag: 'v3.5.1', commit: '109ca7ca71139e514114499d294a492e7910a965',
    files: {
      'argoproj.io_applications.yaml': 'manifests/crds/application-crd.yaml',
      'argoproj.io_applicationsets.yaml': 'manifests/crds/applicationset-crd.yaml',
      'argoproj.io_appprojects.yaml': 'manifests/crds/appproject-crd.yaml',
    },
  },
  certManager: {
    repo: 'cert-manager/cert-manager', tag: 'v1.21.1', commit: '24e33194fb39488eff2bbf10c6dc640f407cad44',
    files: {
      'cert-manager.io_certificaterequests.yaml': 'deploy/crds/cert-manager.io_certificaterequests.yaml',
      'cert-manager.io_certificates.yaml': 'deploy/crds/cert-manager.io_certificates.yaml',
      'cert-manager.io_clusterissuers.yaml': 'deploy/crds/cert-manager.io_clusterissuers.yaml',
      'cert-manager.io_issuers.yaml': 'deploy/crds/cert-manager.io_issuers.yaml',
    },
  },
  /** ECK (eck-operator chart 3.5.0). Elastic License 2.0. */
  eck: {
    repo: 'elastic/cloud-on-k8s', tag: 'v3.5.0', commit: '386c7b14f2d1bbb7f2af1e7da997e64875f16e47',
    files: {
      'elasticsearch.k8s.elastic.co_elasticsearches.yaml': 'config/crds/v1/resources/elasticsearch.k8s.elastic.co_elasticsearches.yaml',
      'kibana.k8s.elastic.co_kibanas.yaml': 'config/crds/v1/resources/kibana.k8s.elastic.co_kibanas.yaml',
    },
  },
  externalSecrets: {
    repo: 'external-secrets/external-secrets', tag: 'v2.9.0', commit: '378bdb622ed9712ef4a58370f6a17af033b7d343',
    files: {
      'external-secrets.io_clusterexternalsecrets.yaml': 'config/crds/bases/external-secrets.io_clusterexternalsecrets.yaml',
      'external-secrets.io_clustersecretstores.yaml': 'config/crds/bases/external-secrets.io_clustersecretstores.yaml',
      'external-secrets.io_externalsecrets.yaml': 'config/crds/bases/external-secrets.io_externalsecrets.yaml',
      'external-secrets.io_secretstores.yaml': 'config/crds/bases/external-secrets.io_secretstores.yaml',
    },
  },
  fluxHelmController: {
    repo: 'fluxcd/helm-controller', tag: 'v1.6.3', commit: '372c34e2b4a455d24ef6cbb8321c82c4533dbbd8',
    files: {
      'helm.toolkit.fluxcd.io_helmreleases.yaml': 'config/crd/bases/helm.toolkit.fluxcd.io_helmreleases.yaml',
    },
  },
  fluxKustomizeController: {
    repo: 'fluxcd/kustomize-controller', tag: 'v1.9.4', commit: '1324b615da01038e2859cbcde604bd5434f21933',
    files: {
      'kustomize.toolkit.fluxcd.io_kustomizations.yaml': 'config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml',
    },
  },
  /** prometheus-operator v0.93.0 (kube-prometheus-stack 88.x ships v0.93.x). */
  prometheusOperator: {
    repo: 'prometheus-operator/prometheus-operator', tag: 'v0.93.0', commit: 'f8fafd475f3d132e239432ae6172de60a6cb6516',
    files: {
      'monitoring.coreos.com_alertmanagerconfigs.yaml': 'example/prometheus-operator-crd/monitoring.coreos.com_alertmanagerconfigs.yaml',
      'monitoring.coreos.com_alertmanagers.yaml': 'example/prometheus-operator-crd/monitoring.coreos.com_alertmanagers.yaml',
      'monitoring.coreos.com_podmonitors.yaml': 'example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml',
      'monitoring.coreos.com_probes.yaml': 'example/prometheus-operator-crd/monitoring.coreos.com_probes.yaml',
      'monitoring.coreos.com_prometheuses.yaml': 'example/prometheus-operator-crd/monitoring.coreos.com_prometheuses.yaml',
      'monitoring.coreos.com_prometheusrules.yaml': 'example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml',
      'monitoring.coreos.com_scrapeconfigs.yaml': 'example/prometheus-operator-crd/monitoring.coreos.com_scrapeconfigs.yaml',
      'monitoring.coreos.com_servicemonitors.yaml': 'example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml',
    },
  },
  opensearchOperator: {
    repo: 'opensearch-project/opensearch-k8s-operator', tag: 'v2.8.0', commit: '7fdc6cfa562ce098b0da42c13cc18a9dbd6373ce',
    files: {
      'opensearch.opster.io_opensearchactiongroups.yaml': 'opensearch-operator/config/crd/bases/opensearch.opster.io_opensearchactiongroups.yaml',
      'opensearch.opster.io_opensearchclusters.yaml': 'opensearch-operator/config/crd/bases/opensearch.opster.io_opensearchclusters.yaml',
      'opensearch.opster.io_opensearchcomponenttemplates.yaml': 'opensearch-operator/config/crd/bases/opensearch.opster.io_opensearchcomponenttemplates.yaml',
      'opensearch.opster.io_opensearchindextemplates.yaml': 'opensearch-operator/config/crd/bases/opensearch.opster.io_opensearchindextemplates.yaml',
      'opensearch.opster.io_opensearchismpolicies.yaml': 'opensearch-operator/config/crd/bases/opensearch.opster.io_opensearchismpolicies.yaml',
      'opensearch.opster.io_opensearchroles.yaml': 'opensearch-operator/config/crd/bases/opensearch.opster.io_opensearchroles.yaml',
      'opensearch.opster.io_opensearchsnapshotpolicies.yaml': 'opensearch-operator/config/crd/bases/opensearch.opster.io_opensearchsnapshotpolicies.yaml',
      'opensearch.opster.io_opensearchtenants.yaml': 'opensearch-operator/config/crd/bases/opensearch.opster.io_opensearchtenants.yaml',
      'opensearch.opster.io_opensearchuserrolebindings.yaml': 'opensearch-operator/config/crd/bases/opensearch.opster.io_opensearchuserrolebindings.yaml',
      'opensearch.opster.io_opensearchusers.yaml': 'opensearch-operator/config/crd/bases/opensearch.opster.io_opensearchusers.yaml',
    },
  },
  fluxSourceController: {
    repo: 'fluxcd/source-controller', tag: 'v1.9.1', commit: '092bcff3c9c3f258a44310507201d295ff294ba6',
    files: {
      'source.toolkit.fluxcd.io_gitrepositories.yaml': 'config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml',
      'source.toolkit.fluxcd.io_helmrepositories.yaml': 'config/crd/bases/source.toolkit.fluxcd.io_helmrepositories.yaml',
      'source.toolkit.fluxcd.io_ocirepositories.yaml': 'config/crd/bases/source.toolkit.fluxcd.io_ocirepositories.yaml',
    },
  },
  /** Gateway API standard channel. */
  gatewayApi: {
    repo: 'kubernetes-sigs/gateway-api', tag: 'v1.6.1', commit: '8bb74df00e56ec8f944d48c25e6c1c9c2f6848e3',
    files: {
      'gateway.networking.k8s.io_gatewayclasses.yaml': 'config/crd/standard/gateway.networking.k8s.io_gatewayclasses.yaml',
      'gateway.networking.k8s.io_gateways.yaml': 'config/crd/standard/gateway.networking.k8s.io_gateways.yaml',
      'gateway.networking.k8s.io_httproutes.yaml': 'config/crd/standard/gateway.networking.k8s.io_httproutes.yaml',
      'gateway.networking.k8s.io_grpcroutes.yaml': 'config/crd/standard/gateway.networking.k8s.io_grpcroutes.yaml',
      'gateway.networking.k8s.io_referencegrants.yaml': 'config/crd/standard/gateway.networking.k8s.io_referencegrants.yaml',
      'gateway.networking.k8s.io_listenersets.yaml': 'config/crd/standard/gateway.networking.k8s.io_listenersets.yaml',
      'gateway.networking.k8s.io_backendtlspolicies.yaml': 'config/crd/standard/gateway.networking.k8s.io_backendtlspolicies.yaml',
      'gateway.networking.k8s.io_tlsroutes.yaml': 'config/crd/standard/gateway.networking.k8s.io_tlsroutes.yaml',
      'gateway.networking.k8s.io_tcproutes.yaml': 'config/crd/standard/gateway.networking.k8s.io_tcproutes.yaml',
      'gateway.networking.k8s.io_udproutes.yaml': 'config/crd/standard/gateway.networking.k8s.io_udproutes.yaml',
    },
  },
  /** Envoy Gateway (bundles Gateway API v1.6.1). */
  envoyGateway: {
    repo: 'envoyproxy/gateway', tag: 'v1.9.0', commit: '39763b1c07ec30a5526fe70434a2cfe4181de642',
    files: {
      'gateway.envoyproxy.io_backends.yaml': 'charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_backends.yaml',
      'gateway.envoyproxy.io_backendtrafficpolicies.yaml': 'charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_backendtrafficpolicies.yaml',
      'gateway.envoyproxy.io_clienttrafficpolicies.yaml': 'charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_clienttrafficpolicies.yaml',
      'gateway.envoyproxy.io_envoyextensionpolicies.yaml': 'charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_envoyextensionpolicies.yaml',
      'gateway.envoyproxy.io_envoypatchpolicies.yaml': 'charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_envoypatchpolicies.yaml',
      'gateway.envoyproxy.io_envoyproxies.yaml': 'charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_envoyproxies.yaml',
      'gateway.envoyproxy.io_httproutefilters.yaml': 'charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_httproutefilters.yaml',
      'gateway.envoyproxy.io_securitypolicies.yaml': 'charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_securitypolicies.yaml',
    },
  },
  karpenter: {
    repo: 'aws/karpenter-provider-aws', tag: 'v1.14.1', commit: 'bde00654cd316fddb3dccfba3f5ac07039865429',
    files: {
      'karpenter.sh_nodepools.yaml': 'pkg/apis/crds/karpenter.sh_nodepools.yaml',
      'karpenter.sh_nodeclaims.yaml': 'pkg/apis/crds/karpenter.sh_nodeclaims.yaml',
      'karpenter.k8s.aws_ec2nodeclasses.yaml': 'pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml',
    },
  },
  velero: {
    repo: 'vmware-tanzu/velero', tag: 'v1.18.1', commit: '26ef8fa7df68dfa9ab8aa4669b8ac47340b0c510',
    files: {
      'velero.io_backups.yaml': 'config/crd/v1/bases/velero.io_backups.yaml',
      'velero.io_schedules.yaml': 'config/crd/v1/bases/velero.io_schedules.yaml',
      'velero.io_backupstoragelocations.yaml': 'config/crd/v1/bases/velero.io_backupstoragelocations.yaml',
      'velero.io_volumesnapshotlocations.yaml': 'config/crd/v1/bases/velero.io_volumesnapshotlocations.yaml',
      'velero.io_restores.yaml': 'config/crd/v1/bases/velero.io_restores.yaml',
    },
  },
  awsLoadBalancerController: {
    repo: 'kubernetes-sigs/aws-load-balancer-controller', tag: 'v3.5.0', commit: '11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4',
    files: {
      'elbv2.k8s.aws_targetgroupbindings.yaml': 'config/crd/bases/elbv2.k8s.aws_targetgroupbindings.yaml',
      'elbv2.k8s.aws_ingressclassparams.yaml': 'config/crd/bases/elbv2.k8s.aws_ingressclassparams.yaml',
      'gateway.k8s.aws_loadbalancerconfigurations.yaml': 'config/crd/gateway/gateway.k8s.aws_loadbalancerconfigurations.yaml',
      'gateway.k8s.aws_targetgroupconfigurations.yaml': 'config/crd/gateway/gateway.k8s.aws_targetgroupconfigurations.yaml',
      'gateway.k8s.aws_listenerruleconfigurations.yaml': 'config/crd/gateway/gateway.k8s.aws_listenerruleconfigurations.yaml',
    },
  },
  csiSnapshotter: {
    repo: 'kubernetes-csi/external-snapshotter', tag: 'v8.6.0', commit: '78e32cd84e0abec2621924a30e38c755f93e180a',
    files: {
      'snapshot.storage.k8s.io_volumesnapshotclasses.yaml': 'client/config/crd/snapshot.storage.k8s.io_volumesnapshotclasses.yaml',
      'snapshot.storage.k8s.io_volumesnapshots.yaml': 'client/config/crd/snapshot.storage.k8s.io_volumesnapshots.yaml',
    },
  },
} as const satisfies Record<string, CrdRelease>;

/** Every CRD file with its pinned upstream location. */
export function pinnedCrdFiles(): Array<{ file: string } & PinnedFile> {
  return Object.values(CRD_RELEASES as Record<string, CrdRelease>).flatMap((r) => Object.entries(r.files)
    .map(([file, path]) => ({ file, repo: r.repo, tag: r.tag, commit: r.commit, path })));
}

/** The raw download address of a pinned file. */
export const rawUrl = (f: PinnedFile) => `https://raw.githubusercontent.com/${f.repo}/${f.commit}/${f.path}`;
