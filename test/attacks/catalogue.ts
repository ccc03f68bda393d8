/**
 * What a hostile team could send, and where it must be stopped. Each attack has a benign twin that
 * differs only in the hostile part and must pass the same layer, so a layer that refuses everything
 * fails the suite. Built per fixture environment and team, from the config (never the example's names).
 *
 *   admission   the request reaches the API server (a developer with RBAC, or Argo CD syncing the team's repo)
 *   rbac        a person in a team group calls the API
 *   appproject  Argo CD syncs the team's repository through the team's AppProject
 *   podsecurity Pod Security admission of the team's namespace
 *   argocd      a person calls Argo CD's API
 *   network     a pod opens a connection
 */
import { EnvironmentNames, PLATFORM_NAMESPACES, TeamConfig } from '../../config';
import { ARGOCD_CONTROLLER_USER } from '../../charts/gitops';
import { TEAM_ALERT_LABEL } from '../../charts/monitoring';
import { MAX_SAMPLE_LIMIT, MAX_TARGET_LIMIT, MIN_REFRESH_INTERVAL } from '../../charts/tenancy/admission-policies';
import { ENVOY_GATEWAY_CONTROLLER_LABELS, ENVOY_GATEWAY_WEBHOOK_PORT, FRONT_DOOR } from '../../charts/network';
import { AdmissionRequest, UserInfo } from '../harness/admission';
import { RbacRequest } from '../harness/rbac';
import { SyncRequest } from '../harness/appproject';
import { Endpoint } from '../harness/network';
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from '../../charts/lib/pod-security';

export interface AdmissionAttack { readonly name: string; readonly hostile: AdmissionRequest; readonly benign: AdmissionRequest; readonly policy: string }
export interface RbacAttack { readonly name: string; readonly group: string; readonly hostile: RbacRequest; readonly benign: RbacRequest }
export interface SyncAttack { readonly name: string; readonly hostile: SyncRequest; readonly benign: SyncRequest }
export interface Connection { readonly from: Endpoint; readonly to: Endpoint; readonly port: number }
export interface ArgoCdRequest { readonly groups: string[]; readonly resource: string; readonly action: string; readonly object: string }
export interface ArgoCdAttack { readonly name: string; readonly hostile: ArgoCdRequest; readonly benign: ArgoCdRequest }
export interface UiRequest { readonly groups: string[]; readonly method: string; readonly path: string }
export interface UiAttack { readonly name: string; readonly ui: string; readonly hostile: UiRequest; readonly benign: UiRequest }
export interface PodSecurityAttack { readonly name: string; readonly namespace: string; readonly hostile: any; readonly benign: any }
export interface NetworkAttack {
  readonly name: string;
  readonly hostile: Connection;
  readonly benign: Connection;
  /** The destination's own namespace fence refuses it too, even if the team opened its own egress. */
  readonly fencedAtDestination?: boolean;
}

const IN_CLUSTER = 'https://kubernetes.default.svc';
const DIGEST = `sha256:${'4f1c2d3e'.repeat(8)}`;
/** What a team's monitor caps its targets' samples at (the policy requires a cap). */
const SAMPLE_LIMIT = 20000;

/** A developer of the team (non-production: RBAC lets them write) and Argo CD syncing the team's repository. */
export function teamUsers(team: TeamConfig) {
  const developer: UserInfo = { username: `dev@${team.name}.example`, groups: [`oidc:${team.groups[0]}`, 'system:authenticated'] };
  const argocd: UserInfo = { username: ARGOCD_CONTROLLER_USER, groups: ['system:serviceaccounts', `system:serviceaccounts:${PLATFORM_NAMESPACES.argocd}`, 'system:authenticated'] };
  return { developer, argocd };
}

/** The Argo CD Application that syncs the platform's objects into team namespaces (the `teams` folder). */
function platformTrackingApp(names: EnvironmentNames): string {
  return names.platform.gitops.mode === 'fleet' ? `${names.clusterName}-teams` : 'teams';
}

export function admissionAttacks(names: EnvironmentNames, team: TeamConfig): AdmissionAttack[] {
  const ns = names.teamNamespace(team);
  const { developer, argocd } = teamUsers(team);
  const ecr = names.ecrRegistry();
  const teamEcr = names.teamEcrPrefix(team);
  const good = `${teamEcr}/api:1.4.2`;
  const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: ns, ...extra });
  const create = (resource: string, object: any, userInfo = argocd): AdmissionRequest => ({ operation: 'CREATE', resource, object, userInfo });
  const deployment = (images: string[], init: string[] = []) => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('api'),
    spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: {
      containers: images.map((image, i) => ({ name: `c${i}`, image })),
      ...(init.length ? { initContainers: init.map((image, i) => ({ name: `init${i}`, image })) } : {}),
    } } },
  });
  const cronJob = (image: string) => ({
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('nightly'),
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', initContainers: [{ name: 'fetch', image }], containers: [{ name: 'run', image: good }] } } } } },
  });
  const pod = (ephemeral?: string) => ({
    apiVersion: 'v1', kind: 'Pod', metadata: meta('api-7d9f'),
    spec: { containers: [{ name: 'api', image: good }], ...(ephemeral ? { ephemeralContainers: [{ name: 'debug', image: ephemeral }] } : {}) },
  });
  const withPodSpec = (d: any, extra: Record<string, unknown>) => ({ ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, ...extra } } } });
  const ephemeral = (spec: Record<string, unknown>) => ({ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3', resources: { requests: { storage: '10Gi' } }, ...spec } } } });
  const statefulSet = (claim: Record<string, unknown>) => ({ ...deployment([good]), kind: 'StatefulSet', metadata: meta('db'),
    spec: { ...deployment([good]).spec, serviceName: 'db', volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { ...ephemeral(claim).ephemeral.volumeClaimTemplate.spec } }] } });
  const withTemplateAnnotations = (d: any, annotations: Record<string, string>) => ({ ...d, spec: { ...d.spec, template: { ...d.spec.template, metadata: { ...d.spec.template.metadata, annotations } } } });
  const withNode = (p: any, nodeName: string) => ({ ...p, spec: { ...p.spec, nodeName } });
  const service = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: meta('api'), spec: { selector: { app: 'api' }, ports: [{ port: 80 }], ...spec } });
  const serviceMonitor = (endpoint: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: meta('api'),
    spec: { selector: { matchLabels: { app: 'api' } }, endpoints: [{ port: 'metrics', ...endpoint }], sampleLimit: SAMPLE_LIMIT, ...extra },
  });
  const withoutSampleLimit = (m: any) => { const { sampleLimit: _omit, ...spec } = m.spec; return { ...m, spec }; };
  const rule = (labels: Record<string, string>) => ({
    apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: meta('api-alerts'),
    spec: { groups: [{ name: 'api', rules: [
      { record: 'api:errors:rate5m', expr: 'sum(rate(http_errors_total[5m]))' },
      { alert: 'ApiDown', expr: 'up{job="api"} == 0', for: '5m', labels },
    ] }] },
  });
  const recording = (record: string, labels: Record<string, string>) => ({
    apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: meta('api-recording'),
    spec: { groups: [{ name: 'api', rules: [{ record, expr: 'vector(1)', labels }] }] },
  });
  const teamHost = names.teamHosts(team)[0];
  const ingress = (host: string, tlsHost = host) => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('api', { annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } }),
    spec: { tls: [{ hosts: [tlsHost], secretName: 'api-tls' }], rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 80 } } } }] } }] },
  });
  // A team Ingress as cert-manager's ingress-shim reads it: TLS for the team's own host (when it has one), these annotations.
  const certIngress = (annotations: Record<string, string>) => {
    const base = teamHost ? ingress(teamHost) : { ...ingress('x'), spec: { defaultBackend: { service: { name: 'api', port: { number: 80 } } } } };
    return { ...base, metadata: { ...base.metadata, annotations } };
  };
  const route = (hostnames?: string[]) => ({
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta('api'),
    spec: { ...(hostnames ? { hostnames } : {}), rules: [{ backendRefs: [{ name: 'api', port: 80 }] }] },
  });
  const tracked = (o: any, app: string) => ({ ...o, metadata: { ...o.metadata, annotations: { 'argocd.argoproj.io/tracking-id': `${app}:networking.k8s.io/NetworkPolicy:${ns}/${o.metadata.name}` } } });
  const networkPolicy = (name: string, owned: boolean, spec: Record<string, unknown> = { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }) => ({
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(name, owned ? { labels: { 'k8s-platform.io/owner': 'platform' } } : {}), spec,
  });
  const openAll = { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] };
  const quota = (owned: boolean) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('team-quota', owned ? { labels: { 'k8s-platform.io/owner': 'platform' } } : {}), spec: { hard: { pods: '50' } } });
  const configMap = (name: string, owned: boolean) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name, owned ? { labels: { 'k8s-platform.io/owner': 'platform' } } : {}), data: {} });

  const identity = names.workloadIdentity('cert-manager');
  const certManager: UserInfo = { username: `system:serviceaccount:${identity.namespace}:${identity.serviceAccount}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${identity.namespace}`, 'system:authenticated'] };
  const solver = { ...pod(), metadata: meta('cm-acme-http-solver-x7k2p'), spec: { containers: [{ name: 'acmesolver', image: 'quay.io/jetstack/cert-manager-acmesolver:v1.21.1' }] } };
  const externalSecret = (storeRef: Record<string, string>, dataExtra: Record<string, unknown> = {}) => ({
    apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: meta('api-env'),
    spec: { secretStoreRef: storeRef, target: { name: 'api-env' }, data: [{ secretKey: 'DATABASE_URL', remoteRef: { key: 'api/database-url' }, ...dataExtra }] },
  });
  const withRefresh = (refreshInterval: string) => {
    const es = externalSecret({ kind: 'SecretStore', name: 'team-secrets' });
    return { ...es, spec: { ...es.spec, refreshInterval } };
  };
  const pvc = (spec: Record<string, unknown>) => ({
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('data'),
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3', resources: { requests: { storage: '10Gi' } }, ...spec },
  });
  const admin: UserInfo = names.platform.aws.adminRoles.length
    ? { username: `arn:aws:sts::${names.platform.aws.accountId}:assumed-role/${names.platform.aws.adminRoles[0]}/break-glass`, groups: ['system:authenticated'] }
    : { username: 'admin@example', groups: [`oidc:${names.platform.identity.adminGroups[0]}`, 'system:authenticated'] };
  const platformAdmin: UserInfo = { username: 'oncall@example', groups: [`oidc:${names.platform.identity.adminGroups[0]}`, 'system:authenticated'] };
  const pdb = (spec: Record<string, unknown>) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('api'), spec: { selector: { matchLabels: { app: 'api' } }, ...spec } });
  const replicaSet = (image: string, replicas: number) => ({ ...deployment([image]), kind: 'ReplicaSet', metadata: meta('api-5d8f7'), spec: { ...deployment([image]).spec, replicas } });
  const deploymentController: UserInfo = { username: 'system:serviceaccount:kube-system:deployment-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };
  const ephemeralController: UserInfo = { username: 'system:serviceaccount:kube-system:ephemeral-volume-controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };
  const volumeBinder: UserInfo = { username: 'system:serviceaccount:kube-system:persistent-volume-binder', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };
  const exception = team.guardrails.registries[0];
  const othersException = names.teams.filter((t) => t !== team).flatMap((t) => t.guardrails.registries)
    .find((r) => !names.imageRegistries(team).includes(r));
  const platformTracker = platformTrackingApp(names);
  const teamTracker = names.platform.gitops.mode === 'fleet' ? `${names.clusterName}-team-${team.name}` : `team-${team.name}`;

  const attacks: AdmissionAttack[] = [
    { name: 'a Deployment with an image from Docker Hub', policy: 'platform-image-source',
      hostile: create('deployments', deployment(['nginx:1.27.2'])), benign: create('deployments', deployment([good])) },
    { name: 'an image from a look-alike of the organisation\'s registry', policy: 'platform-image-source',
      hostile: create('deployments', deployment([`${ecr}.evil.example/${team.name}/api:1.4.2`])), benign: create('deployments', deployment([good])) },
    { name: 'an image tagged latest', policy: 'platform-image-source',
      hostile: create('deployments', deployment([`${teamEcr}/api:latest`])), benign: create('deployments', deployment([`${teamEcr}/api:1.4.2`])) },
    { name: 'an image tagged LATEST (any case)', policy: 'platform-image-source',
      hostile: create('deployments', deployment([good, `${teamEcr}/api:LaTeSt`])), benign: create('deployments', deployment([good, `${teamEcr}/api:2.0.0`])) },
    { name: 'an image without tag or digest', policy: 'platform-image-source',
      hostile: create('deployments', deployment([`${teamEcr}/api`])), benign: create('deployments', deployment([`${teamEcr}/api@${DIGEST}`])) },
    { name: 'an init container from a foreign registry in a CronJob', policy: 'platform-image-source',
      hostile: create('cronjobs', cronJob('docker.io/curlimages/curl:8.16.0')), benign: create('cronjobs', cronJob(`${teamEcr}/curl:8.16.0`)) },
    { name: 'a bare Pod with a foreign image', policy: 'platform-image-source',
      hostile: create('pods', { ...pod(), spec: { containers: [{ name: 'x', image: 'quay.io/evil/miner:1.0' }] } }, developer), benign: create('pods', pod(), developer) },
    { name: 'an ephemeral debug container from a foreign registry', policy: 'platform-image-source',
      hostile: { operation: 'UPDATE', resource: 'pods/ephemeralcontainers', object: pod('docker.io/nicolaka/netshoot:v0.13'), oldObject: pod(), userInfo: developer },
      benign: { operation: 'UPDATE', resource: 'pods/ephemeralcontainers', object: pod(`${teamEcr}/debug:1.0`), oldObject: pod(), userInfo: developer } },
    { name: 'a developer switching a running Deployment to a foreign image', policy: 'platform-image-source',
      hostile: { operation: 'UPDATE', resource: 'deployments', object: deployment(['ghcr.io/someone/api:1.0.0']), oldObject: deployment([good]), userInfo: developer },
      // The deployment controller scales down an old ReplicaSet whose registry is no longer allowed.
      benign: { operation: 'UPDATE', resource: 'replicasets', object: replicaSet('docker.io/library/api:0.9', 0), oldObject: replicaSet('docker.io/library/api:0.9', 3), userInfo: deploymentController } },
    { name: 'a Pod posing as cert-manager\'s ACME solver (its image, sent by the team)', policy: 'platform-image-source',
      hostile: create('pods', solver, developer), benign: create('pods', solver, certManager) },
    { name: 'a Deployment at system-node-critical priority (preempts the platform\'s pods)', policy: 'platform-scheduling',
      hostile: create('deployments', withPodSpec(deployment([good]), { priorityClassName: 'system-node-critical' })), benign: create('deployments', deployment([good])) },
    { name: 'a Deployment whose pods Karpenter may never disrupt (their nodes are never upgraded)', policy: 'platform-scheduling',
      hostile: create('deployments', withTemplateAnnotations(deployment([good]), { 'karpenter.sh/do-not-disrupt': 'true' })),
      benign: create('deployments', withTemplateAnnotations(deployment([good]), { 'prometheus.io/scrape': 'true' })) },
    { name: 'a bare Pod Karpenter may never disrupt', policy: 'platform-scheduling',
      hostile: create('pods', { ...pod(), metadata: { ...pod().metadata, annotations: { 'karpenter.sh/do-not-disrupt': 'true' } } }, developer),
      benign: create('pods', { ...pod(), metadata: { ...pod().metadata, annotations: { 'karpenter.sh/do-not-disrupt': 'false' } } }, developer) },
    { name: 'a CronJob at system-cluster-critical priority', policy: 'platform-scheduling',
      hostile: create('cronjobs', { ...cronJob(good), spec: { ...cronJob(good).spec, jobTemplate: { spec: { template: { spec: { ...cronJob(good).spec.jobTemplate.spec.template.spec, priorityClassName: 'system-cluster-critical' } } } } } }),
      benign: create('cronjobs', cronJob(good)) },
    { name: 'a bare Pod placed on a node of its choice (nodeName skips the scheduler and taints)', policy: 'platform-scheduling',
      hostile: create('pods', withNode(pod(), 'ip-10-0-1-23.ec2.internal'), developer),
      // The scheduler bound the pod; a later change to its spec keeps that nodeName.
      benign: { operation: 'UPDATE', resource: 'pods', object: withNode({ ...pod(), spec: { ...pod().spec, activeDeadlineSeconds: 600 } }, 'ip-10-0-1-23.ec2.internal'), oldObject: withNode(pod(), 'ip-10-0-1-23.ec2.internal'), userInfo: developer } },
    { name: 'a Service of type ExternalName', policy: 'platform-service-exposure',
      hostile: create('services', { apiVersion: 'v1', kind: 'Service', metadata: meta('db'), spec: { type: 'ExternalName', externalName: `argocd-server.${PLATFORM_NAMESPACES.argocd}.svc.cluster.local` } }),
      benign: create('services', service({ type: 'ClusterIP' })) },
    { name: 'a Service with externalIPs (traffic interception)', policy: 'platform-service-exposure',
      hostile: create('services', service({ externalIPs: ['169.254.169.254'] })), benign: create('services', service({})) },
    { name: 'a Service of type LoadBalancer', policy: 'platform-service-exposure',
      hostile: create('services', service({ type: 'LoadBalancer' })), benign: create('services', service({ clusterIP: 'None' })) },
    { name: 'a ServiceMonitor that sends Prometheus\'s token (bearerTokenFile)', policy: 'platform-metrics-scraping',
      hostile: create('servicemonitors', serviceMonitor({ bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' })),
      benign: create('servicemonitors', serviceMonitor({ authorization: { credentials: { name: 'api-metrics', key: 'token' } } })) },
    { name: 'a ServiceMonitor that reads a key file from Prometheus\'s disk', policy: 'platform-metrics-scraping',
      hostile: create('servicemonitors', serviceMonitor({ scheme: 'https', tlsConfig: { keyFile: '/etc/prometheus/secrets/etcd-client/key', serverName: 'api' } })),
      benign: create('servicemonitors', serviceMonitor({ scheme: 'https', tlsConfig: { ca: { secret: { name: 'api-ca', key: 'ca.crt' } }, serverName: 'api' } })) },
    { name: 'a ServiceMonitor that points Prometheus at another address (relabelling __address__)', policy: 'platform-metrics-scraping',
      hostile: create('servicemonitors', serviceMonitor({ relabelings: [{ targetLabel: '__address__', replacement: `argocd-server.${PLATFORM_NAMESPACES.argocd}.svc:8083`, action: 'replace' }] })),
      benign: create('servicemonitors', serviceMonitor({ relabelings: [{ targetLabel: 'app', sourceLabels: ['__meta_kubernetes_service_name'], action: 'replace' }] })) },
    { name: 'a ServiceMonitor that copies a pod annotation into __address__ with labelmap', policy: 'platform-metrics-scraping',
      hostile: create('servicemonitors', serviceMonitor({ relabelings: [{ action: 'labelmap', regex: '__meta_kubernetes_pod_annotation_scrape_target', replacement: '__address__' }] })),
      benign: create('servicemonitors', serviceMonitor({ relabelings: [{ action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)', replacement: 'pod_$1' }] })) },
    { name: 'a ServiceMonitor whose labelmap keeps the captured name ($1 spells __address__ from a __tmp label)', policy: 'platform-metrics-scraping',
      hostile: create('servicemonitors', serviceMonitor({ relabelings: [
        { sourceLabels: ['__meta_kubernetes_pod_annotation_scrape_target'], targetLabel: '__tmp___address__', action: 'replace' },
        { action: 'LabelMap', regex: '__tmp_(.+)' },
      ] })),
      benign: create('servicemonitors', serviceMonitor({ relabelings: [
        { sourceLabels: ['__meta_kubernetes_pod_annotation_shard'], targetLabel: '__tmp_shard', action: 'replace' },
        { action: 'LabelMap', regex: '__tmp_(.+)', replacement: 'x_$1' },
      ] })) },
    { name: 'a PodMonitor whose targetLabel is spelled by a pod annotation (${1} = __address__)', policy: 'platform-metrics-scraping',
      hostile: create('podmonitors', { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: meta('api'), spec: { sampleLimit: SAMPLE_LIMIT, selector: { matchLabels: { app: 'api' } }, podMetricsEndpoints: [{ port: 'metrics',
        relabelings: [{ sourceLabels: ['__meta_kubernetes_pod_annotation_label'], regex: '(.+)', targetLabel: '$' + '{1}', replacement: '169.254.169.254:80', action: 'replace' }] }] } }),
      benign: create('podmonitors', { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: meta('api'), spec: { sampleLimit: SAMPLE_LIMIT, selector: { matchLabels: { app: 'api' } }, podMetricsEndpoints: [{ port: 'metrics',
        relabelings: [{ sourceLabels: ['__meta_kubernetes_pod_annotation_label'], regex: '(.+)', targetLabel: 'shard', replacement: '$' + '{1}', action: 'replace' }] }] } }) },
    { name: 'a ServiceMonitor that sends the scrape through Alertmanager as a proxy', policy: 'platform-metrics-scraping',
      hostile: create('servicemonitors', serviceMonitor({ proxyUrl: `http://alertmanager-operated.${PLATFORM_NAMESPACES.monitoring}.svc:9093` })),
      benign: create('servicemonitors', serviceMonitor({ scheme: 'http', path: '/metrics' })) },
    { name: 'a PodMonitor that points Prometheus at the cloud metadata service', policy: 'platform-metrics-scraping',
      hostile: create('podmonitors', { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: meta('api'), spec: { sampleLimit: SAMPLE_LIMIT, selector: { matchLabels: { app: 'api' } }, podMetricsEndpoints: [{ port: 'metrics', relabelings: [{ targetLabel: '__address__', replacement: '169.254.169.254:80' }] }] } }),
      benign: create('podmonitors', { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: meta('api'), spec: { sampleLimit: SAMPLE_LIMIT, selector: { matchLabels: { app: 'api' } }, podMetricsEndpoints: [{ port: 'metrics', path: '/internal/metrics' }] } }) },
    { name: 'a ServiceMonitor with no sampleLimit (a target exporting a series per request id fills Prometheus\'s memory)', policy: 'platform-metrics-scraping',
      hostile: create('servicemonitors', withoutSampleLimit(serviceMonitor({}))), benign: create('servicemonitors', serviceMonitor({})) },
    { name: 'a ServiceMonitor with sampleLimit 0 (no limit to Prometheus)', policy: 'platform-metrics-scraping',
      hostile: create('servicemonitors', serviceMonitor({}, { sampleLimit: 0 })), benign: create('servicemonitors', serviceMonitor({}, { sampleLimit: 1 })) },
    { name: 'a ServiceMonitor with a sampleLimit above the platform\'s ceiling', policy: 'platform-metrics-scraping',
      hostile: create('servicemonitors', serviceMonitor({}, { sampleLimit: MAX_SAMPLE_LIMIT + 1 })), benign: create('servicemonitors', serviceMonitor({}, { sampleLimit: MAX_SAMPLE_LIMIT })) },
    { name: 'a ServiceMonitor with targetLimit 0 (no limit to Prometheus)', policy: 'platform-metrics-scraping',
      hostile: create('servicemonitors', serviceMonitor({}, { targetLimit: 0 })), benign: create('servicemonitors', serviceMonitor({}, { targetLimit: MAX_TARGET_LIMIT })) },
    { name: 'a ServiceMonitor with a targetLimit above the ceiling', policy: 'platform-metrics-scraping',
      hostile: create('servicemonitors', serviceMonitor({}, { targetLimit: MAX_TARGET_LIMIT + 1 })), benign: create('servicemonitors', serviceMonitor({}, { targetLimit: 10 })) },
    { name: 'a PodMonitor with no sampleLimit', policy: 'platform-metrics-scraping',
      hostile: create('podmonitors', { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: meta('api'), spec: { selector: { matchLabels: { app: 'api' } }, podMetricsEndpoints: [{ port: 'metrics' }] } }),
      benign: create('podmonitors', { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: meta('api'), spec: { sampleLimit: MAX_SAMPLE_LIMIT, selector: { matchLabels: { app: 'api' } }, podMetricsEndpoints: [{ port: 'metrics' }] } }) },
    { name: 'a ServiceMonitor that scrapes every namespace', policy: 'platform-metrics-scraping',
      hostile: create('servicemonitors', serviceMonitor({}, { namespaceSelector: { any: true } })),
      benign: create('servicemonitors', serviceMonitor({}, { namespaceSelector: { matchNames: [ns] } })) },
    { name: 'a ScrapeConfig (static targets anywhere)', policy: 'platform-metrics-scraping',
      hostile: create('scrapeconfigs', { apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'ScrapeConfig', metadata: meta('api'), spec: { staticConfigs: [{ targets: ['10.0.0.1:9100'] }] } }),
      benign: create('podmonitors', { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: meta('api'), spec: { sampleLimit: SAMPLE_LIMIT, selector: { matchLabels: { app: 'api' } }, podMetricsEndpoints: [{ port: 'metrics' }] } }) },
    { name: 'a recording rule that records `up` for the kubelet (silences the platform\'s KubeletDown)', policy: 'platform-team-alerts',
      hostile: create('prometheusrules', recording('up', { job: 'kubelet', metrics_path: '/metrics' })),
      benign: create('prometheusrules', recording('job:up:sum', { job: 'kubelet', metrics_path: '/metrics' })) },
    { name: 'a ServiceMonitor relabelling its targets\' job to kubelet (masks the platform\'s KubeletDown)', policy: 'platform-metrics-scraping',
      hostile: create('servicemonitors', serviceMonitor({ relabelings: [{ targetLabel: 'job', replacement: 'kubelet', action: 'replace' }, { targetLabel: 'metrics_path', replacement: '/metrics', action: 'replace' }] })),
      benign: create('servicemonitors', serviceMonitor({ relabelings: [{ targetLabel: 'component', replacement: 'kubelet', action: 'replace' }] })) },
    { name: 'a ServiceMonitor taking its job from a Service label it controls (jobLabel)', policy: 'platform-metrics-scraping',
      hostile: create('servicemonitors', serviceMonitor({}, { jobLabel: 'app.kubernetes.io/name' })),
      benign: create('servicemonitors', serviceMonitor({}, { targetLabels: ['app.kubernetes.io/name'] })) },
    { name: 'a PodMonitor copying a pod\'s job label to its targets (podTargetLabels)', policy: 'platform-metrics-scraping',
      hostile: create('podmonitors', { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: meta('api'), spec: { sampleLimit: SAMPLE_LIMIT, selector: { matchLabels: { app: 'api' } }, podTargetLabels: ['job'], podMetricsEndpoints: [{ port: 'metrics' }] } }),
      benign: create('podmonitors', { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: meta('api'), spec: { sampleLimit: SAMPLE_LIMIT, selector: { matchLabels: { app: 'api' } }, podTargetLabels: ['version'], podMetricsEndpoints: [{ port: 'metrics' }] } }) },
    { name: 'a ServiceMonitor whose labelmap spells job (j + $1)', policy: 'platform-metrics-scraping',
      hostile: create('servicemonitors', serviceMonitor({ relabelings: [{ action: 'labelmap', regex: '__meta_kubernetes_service_label_j(ob)', replacement: 'j$1' }] })),
      benign: create('servicemonitors', serviceMonitor({ relabelings: [{ action: 'labelmap', regex: '__meta_kubernetes_service_label_(.+)', replacement: 'service_$1' }] })) },
    { name: 'a ServiceMonitor with honorLabels (a pod publishing up{job="apiserver"})', policy: 'platform-metrics-scraping',
      hostile: create('servicemonitors', serviceMonitor({ honorLabels: true })), benign: create('servicemonitors', serviceMonitor({ honorLabels: false })) },
    { name: 'an alerting rule without the team label (would reach the platform pager)', policy: 'platform-team-alerts',
      hostile: create('prometheusrules', rule({ severity: 'critical' })), benign: create('prometheusrules', rule({ severity: 'critical', [TEAM_ALERT_LABEL]: team.name })) },
    { name: 'an alerting rule labelled as another team', policy: 'platform-team-alerts',
      hostile: create('prometheusrules', rule({ severity: 'critical', [TEAM_ALERT_LABEL]: `${team.name}-other` })), benign: create('prometheusrules', rule({ severity: 'warning', [TEAM_ALERT_LABEL]: team.name })) },
    { name: 'an HTTPRoute for the Argo CD host', policy: 'platform-team-hosts',
      hostile: create('httproutes', route([names.hostname('argocd')])), benign: create('httproutes', route(teamHost ? [teamHost] : undefined)) },
    { name: 'an HTTPRoute for the whole environment domain', policy: 'platform-team-hosts',
      hostile: create('httproutes', route([`*.${names.environment.domain}`])), benign: create('httproutes', route()) },
    { name: 'an Ingress for Grafana\'s host with a certificate from the platform ClusterIssuer', policy: 'platform-team-hosts',
      hostile: create('ingresses', ingress(names.hostname('grafana'))), benign: create('ingresses', teamHost ? ingress(teamHost) : { ...ingress('x'), spec: { defaultBackend: { service: { name: 'api', port: { number: 80 } } } } }) },
    { name: 'an Ingress that asks for a certificate for another name', policy: 'platform-team-hosts',
      hostile: create('ingresses', ingress(teamHost ?? 'unset', `auth.${names.environment.domain}`)),
      benign: create('ingresses', teamHost ? ingress(teamHost) : { ...ingress('x'), spec: { defaultBackend: { service: { name: 'api', port: { number: 80 } } } } }) },
    { name: 'an Ingress whose cert-manager.io/alt-names asks for a platform host (DNS-01 issuer)', policy: 'platform-team-hosts',
      hostile: create('ingresses', certIngress({ 'cert-manager.io/cluster-issuer': 'letsencrypt-dns', 'cert-manager.io/alt-names': names.hostname('argocd') }), developer),
      benign: create('ingresses', certIngress({ 'cert-manager.io/cluster-issuer': 'letsencrypt-dns' }), developer) },
    { name: 'an Ingress whose cert-manager.io/common-name names the log store', policy: 'platform-team-hosts',
      hostile: create('ingresses', certIngress({ 'cert-manager.io/cluster-issuer': 'letsencrypt', 'cert-manager.io/common-name': `logs-es-http.${PLATFORM_NAMESPACES.logStore}.svc` })),
      benign: create('ingresses', certIngress({ 'cert-manager.io/cluster-issuer': 'letsencrypt', 'acme.cert-manager.io/http01-edit-in-place': 'true' })) },
    { name: 'an Ingress asking the platform\'s private CA for a certificate', policy: 'platform-team-hosts',
      hostile: create('ingresses', certIngress({ 'cert-manager.io/cluster-issuer': 'private-ca' })),
      benign: create('ingresses', certIngress({ 'cert-manager.io/cluster-issuer': 'letsencrypt-staging' })) },
    { name: 'an ExternalSecret reading through the platform\'s ClusterSecretStore', policy: 'platform-external-secrets',
      hostile: create('externalsecrets', externalSecret({ kind: 'ClusterSecretStore', name: 'platform' })), benign: create('externalsecrets', externalSecret({ kind: 'SecretStore', name: 'team-secrets' })) },
    { name: 'an ExternalSecret pointing one key at the platform\'s store', policy: 'platform-external-secrets',
      hostile: create('externalsecrets', externalSecret({ name: 'team-secrets' }, { sourceRef: { storeRef: { kind: 'ClusterSecretStore', name: 'platform' } } })),
      benign: create('externalsecrets', externalSecret({ name: 'team-secrets' }, { sourceRef: { storeRef: { kind: 'SecretStore', name: 'team-secrets' } } })) },
    { name: 'an ExternalSecret minting credentials with a generator', policy: 'platform-external-secrets',
      hostile: create('externalsecrets', { ...externalSecret({ name: 'team-secrets' }), spec: { ...externalSecret({ name: 'team-secrets' }).spec, dataFrom: [{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'ClusterGenerator', name: 'ecr' } } }] } }),
      benign: create('externalsecrets', { ...externalSecret({ name: 'team-secrets' }), spec: { ...externalSecret({ name: 'team-secrets' }).spec, dataFrom: [{ extract: { key: 'api/config' } }] } }) },
    { name: 'an ExternalSecret refreshed every second (hammers the secret backend, AWS bills per call)', policy: 'platform-external-secrets',
      hostile: create('externalsecrets', withRefresh('1s')), benign: create('externalsecrets', withRefresh(MIN_REFRESH_INTERVAL)) },
    { name: 'an ExternalSecret refreshed every 59s', policy: 'platform-external-secrets',
      hostile: create('externalsecrets', withRefresh('59s')), benign: create('externalsecrets', withRefresh('1h')) },
    { name: 'an ExternalSecret refreshed every 500ms', policy: 'platform-external-secrets',
      hostile: create('externalsecrets', withRefresh('500ms')), benign: create('externalsecrets', withRefresh('0')) },
    { name: 'a claim on an existing volume by name (another team\'s retained data)', policy: 'platform-storage',
      hostile: create('persistentvolumeclaims', pvc({ volumeName: 'pvc-6f1c2d3e-0b0a-4908-8706-050403020100' }), developer), benign: create('persistentvolumeclaims', pvc({}), developer) },
    { name: 'a developer binding a pending claim to an existing volume', policy: 'platform-storage',
      hostile: { operation: 'UPDATE', resource: 'persistentvolumeclaims', object: pvc({ volumeName: 'pvc-6f1c2d3e-0b0a-4908-8706-050403020100' }), oldObject: pvc({}), userInfo: developer },
      benign: { operation: 'UPDATE', resource: 'persistentvolumeclaims', object: pvc({ volumeName: 'pvc-6f1c2d3e-0b0a-4908-8706-050403020100' }), oldObject: pvc({}), userInfo: volumeBinder } },
    { name: 'a generic ephemeral volume whose claim names an existing volume (created by kube-system, past platform-storage)', policy: 'platform-pod-volumes',
      hostile: create('deployments', withPodSpec(deployment([good]), { volumes: [ephemeral({ volumeName: 'pvc-6f1c2d3e-0b0a-4908-8706-050403020100' })] })),
      benign: create('deployments', withPodSpec(deployment([good]), { volumes: [ephemeral({})] })) },
    { name: 'a StatefulSet whose claim template names an existing volume (created by kube-system, past platform-storage)', policy: 'platform-pod-volumes',
      hostile: create('statefulsets', statefulSet({ volumeName: 'pvc-6f1c2d3e-0b0a-4908-8706-050403020100' })), benign: create('statefulsets', statefulSet({})) },
    { name: 'a claim naming an existing volume, created by another kube-system controller from a team template', policy: 'platform-storage',
      hostile: create('persistentvolumeclaims', pvc({ volumeName: 'pvc-6f1c2d3e-0b0a-4908-8706-050403020100' }), ephemeralController),
      benign: create('persistentvolumeclaims', pvc({}), ephemeralController) },
    { name: 'a volume restored from another namespace\'s snapshot', policy: 'platform-storage',
      hostile: create('persistentvolumeclaims', pvc({ dataSourceRef: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'nightly', namespace: PLATFORM_NAMESPACES.monitoring } })),
      benign: create('persistentvolumeclaims', pvc({ dataSourceRef: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'nightly' } })) },
    { name: 'a PodDisruptionBudget that allows no eviction (stalls node upgrades)', policy: 'platform-disruption-budgets',
      hostile: create('poddisruptionbudgets', pdb({ maxUnavailable: 0 })), benign: create('poddisruptionbudgets', pdb({ maxUnavailable: 1 })) },
    { name: 'a PodDisruptionBudget that keeps every pod (minAvailable 100%)', policy: 'platform-disruption-budgets',
      hostile: create('poddisruptionbudgets', pdb({ minAvailable: '100%' })), benign: create('poddisruptionbudgets', pdb({ minAvailable: '50%' })) },
    { name: 'a PodDisruptionBudget with maxUnavailable 0%', policy: 'platform-disruption-budgets',
      hostile: create('poddisruptionbudgets', pdb({ maxUnavailable: '0%' })), benign: create('poddisruptionbudgets', pdb({ maxUnavailable: '25%' })) },
    { name: 'a developer opening the platform\'s default-deny NetworkPolicy', policy: 'platform-owned-objects',
      hostile: { operation: 'UPDATE', resource: 'networkpolicies', object: networkPolicy('default-deny', true, openAll), oldObject: networkPolicy('default-deny', true), userInfo: developer },
      benign: { operation: 'UPDATE', resource: 'networkpolicies', object: networkPolicy('api-ingress', false, openAll), oldObject: networkPolicy('api-ingress', false), userInfo: developer } },
    { name: 'a developer stripping the platform label to unprotect a NetworkPolicy', policy: 'platform-owned-objects',
      hostile: { operation: 'UPDATE', resource: 'networkpolicies', object: networkPolicy('default-deny', false), oldObject: networkPolicy('default-deny', true), userInfo: developer },
      benign: { operation: 'UPDATE', resource: 'networkpolicies', object: networkPolicy('api-egress', false), oldObject: networkPolicy('api-egress', false, openAll), userInfo: developer } },
    { name: 'a developer deleting the team quota', policy: 'platform-owned-objects',
      hostile: { operation: 'DELETE', resource: 'resourcequotas', oldObject: quota(true), userInfo: developer },
      benign: { operation: 'DELETE', resource: 'configmaps', oldObject: configMap('api-config', false), userInfo: developer } },
    { name: 'a developer raising the team quota', policy: 'platform-owned-objects',
      hostile: { operation: 'UPDATE', resource: 'resourcequotas', object: { ...quota(true), spec: { hard: { pods: '5000' } } }, oldObject: quota(true), userInfo: developer },
      benign: { operation: 'UPDATE', resource: 'resourcequotas', object: { ...quota(true), spec: { hard: { pods: '5000' } } }, oldObject: quota(true), userInfo: admin } },
    { name: 'a developer deleting the guardrail parameters', policy: 'platform-owned-objects',
      hostile: { operation: 'DELETE', resource: 'configmaps', oldObject: configMap('platform-guardrails', true), userInfo: developer },
      benign: { operation: 'UPDATE', resource: 'configmaps', object: configMap('api-config', false), oldObject: configMap('api-config', false), userInfo: developer } },
    { name: 'a developer adding a registry to the team\'s guardrail parameters', policy: 'platform-owned-objects',
      hostile: { operation: 'UPDATE', resource: 'configmaps', object: { ...configMap('platform-guardrails', true), data: { registries: 'docker.io' } }, oldObject: configMap('platform-guardrails', true), userInfo: developer },
      benign: { operation: 'UPDATE', resource: 'configmaps', object: { ...configMap('platform-guardrails', true), data: { registries: 'docker.io' } }, oldObject: configMap('platform-guardrails', true), userInfo: platformAdmin } },
    { name: 'the team\'s repository taking over the platform\'s NetworkPolicy through Argo CD', policy: 'platform-owned-objects',
      hostile: { operation: 'UPDATE', resource: 'networkpolicies', object: tracked(networkPolicy('default-deny', true, openAll), teamTracker), oldObject: tracked(networkPolicy('default-deny', true), platformTracker), userInfo: argocd },
      benign: { operation: 'UPDATE', resource: 'networkpolicies', object: tracked(networkPolicy('default-deny', true), platformTracker), oldObject: tracked(networkPolicy('default-deny', true), platformTracker), userInfo: argocd } },
  ];
  if (exception) {
    attacks.push({ name: 'an image from a registry outside the team\'s exception', policy: 'platform-image-source',
      hostile: create('deployments', deployment([`${exception}-mirror/tool:1.0`])), benign: create('deployments', deployment([`${exception}/tool:1.0`])) });
  }
  if (othersException) {
    attacks.push({ name: 'an image from a registry only another team may use', policy: 'platform-image-source',
      hostile: create('deployments', deployment([`${othersException}/tool:1.0`])), benign: create('deployments', deployment([good])) });
  }
  // The organisation's ECR holds every team's images: a team pulls only its own folder and the repositories its apps declare.
  const permitted = (image: string) => names.imageRegistries(team).some((r) => image.startsWith(`${r}/`))
    || names.imageRepositories(team).some((r) => image.startsWith(`${r}:`) || image.startsWith(`${r}@`));
  const imageAttack = (name: string, hostile: string, benign = good) => {
    if (!permitted(hostile)) attacks.push({ name, policy: 'platform-image-source', hostile: create('deployments', deployment([hostile])), benign: create('deployments', deployment([benign])) });
  };
  for (const other of names.teams.filter((t) => t !== team)) {
    imageAttack(`another team's image from the organisation's ECR (${other.name})`, `${names.teamEcrPrefix(other)}/api:1.4.2`);
    for (const app of other.apps) imageAttack(`the repository another team's app declares (${other.name}/${app.name})`, `${ecr}/${names.ecrRepository(other, app)}:1.4.2`);
  }
  imageAttack('an image from a folder next to the team\'s that starts with its name', `${teamEcr}-mirror/api:1.4.2`);
  imageAttack('an image from the organisation\'s ECR outside the team\'s folder', `${ecr}/${names.org}/shared/base:1.0.0`);
  for (const repository of names.imageRepositories(team)) {
    imageAttack(`a repository below the one the team's app declares (${repository.slice(ecr.length + 1)})`, `${repository}/sidecar:1.0.0`, `${repository}@${DIGEST}`);
  }
  return attacks;
}

export function rbacAttacks(names: EnvironmentNames, team: TeamConfig): RbacAttack[] {
  const ns = names.teamNamespace(team);
  const req = (verb: string, apiGroup: string, resource: string, namespace: string | undefined = ns): RbacRequest => ({ verb, apiGroup, resource, namespace });
  const other = names.teams.find((t) => t !== team);
  const attacks: Array<[string, RbacRequest, RbacRequest]> = [
    ['read a Secret', req('get', '', 'secrets'), req('get', '', 'configmaps')],
    ['list Secrets across the cluster', req('list', '', 'secrets', undefined), req('list', '', 'pods')],
    ['bind itself a Role', req('create', 'rbac.authorization.k8s.io', 'rolebindings'), req('get', '', 'services')],
    ['raise its own quota', req('update', '', 'resourcequotas'), req('get', '', 'resourcequotas')],
    ['create an Ingress (cert-manager would issue it a certificate; nothing serves it)', req('create', 'networking.k8s.io', 'ingresses'), req('list', 'networking.k8s.io', 'ingresses')],
    ['point a Service at any address with an EndpointSlice', req('create', 'discovery.k8s.io', 'endpointslices'), req('list', '', 'endpoints')],
    ['request a certificate from a platform ClusterIssuer', req('create', 'cert-manager.io', 'certificates'), req('list', 'apps', 'deployments')],
    ['push a Secret out through External Secrets', req('create', 'external-secrets.io', 'pushsecrets'), req('list', 'external-secrets.io', 'externalsecrets')],
    ['mint a service account token', req('create', '', 'serviceaccounts/token'), req('get', '', 'serviceaccounts')],
    ['change the admission policies', req('update', 'admissionregistration.k8s.io', 'validatingadmissionpolicybindings', undefined), req('get', '', 'events')],
    ['label its namespace out of the guardrails', req('patch', '', 'namespaces', undefined), req('list', '', 'events')],
  ];
  if (other) attacks.push(['deploy into another team\'s namespace', req('create', 'apps', 'deployments', names.teamNamespace(other)), req('list', 'apps', 'deployments')]);
  if (names.environment.production) {
    attacks.push(
      ['create a Deployment in production (outside git)', req('create', 'apps', 'deployments'), req('list', 'apps', 'deployments')],
      ['patch a running Deployment in production', req('patch', 'apps', 'deployments'), req('watch', 'apps', 'deployments')],
      ['start a Job that prints a Secret in production', req('create', 'batch', 'jobs'), req('list', 'batch', 'jobs')],
      ['create a Pod that mounts a Secret in production', req('create', '', 'pods'), req('list', '', 'pods')],
      ['exec into a pod in production', req('create', '', 'pods/exec'), req('get', '', 'pods')],
      ['read a pod\'s output in production', req('get', '', 'pods/log'), req('get', '', 'events')],
    );
  }
  return attacks.flatMap(([name, hostile, benign]) => team.groups.map((group) => ({ name: `${name} (${group})`, group, hostile, benign })));
}

export function syncAttacks(names: EnvironmentNames, team: TeamConfig): SyncAttack[] {
  const ns = names.teamNamespace(team);
  const repo = team.sourceRepos[0] ?? names.platform.gitops.repoURL;
  const sync = (group: string, kind: string, namespace: string | undefined = ns, repoURL = repo): SyncRequest => ({ project: team.name, repoURL, server: IN_CLUSTER, namespace, group, kind });
  const benign = sync('apps', 'Deployment');
  const kinds: Array<[string, string, string]> = [
    ['', 'Secret', 'a Secret with values in git'],
    ['', 'Pod', 'a bare Pod'],
    ['', 'Endpoints', 'Endpoints pointing a Service anywhere'],
    ['discovery.k8s.io', 'EndpointSlice', 'an EndpointSlice pointing a Service anywhere'],
    ['', 'ResourceQuota', 'its own quota'],
    ['', 'LimitRange', 'its own limits'],
    ['rbac.authorization.k8s.io', 'Role', 'a Role'],
    ['rbac.authorization.k8s.io', 'RoleBinding', 'a RoleBinding'],
    ['external-secrets.io', 'SecretStore', 'a SecretStore with other credentials'],
    ['external-secrets.io', 'PushSecret', 'a PushSecret'],
    ['generators.external-secrets.io', 'Password', 'an ESO generator'],
    ['cert-manager.io', 'Certificate', 'a Certificate'],
    ['cert-manager.io', 'Issuer', 'an Issuer'],
    ['monitoring.coreos.com', 'ScrapeConfig', 'a ScrapeConfig'],
    ['monitoring.coreos.com', 'Probe', 'a Probe'],
    ['monitoring.coreos.com', 'AlertmanagerConfig', 'an AlertmanagerConfig'],
    ['gateway.networking.k8s.io', 'Gateway', 'its own Gateway'],
    ['gateway.networking.k8s.io', 'ReferenceGrant', 'a ReferenceGrant'],
    ['gateway.networking.k8s.io', 'ListenerSet', 'a ListenerSet'],
    ['gateway.networking.k8s.io', 'GRPCRoute', 'a GRPCRoute'],
    ['gateway.networking.k8s.io', 'TLSRoute', 'a TLSRoute'],
    ['argoproj.io', 'Application', 'an Application in another project'],
  ];
  return [
    ...kinds.map(([group, kind, what]) => ({ name: `sync ${what}`, hostile: sync(group, kind), benign })),
    ...[['rbac.authorization.k8s.io', 'ClusterRoleBinding'], ['', 'Namespace'], ['admissionregistration.k8s.io', 'ValidatingAdmissionPolicyBinding'], ['apiextensions.k8s.io', 'CustomResourceDefinition']]
      .map(([group, kind]) => ({ name: `sync a cluster-scoped ${kind}`, hostile: sync(group, kind, undefined), benign })),
    { name: 'sync into kube-system', hostile: sync('apps', 'Deployment', 'kube-system'), benign },
    { name: `sync into ${PLATFORM_NAMESPACES.monitoring}`, hostile: sync('monitoring.coreos.com', 'PrometheusRule', PLATFORM_NAMESPACES.monitoring), benign: sync('monitoring.coreos.com', 'PrometheusRule') },
    { name: 'sync from a repository the project does not list', hostile: sync('apps', 'Deployment', ns, 'https://github.com/attacker/manifests.git'), benign },
  ];
}

/** Pod specs a team could ship (in a Deployment, Job, ...), against Pod Security of its namespace. */
export function podSecurityAttacks(names: EnvironmentNames, team: TeamConfig): PodSecurityAttack[] {
  const namespace = names.teamNamespace(team);
  const image = `${names.teamEcrPrefix(team)}/api:1.4.2`;
  const container = (sc: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
    ({ name: 'api', image, securityContext: { ...RESTRICTED_CONTAINER_SECURITY_CONTEXT, ...sc }, ...extra });
  const spec = (extra: Record<string, unknown> = {}, c = container()) =>
    ({ securityContext: RESTRICTED_POD_SECURITY_CONTEXT, containers: [c], volumes: [{ name: 'tmp', emptyDir: {} }], ...extra });
  const benign = spec();
  const cases: Array<[string, any]> = [
    ['mount the node\'s filesystem (hostPath)', spec({ volumes: [{ name: 'root', hostPath: { path: '/' } }] })],
    ['join the node\'s network (hostNetwork)', spec({ hostNetwork: true })],
    ['see the node\'s processes (hostPID)', spec({ hostPID: true })],
    ['run a privileged container', spec({}, container({ privileged: true, allowPrivilegeEscalation: true }))],
    ['add SYS_ADMIN', spec({}, container({ capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } }))],
    ['keep NET_RAW (ARP spoofing on the node)', spec({}, container({ capabilities: { add: ['NET_RAW'] } }))],
    ['run as root', spec({ securityContext: { ...RESTRICTED_POD_SECURITY_CONTEXT, runAsNonRoot: false, runAsUser: 0 } }, container({ runAsNonRoot: false, runAsUser: 0 }))],
    ['escalate privileges (setuid binaries)', spec({}, container({ allowPrivilegeEscalation: true }))],
    ['run without a seccomp profile', spec({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } } })],
    ['bind a port on the node (hostPort)', spec({}, container({}, { ports: [{ containerPort: 8080, hostPort: 8080 }] }))],
    ['change kernel settings (sysctl)', spec({ securityContext: { ...RESTRICTED_POD_SECURITY_CONTEXT, sysctls: [{ name: 'kernel.core_pattern', value: '|/tmp/x' }] } })],
  ];
  return cases.map(([name, hostile]) => ({ name, namespace, hostile, benign }));
}

/** Requests to the platform's UIs through the gateway's SSO (the SecurityPolicy on each UI's route), by people. */
export function uiAttacks(names: EnvironmentNames, team: TeamConfig): UiAttack[] {
  const idp = names.platform.identity;
  const member = team.groups.filter((g) => !idp.adminGroups.includes(g));
  if (member.length === 0) return [];
  const admin = [idp.adminGroups[0]];
  const r = (groups: string[], method: string, path: string): UiRequest => ({ groups, method, path });
  const attacks: UiAttack[] = [
    { name: 'a team member stops Prometheus (POST /-/quit: the platform\'s alerts stop)', ui: 'prometheus',
      hostile: r(member, 'POST', '/-/quit'), benign: r(member, 'GET', '/api/v1/query?query=up') },
    { name: 'a team member reloads Prometheus\'s configuration', ui: 'prometheus',
      hostile: r(member, 'PUT', '/-/reload'), benign: r(admin, 'POST', '/-/reload') },
  ];
  if (!idp.viewerGroups.some((g) => member.includes(g))) {
    attacks.push(
      { name: 'a team member silences the platform\'s alerts in Alertmanager', ui: 'alertmanager',
        hostile: r(member, 'POST', '/api/v2/silences'), benign: r(admin, 'POST', '/api/v2/silences') },
      { name: 'a team member posts an alert to Alertmanager (pages the platform)', ui: 'alertmanager',
        hostile: r(member, 'POST', '/api/v2/alerts'), benign: r(admin, 'GET', '/api/v2/alerts') },
    );
  }
  return attacks;
}

/** Requests to Argo CD's API (UI, CLI) by people. */
export function argocdAttacks(names: EnvironmentNames, team: TeamConfig): ArgoCdAttack[] {
  const own = `${team.name}/api`;
  const other = names.teams.find((t) => t !== team);
  const member = [team.groups[0]];
  const outsider = ['contractors'];
  const r = (groups: string[], resource: string, action: string, object = own): ArgoCdRequest => ({ groups, resource, action, object });
  const attacks: ArgoCdAttack[] = [
    { name: 'someone outside the platform\'s groups lists the team\'s applications', hostile: r(outsider, 'applications', 'get'), benign: r(member, 'applications', 'get') },
    { name: 'someone outside the platform\'s groups reads the team\'s logs', hostile: r(outsider, 'logs', 'get'), benign: r(member, 'applications', 'sync') },
    { name: 'a team member creates an Application (its own source and destination)', hostile: r(member, 'applications', 'create'), benign: r(member, 'applications', 'sync') },
    { name: 'a team member deletes its Application (and everything it deployed)', hostile: r(member, 'applications', 'delete'), benign: r(member, 'applications', 'get') },
    { name: 'a team member edits its project', hostile: r(member, 'projects', 'update', team.name), benign: r(member, 'applications', 'get') },
    { name: 'a team member opens a web terminal', hostile: r(member, 'exec', 'create'), benign: r(member, 'applications', 'get') },
    { name: 'a team member reads the repositories\' credentials', hostile: r(member, 'repositories', 'get', '*'), benign: r(member, 'applications', 'get') },
    { name: 'a team member syncs a platform Application', hostile: r(member, 'applications', 'sync', 'platform/monitoring'), benign: r(member, 'applications', 'sync') },
  ];
  if (other) attacks.push({ name: `a team member syncs another team's Application (${other.name})`, hostile: r(member, 'applications', 'sync', `${other.name}/api`), benign: r(member, 'applications', 'sync') });
  if (names.environment.production) {
    attacks.push(
      { name: 'a team member syncs local manifests over git in production (override)', hostile: r(member, 'applications', 'override'), benign: r(member, 'applications', 'sync') },
      { name: 'a team member patches a live object with a resource action in production', hostile: r(member, 'applications', 'action/apps/Deployment/restart'), benign: r(member, 'applications', 'get') },
      { name: 'a team member reads pod logs through Argo CD in production', hostile: r(member, 'logs', 'get'), benign: r(member, 'applications', 'get') },
    );
    // Kubernetes RBAC keeps pods/log from viewers in production; Argo CD's role:readonly would not.
    const viewers = names.platform.identity.viewerGroups.filter((g) => !names.platform.identity.adminGroups.includes(g));
    if (viewers.length > 0) {
      attacks.push({ name: 'a viewer reads a platform pod\'s logs through Argo CD in production', hostile: r([viewers[0]], 'logs', 'get', 'platform/external-secrets'), benign: r([viewers[0]], 'applications', 'get', 'platform/external-secrets') });
    }
  }
  return attacks;
}

/** Pods of the platform, as the charts label them (prometheus-operator, Argo CD, ECK, the Helm charts' defaults). */
export function platformEndpoints(names: EnvironmentNames) {
  const base = names.environment.vpcCidr.split('/')[0].split('.').map(Number);
  let n = 10;
  const ip = () => { n += 1; return `${base[0]}.${base[1]}.${Math.floor(n / 250)}.${n % 250}`; };
  const pod = (name: string, namespace: string, labels: Record<string, string>): Endpoint => ({ name, namespace, labels, ip: ip() });
  const N = PLATFORM_NAMESPACES;
  return {
    prometheus: pod('prometheus', N.monitoring, { 'app.kubernetes.io/name': 'prometheus' }),
    alertmanager: pod('alertmanager', N.monitoring, { 'app.kubernetes.io/name': 'alertmanager' }),
    grafana: pod('grafana', N.monitoring, { 'app.kubernetes.io/name': 'grafana' }),
    argocdServer: pod('argocd-server', N.argocd, { 'app.kubernetes.io/name': 'argocd-server' }),
    argocdRepoServer: pod('argocd-repo-server', N.argocd, { 'app.kubernetes.io/name': 'argocd-repo-server' }),
    elasticsearch: pod('elasticsearch', N.logStore, { 'common.k8s.elastic.co/type': 'elasticsearch' }),
    kibana: pod('kibana', N.logStore, { 'kibana.k8s.elastic.co/name': 'logs' }),
    fluentBit: pod('fluent-bit', N.logging, { 'app.kubernetes.io/name': 'fluent-bit' }),
    esoWebhook: pod('external-secrets-webhook', N.externalSecrets, { 'app.kubernetes.io/name': 'external-secrets-webhook' }),
    esoController: pod('external-secrets', N.externalSecrets, { 'app.kubernetes.io/name': 'external-secrets' }),
    certManagerWebhook: pod('cert-manager-webhook', N.certManager, { 'app.kubernetes.io/name': 'webhook' }),
    envoyProxy: pod('envoy-proxy', FRONT_DOOR.namespace, { ...FRONT_DOOR.pods }),
    envoyGatewayController: pod('envoy-gateway', FRONT_DOOR.namespace, { ...ENVOY_GATEWAY_CONTROLLER_LABELS }),
    externalDns: pod('external-dns', N.externalDns, { 'app.kubernetes.io/name': 'external-dns' }),
    apiServer: { name: 'EKS control plane', ip: ip() } as Endpoint,
    internet: { name: 'the internet', ip: '198.51.100.7' } as Endpoint,
    teamPod: (team: TeamConfig, app = 'api') => pod(`${team.name}/${app}`, names.teamNamespace(team), { 'app.kubernetes.io/name': app }),
  };
}

export function networkAttacks(names: EnvironmentNames, team: TeamConfig): NetworkAttack[] {
  const p = platformEndpoints(names);
  // One of the team's golden-path apps when it has any: their own NetworkPolicies apply too.
  const mine = p.teamPod(team, team.apps[0]?.name ?? 'api');
  const neighbour = p.teamPod(team, 'worker');
  const other = names.teams.find((t) => t !== team);
  const c = (from: Endpoint, to: Endpoint, port: number): Connection => ({ from, to, port });
  const attacks: NetworkAttack[] = [
    { name: 'a team pod queries Prometheus', hostile: c(mine, p.prometheus, 9090), benign: c(p.prometheus, mine, 8080), fencedAtDestination: true },
    { name: 'a team pod silences alerts in Alertmanager', hostile: c(mine, p.alertmanager, 9093), benign: c(p.prometheus, p.alertmanager, 9093), fencedAtDestination: true },
    { name: 'a team pod calls the Argo CD API', hostile: c(mine, p.argocdServer, 8080), benign: c(p.envoyProxy, p.argocdServer, 8080), fencedAtDestination: true },
    { name: 'a team pod asks the Argo CD repo server for other repositories', hostile: c(mine, p.argocdRepoServer, 8081), benign: c(p.argocdServer, p.argocdRepoServer, 8081), fencedAtDestination: true },
    { name: 'a team pod calls the secrets operator\'s webhook', hostile: c(mine, p.esoWebhook, 10250), benign: c(p.apiServer, p.esoWebhook, 10250) },
    { name: 'a team pod reaches the secrets operator', hostile: c(mine, p.esoController, 8080), benign: c(p.prometheus, p.esoController, 8080), fencedAtDestination: true },
    { name: 'a team pod calls the cert-manager webhook', hostile: c(mine, p.certManagerWebhook, 10250), benign: c(p.apiServer, p.certManagerWebhook, 10250) },
    // The webhook admits the VPC range, which holds every pod's address: only the webhook's port is open to it.
    { name: 'a team pod pulls the gateway\'s configuration from Envoy Gateway\'s xDS or Wasm server', hostile: c(mine, p.envoyGatewayController, 18002),
      benign: c(p.apiServer, p.envoyGatewayController, ENVOY_GATEWAY_WEBHOOK_PORT), fencedAtDestination: true },
    { name: 'a team pod talks to the gateway\'s Envoy proxies past their listeners (admin port)', hostile: c(mine, p.envoyProxy, 19000), benign: c(p.internet, p.envoyProxy, FRONT_DOOR.ports[1]), fencedAtDestination: true },
    { name: 'a team pod reads the Envoy proxies\' stats (every route and backend of every team)', hostile: c(mine, p.envoyProxy, 19001), benign: c(p.internet, p.envoyProxy, FRONT_DOOR.ports[0]), fencedAtDestination: true },
    { name: 'the internet reaches Prometheus bypassing the gateway\'s Envoy proxies', hostile: c(p.internet, p.prometheus, 9090), benign: c(p.envoyProxy, p.prometheus, 9090) },
    { name: 'the internet reaches Grafana bypassing the gateway\'s Envoy proxies', hostile: c(p.internet, p.grafana, 3000), benign: c(p.envoyProxy, p.grafana, 3000) },
    { name: 'a compromised Grafana reaches a team\'s pods', hostile: c(p.grafana, mine, 8080), benign: c(p.envoyProxy, mine, 8080) },
    { name: 'a compromised external-dns reaches Alertmanager', hostile: c(p.externalDns, p.alertmanager, 9093), benign: c(p.grafana, p.alertmanager, 9093) },
    { name: 'a team pod reaches the internet directly', hostile: c(mine, p.internet, 443), benign: c(mine, neighbour, 8080) },
  ];
  if (names.platform.logging.backend === 'elasticsearch') {
    attacks.push(
      { name: 'a team pod reads Elasticsearch', hostile: c(mine, p.elasticsearch, 9200), benign: c(p.fluentBit, p.elasticsearch, 9200), fencedAtDestination: true },
      { name: 'the internet reaches Kibana without the SSO in front', hostile: c(p.internet, p.kibana, 5601), benign: c(p.envoyProxy, p.kibana, 5601) },
    );
  }
  if (other) attacks.push({ name: `a team pod reaches another team's pod (${other.name})`, hostile: c(mine, p.teamPod(other), 8080), benign: c(mine, neighbour, 8080) });
  return attacks;
}
