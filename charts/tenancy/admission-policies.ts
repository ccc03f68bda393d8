/**
 * Admission guardrails for team namespaces: built-in ValidatingAdmissionPolicies (GA since
 * Kubernetes 1.30, nothing extra to run), each bound to every namespace the platform labels as a
 * tenant. Namespaces are platform-owned (teams have no RBAC on them), so a team cannot unlabel its
 * own. Every refusal says what to do instead.
 *
 * Per-team settings (registries, hosts) come from a `platform-guardrails` ConfigMap in the team's
 * namespace (the policies' parameter), itself protected by the owned-objects policy. A missing
 * parameter refuses the request (parameterNotFoundAction: Deny), so deleting it opens nothing.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvironmentNames, TeamConfig } from '../../config';
import { LABELS } from '../lib/labels';
import { TEAM_ALERT_LABEL } from '../monitoring/alertmanager-config';
import { ARGOCD_CONTROLLER_USER } from '../gitops/argocd-release';
import { CLUSTER_ISSUERS } from '../gateway/certificate-issuers';
import { SECRET_REFRESH_INTERVAL } from '../lib/platform-secret';

/** The parameter object of the per-team policies, one in each team namespace. */
export const GUARDRAILS_CONFIGMAP = 'platform-guardrails';
/** The annotation Argo CD tracks its objects by (its default tracking method since 3.0). */
export const ARGOCD_TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';

type ResourceRule = { apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] };
type Validation = { expression: string; messageExpression?: string; message: string; reason?: string };

/** One guardrail: the policy and how its binding selects objects. */
export interface GuardrailPolicy {
  readonly name: string;
  readonly resourceRules: ResourceRule[];
  readonly matchConditions?: Array<{ name: string; expression: string }>;
  readonly variables?: Array<{ name: string; expression: string }>;
  readonly validations: Validation[];
  /** Reads the team's `platform-guardrails` ConfigMap as `params`. */
  readonly perTeam?: boolean;
  /** Only objects with these labels (old or new object), as the binding's objectSelector. */
  readonly objectLabels?: Record<string, string>;
}

const WRITE = ['CREATE', 'UPDATE'];
const rule = (apiGroup: string, resources: string[], operations = WRITE, version = 'v1'): ResourceRule =>
  ({ apiGroups: [apiGroup], apiVersions: [version], operations, resources });
const cel = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();
const str = (s: string) => `'${s.replace(/'/g, "\\'")}'`;

/**
 * Images only from the team's own repositories (its folder `<org>/<team>/` of the organisation's
 * ECR, the exact repositories its apps declare, the registries platform.yaml allows it; never
 * another team's images), pinned by tag or digest, never `latest`. cert-manager's
 * HTTP-01 solver pods (its own image, in the namespace of the certificate) are the one exception:
 * only cert-manager's controller can create them.
 */
function imageSource(names: EnvironmentNames): GuardrailPolicy {
  const certManager = names.workloadIdentity('cert-manager');
  const last = (i: string) => `${i}.split('/')[size(${i}.split('/')) - 1]`;
  return {
    name: 'platform-image-source',
    perTeam: true,
    matchConditions: [
      { name: 'not-the-acme-solver', expression: `request.userInfo.username != 'system:serviceaccount:${certManager.namespace}:${certManager.serviceAccount}'` },
      // Updates that leave the pod template alone (scaling an old ReplicaSet down, labels) pass: a
      // rollout away from an image that is no longer allowed must never be blocked.
      { name: 'pod-template-changed', expression: cel(`request.operation != 'UPDATE'
          || (object.kind == 'Pod' ? object.spec != oldObject.spec
            : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template != oldObject.spec.jobTemplate.spec.template
            : object.spec.template != oldObject.spec.template)`) },
    ],
    resourceRules: [
      rule('', ['pods', 'pods/ephemeralcontainers']),
      rule('apps', ['deployments', 'statefulsets', 'daemonsets', 'replicasets']),
      rule('batch', ['jobs', 'cronjobs']),
    ],
    variables: [
      { name: 'podSpec', expression: cel(`object.kind == 'Pod' ? object.spec
        : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec`) },
      { name: 'images', expression: cel(`variables.podSpec.containers.map(c, c.image)
        + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers.map(c, c.image) : [])
        + (has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers.map(c, c.image) : [])`) },
      { name: 'registries', expression: `params.data.registries.split(',')` },
      // Exact repositories: `checkout/worker` admits checkout/worker:1.0 but not checkout/worker/x, another repository.
      { name: 'repositories', expression: `!has(params.data.repositories) || params.data.repositories == '' ? [] : params.data.repositories.split(',')` },
      { name: 'foreign', expression: cel(`variables.images.filter(i, !variables.registries.exists(r, i.startsWith(r + '/'))
        && !variables.repositories.exists(r, i.startsWith(r + ':') || i.startsWith(r + '@')))`) },
      { name: 'unpinned', expression: `variables.images.filter(i, !i.contains('@sha256:') && !${last('i')}.contains(':'))` },
      { name: 'latest', expression: `variables.images.filter(i, ${last('i')}.split('@')[0].lowerAscii().endsWith(':latest'))` },
    ],
    validations: [
      {
        expression: 'size(variables.foreign) == 0',
        messageExpression: cel(`'image ' + variables.foreign[0] + ' is not from a registry this team may use ('
          + (variables.registries.map(r, r + '/') + variables.repositories).join(', ') + '): push it to ' + variables.registries[0]
          + '/, or ask the platform team to add its registry to teams[].guardrails.registries in platform.yaml'`),
        message: 'an image is not from a registry this team may use: push it to the team\'s folder of the organisation\'s ECR (<org>/<team>/), or ask the platform team to add its registry to teams[].guardrails.registries in platform.yaml',
        reason: 'Forbidden',
      },
      {
        expression: 'size(variables.unpinned) == 0',
        messageExpression: `'image ' + variables.unpinned[0] + ' has no tag or digest: pin it with an immutable tag (:1.4.2) or a digest (@sha256:...)'`,
        message: 'an image has no tag or digest: pin it with an immutable tag (:1.4.2) or a digest (@sha256:...)',
        reason: 'Invalid',
      },
      {
        expression: 'size(variables.latest) == 0',
        messageExpression: `'image ' + variables.latest[0] + ' uses the tag latest, which changes under a running app: pin an immutable tag (:1.4.2) or a digest (@sha256:...)'`,
        message: 'an image uses the tag latest: pin an immutable tag (:1.4.2) or a digest (@sha256:...)',
        reason: 'Invalid',
      },
    ],
  };
}

/**
 * Scheduling stays the scheduler's: no system priority (system-node-critical and
 * system-cluster-critical are usable in every namespace and preempt the platform's own pods), no
 * nodeName (which skips the scheduler and every taint). Like the image rule, only a changed pod
 * template is judged, so an old ReplicaSet always scales down.
 */
function scheduling(names: EnvironmentNames): GuardrailPolicy {
  const image = imageSource(names);
  return {
    name: 'platform-scheduling',
    matchConditions: image.matchConditions!.filter((c) => c.name === 'pod-template-changed'),
    resourceRules: [
      rule('', ['pods']),
      rule('apps', ['deployments', 'statefulsets', 'daemonsets', 'replicasets']),
      rule('batch', ['jobs', 'cronjobs']),
    ],
    variables: [
      image.variables![0],
      // Every branch a bool (no ternary between an ObjectMeta and an empty map, which the type checker refuses).
      { name: 'doNotDisrupt', expression: cel(`object.kind == 'Pod' ? ${doNotDisrupt('object.metadata')}
        : object.kind == 'CronJob' ? (has(object.spec.jobTemplate.spec.template.metadata) && ${doNotDisrupt('object.spec.jobTemplate.spec.template.metadata')})
        : (has(object.spec.template.metadata) && ${doNotDisrupt('object.spec.template.metadata')})`) },
    ],
    validations: [
      {
        // Karpenter never drains a node that runs such a pod: one annotated pod holds its node (and
        // the AMI and Kubernetes upgrades rolling over it) forever, as a PodDisruptionBudget of 0 would.
        expression: '!variables.doNotDisrupt',
        message: `the annotation ${KARPENTER_DO_NOT_DISRUPT} keeps Karpenter from ever replacing the node (node upgrades stall): remove it; a PodDisruptionBudget that allows one eviction protects your app during drains`,
        reason: 'Forbidden',
      },
      {
        expression: `!has(variables.podSpec.priorityClassName) || !variables.podSpec.priorityClassName.startsWith('system-')`,
        messageExpression: `'priorityClassName ' + variables.podSpec.priorityClassName + ' is for the cluster\\'s own components (it would evict the platform\\'s pods to make room): leave priorityClassName out'`,
        message: 'a system priority class is for the cluster\'s own components (it would evict the platform\'s pods to make room): leave priorityClassName out',
        reason: 'Forbidden',
      },
      {
        // A scheduled Pod carries the nodeName the scheduler bound it to; an update may keep it.
        expression: cel(`!has(variables.podSpec.nodeName) || variables.podSpec.nodeName == ''
          || (request.operation == 'UPDATE' && object.kind == 'Pod' && has(oldObject.spec.nodeName) && oldObject.spec.nodeName == object.spec.nodeName)`),
        message: 'spec.nodeName places a pod on a node without the scheduler (past the taints that keep team pods off the platform\'s nodes): leave it out and let the scheduler choose',
        reason: 'Forbidden',
      },
    ],
  };
}

/**
 * The claims of generic ephemeral volumes and of StatefulSets are created by kube-controller-manager
 * (kube-system service accounts, which platform-storage trusts to set volumeName as the binder
 * does): a volumeName in the team's claim template would reach an existing volume through them, so
 * the templates may not name one.
 */
function podVolumes(names: EnvironmentNames): GuardrailPolicy {
  const placement = scheduling(names);
  return {
    name: 'platform-pod-volumes',
    matchConditions: placement.matchConditions,
    resourceRules: placement.resourceRules,
    variables: placement.variables,
    validations: [{
      expression: cel(`!has(variables.podSpec.volumes) || variables.podSpec.volumes.all(v, !has(v.ephemeral)
        || !has(v.ephemeral.volumeClaimTemplate.spec.volumeName) || v.ephemeral.volumeClaimTemplate.spec.volumeName == '')`),
      message: 'an ephemeral volume\'s claim template may not name a volume (volumeName binds to an existing volume, which may hold another team\'s data): leave it out and let the StorageClass provision one',
      reason: 'Forbidden',
    }, {
      // The same for a StatefulSet's claims, which its controller (kube-system) creates.
      expression: cel(`object.kind != 'StatefulSet' || !has(object.spec.volumeClaimTemplates)
        || object.spec.volumeClaimTemplates.all(t, !has(t.spec.volumeName) || t.spec.volumeName == '')`),
      message: 'a StatefulSet\'s volumeClaimTemplates may not name a volume (volumeName binds to an existing volume, which may hold another team\'s data): leave it out and let the StorageClass provision one',
      reason: 'Forbidden',
    }],
  };
}

/** Karpenter's pod annotation that blocks every voluntary disruption of the pod's node. */
const KARPENTER_DO_NOT_DISRUPT = 'karpenter.sh/do-not-disrupt';
/** CEL: does the metadata at `m` carry Karpenter's do-not-disrupt annotation set to true? */
const doNotDisrupt = (m: string) =>
  `(has(${m}.annotations) && '${KARPENTER_DO_NOT_DISRUPT}' in ${m}.annotations && ${m}.annotations['${KARPENTER_DO_NOT_DISRUPT}'] == 'true')`;

/** Services stay inside the cluster's own routing: no ExternalName, no externalIPs, no node ports or load balancers. */
function serviceExposure(): GuardrailPolicy {
  return {
    name: 'platform-service-exposure',
    resourceRules: [rule('', ['services'])],
    validations: [
      {
        expression: `!has(object.spec.type) || object.spec.type != 'ExternalName'`,
        message: 'Services of type ExternalName are not allowed in team namespaces (they can send the gateway\'s or other apps\' traffic to any host): use a Service with a selector for your pods',
        reason: 'Forbidden',
      },
      {
        expression: '!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0',
        message: 'spec.externalIPs is not allowed (it lets a Service capture traffic for any IP on every node): remove it and expose the app through an HTTPRoute',
        reason: 'Forbidden',
      },
      {
        expression: `!has(object.spec.type) || object.spec.type in ['ClusterIP', 'ExternalName']`,
        message: 'Services of type NodePort or LoadBalancer are not allowed in team namespaces: use type ClusterIP and expose the app through an HTTPRoute',
        reason: 'Forbidden',
      },
    ],
  };
}

/**
 * The most samples one scrape of a team's target may return (Prometheus drops the whole scrape
 * above a monitor's sampleLimit). Without a limit a target that exports a label per request id
 * fills Prometheus's memory and takes every team's and the platform's alerts with it. 100000 is
 * far above an ordinary service (a few thousand series) and still bounded.
 */
export const MAX_SAMPLE_LIMIT = 100000;
/** The most targets one team monitor may select (targetLimit): the pod quota bounds it too, this keeps it explicit. */
export const MAX_TARGET_LIMIT = 1000;

/** Scrape configs cannot read Prometheus's own files nor reach into other namespaces. */
function metricsScraping(): GuardrailPolicy {
  return {
    name: 'platform-metrics-scraping',
    resourceRules: [rule('monitoring.coreos.com', ['servicemonitors', 'podmonitors', 'probes']), rule('monitoring.coreos.com', ['scrapeconfigs'], WRITE, 'v1alpha1')],
    variables: [
      { name: 'reservedLabels', expression: `['job', 'metrics_path']` },
      { name: 'endpoints', expression: cel(`object.kind == 'ServiceMonitor' ? (has(object.spec.endpoints) ? object.spec.endpoints : [])
          : object.kind == 'PodMonitor' ? (has(object.spec.podMetricsEndpoints) ? object.spec.podMetricsEndpoints : []) : []`) },
    ],
    validations: [
      {
        // sampleLimit 0 means no limit to Prometheus, so it must be set and positive; targetLimit likewise when set.
        expression: cel(`!(object.kind in ['ServiceMonitor', 'PodMonitor'])
          || (has(object.spec.sampleLimit) && object.spec.sampleLimit > 0 && object.spec.sampleLimit <= ${MAX_SAMPLE_LIMIT}
            && (!has(object.spec.targetLimit) || (object.spec.targetLimit > 0 && object.spec.targetLimit <= ${MAX_TARGET_LIMIT})))`),
        message: `a monitor must cap what Prometheus ingests from it: set spec.sampleLimit between 1 and ${MAX_SAMPLE_LIMIT} (samples per scrape of one target) and, if you set spec.targetLimit, at most ${MAX_TARGET_LIMIT}`,
        reason: 'Invalid',
      },
      {
        expression: `object.kind != 'ScrapeConfig'`,
        message: 'ScrapeConfig is platform-only: use a ServiceMonitor or PodMonitor for your own pods, or label your Service k8s-platform.io/scrape=true',
        reason: 'Forbidden',
      },
      {
        expression: cel(`object.kind != 'ServiceMonitor' || !has(object.spec.endpoints) || !object.spec.endpoints.exists(e,
          has(e.bearerTokenFile) || (has(e.tlsConfig) && (has(e.tlsConfig.caFile) || has(e.tlsConfig.certFile) || has(e.tlsConfig.keyFile))))`),
        message: 'a ServiceMonitor may not name files on Prometheus\'s disk (bearerTokenFile, tlsConfig.caFile/certFile/keyFile): Prometheus would send its own credentials to your pod. Use authorization.credentials, tlsConfig.ca/cert/keySecret with Secrets in your namespace',
        reason: 'Forbidden',
      },
      {
        // Rewriting the target address turns Prometheus into a proxy to anything it can reach. A
        // label name is written by a relabeling's targetLabel (which expands $1 / \${1} from the
        // regex) or by labelmap (its replacement, $1 by default): both may spell __address__ out of
        // a captured value, so a templated targetLabel is refused and labelmap must name a label
        // that starts with a letter.
        expression: cel(`variables.endpoints.all(e, !has(e.relabelings) || !e.relabelings.exists(r,
          (has(r.targetLabel) && (r.targetLabel == '__address__' || r.targetLabel.contains('$')))
          || (has(r.action) && r.action.lowerAscii() == 'labelmap' && (!has(r.replacement) || !r.replacement.matches('^[a-zA-Z]')))))`),
        message: 'a monitor may not rewrite __address__ (Prometheus would scrape whatever it names), nor write a label name from a captured value ($ in targetLabel, labelmap without a replacement that starts with a letter): select your pods or Services and scrape their metrics port',
        reason: 'Forbidden',
      },
      {
        // The platform's down-alerts read absent(up{job="kubelet", metrics_path="/metrics"} == 1):
        // a team target whose up carries such a job keeps them from firing. job is the monitor's own
        // (<namespace>/<name>); no relabeling, labelmap, jobLabel or copied label may write it.
        expression: cel(`!has(object.spec.jobLabel)
          && (!has(object.spec.targetLabels) || !object.spec.targetLabels.exists(l, l in variables.reservedLabels))
          && (!has(object.spec.podTargetLabels) || !object.spec.podTargetLabels.exists(l, l in variables.reservedLabels))
          && variables.endpoints.all(e, !has(e.relabelings) || !e.relabelings.exists(r,
            (has(r.targetLabel) && r.targetLabel in variables.reservedLabels)
            || (has(r.action) && r.action.lowerAscii() == 'labelmap' && has(r.replacement)
                && variables.reservedLabels.exists(n, n.startsWith(r.replacement.split('$')[0])))))`),
        message: 'a monitor may not set the job or metrics_path label (jobLabel, targetLabels, podTargetLabels, a relabeling or labelmap that writes them): the platform\'s alerts tell its own targets by them. Your targets\' job is <namespace>/<monitor name>; put your own value in another label',
        reason: 'Forbidden',
      },
      {
        // honorLabels keeps the labels a pod exposes over the target's: a pod could publish
        // up{job="kubelet"} 1 and keep the platform's absent(up{job="kubelet"} == 1) from firing.
        expression: `variables.endpoints.all(e, !has(e.honorLabels) || !e.honorLabels)`,
        message: 'a monitor may not set honorLabels: your pod\'s labels could pass for the platform\'s targets (job, instance). Prometheus keeps them as exported_<label>',
        reason: 'Forbidden',
      },
      {
        // A proxy is another way of choosing where Prometheus connects: it would send the scrape to the proxy's address.
        expression: `variables.endpoints.all(e, !has(e.proxyUrl))`,
        message: 'a monitor may not send Prometheus through a proxy (proxyUrl): Prometheus scrapes your pods directly',
        reason: 'Forbidden',
      },
      {
        expression: cel(`!has(object.spec.namespaceSelector)
          || ((!has(object.spec.namespaceSelector.any) || !object.spec.namespaceSelector.any)
              && (!has(object.spec.namespaceSelector.matchNames) || object.spec.namespaceSelector.matchNames.all(n, n == request.namespace)))`),
        messageExpression: `'a monitor in ' + request.namespace + ' may only select targets in ' + request.namespace + ': remove namespaceSelector (or list only ' + request.namespace + ')'`,
        message: 'a monitor may only select targets in its own namespace: remove namespaceSelector',
        reason: 'Forbidden',
      },
    ],
  };
}

/** Team alerting rules carry the team label, so they route to the team's receivers and never the platform pager. */
function teamAlerts(): GuardrailPolicy {
  return {
    name: 'platform-team-alerts',
    perTeam: true,
    resourceRules: [rule('monitoring.coreos.com', ['prometheusrules'])],
    variables: [
      { name: 'unlabelled', expression: cel(`object.spec.groups.map(g, has(g.rules) ? g.rules : []).exists(rs, rs.exists(r, has(r.alert)
          && (!has(r.labels) || !('${TEAM_ALERT_LABEL}' in r.labels) || r.labels['${TEAM_ALERT_LABEL}'] != params.data.team)))`) },
    ],
    validations: [{
      // A recording rule named like a scraped metric adds series to it: `record: up` with
      // job: kubelet keeps the platform's absent(up{job="kubelet"} == 1) from ever firing. Exporters
      // never use colons (Prometheus reserves them for recording rules), so a name with one shadows none.
      expression: cel(`!object.spec.groups.exists(g, has(g.rules) && g.rules.exists(r, has(r.record) && !r.record.contains(':')))`),
      message: 'a recording rule\'s name must contain a colon, as Prometheus recommends (level:metric:operations, e.g. job:http_requests:rate5m): a name without one can shadow a scraped metric the platform\'s alerts rely on',
      reason: 'Invalid',
    }, {
      expression: '!variables.unlabelled',
      messageExpression: `'every alerting rule needs the label ${TEAM_ALERT_LABEL}: ' + params.data.team + ' (its alerts go to your team\\'s receivers, set in platform.yaml alerting.receivers[].team)'`,
      message: `an alerting rule lacks the label ${TEAM_ALERT_LABEL}: add ${TEAM_ALERT_LABEL}: <your team> to every alerting rule, so its alerts reach your team's receivers`,
      reason: 'Invalid',
    }],
  };
}

/** Ingress hosts and route hostnames only from the team's own names. */
function teamHosts(): GuardrailPolicy {
  return {
    name: 'platform-team-hosts',
    perTeam: true,
    resourceRules: [rule('networking.k8s.io', ['ingresses']), rule('gateway.networking.k8s.io', ['httproutes'])],
    variables: [
      { name: 'allowed', expression: `params.data.hosts == '' ? [] : params.data.hosts.split(',')` },
      // An Ingress rule without a host would serve every name.
      { name: 'requested', expression: cel(`object.kind == 'HTTPRoute'
          ? (has(object.spec.hostnames) ? object.spec.hostnames : [])
          : (has(object.spec.rules) ? object.spec.rules.map(r, has(r.host) ? r.host : '*') : [])`) },
      // `*.zone` allows every name inside the zone (not the zone itself).
      { name: 'foreign', expression: `variables.requested.filter(h, !variables.allowed.exists(a, a == h || (a.startsWith('*.') && h.endsWith(a.substring(1)))))` },
    ],
    validations: [
      {
        expression: 'size(variables.foreign) == 0',
        messageExpression: cel(`'host ' + variables.foreign[0] + ' is not one of this team\\'s hosts ('
          + (size(variables.allowed) == 0 ? 'none yet' : variables.allowed.join(', '))
          + '): declare the app in platform.yaml (teams[].apps[].host) to get a host'`),
        message: 'a host is not one of this team\'s hosts: declare the app in platform.yaml (teams[].apps[].host) to get a host',
        reason: 'Forbidden',
      },
      {
        // Certificates for TLS hosts come from the platform's ClusterIssuers: only for the team's names.
        expression: cel(`object.kind != 'Ingress' || !has(object.spec.tls) || object.spec.tls.all(t, !has(t.hosts)
          || t.hosts.all(h, variables.allowed.exists(a, a == h || (a.startsWith('*.') && h.endsWith(a.substring(1))))))`),
        message: 'a TLS host is not one of this team\'s hosts: certificates are issued only for the hosts of the team\'s apps in platform.yaml',
        reason: 'Forbidden',
      },
      {
        // cert-manager's ingress-shim turns an Ingress's annotations into a Certificate in the team's
        // namespace: cert-manager.io/alt-names, ip-sans, uri-sans, email-sans and common-name add
        // names the TLS hosts above never show (a publicly trusted certificate for a platform host
        // over the DNS-01 issuer), and the private CA signs whatever it is asked.
        expression: cel(`!has(object.metadata.annotations) || object.metadata.annotations.all(k, !k.startsWith('cert-manager.io/')
          || (k == 'cert-manager.io/cluster-issuer' && object.metadata.annotations[k] in [${PUBLIC_ISSUERS.map(str).join(', ')}]))`),
        message: `the only cert-manager annotation a team may set is cert-manager.io/cluster-issuer (${PUBLIC_ISSUERS.join(', ')}): the certificate's names come from the TLS hosts, which must be the team's own (teams[].apps[].host in platform.yaml)`,
        reason: 'Forbidden',
      },
    ],
  };
}

/** The ClusterIssuers a team's Ingress may name: the public ACME ones (the private CA is for the platform's internal names). */
const PUBLIC_ISSUERS = [CLUSTER_ISSUERS.letsencrypt, CLUSTER_ISSUERS.letsencryptDns, CLUSTER_ISSUERS.letsencryptStaging];

/** The shortest refresh interval a team's ExternalSecret may ask for (0, no refresh, is allowed). */
export const MIN_REFRESH_INTERVAL = '1m';

/** Secrets only through the team's own SecretStore: never the platform's store, never a generator, never refreshed more than once a minute. */
function externalSecrets(): GuardrailPolicy {
  const storeKinds = (list: string) => `(has(object.spec.${list}) ? object.spec.${list}.filter(d, has(d.sourceRef) && has(d.sourceRef.storeRef) && has(d.sourceRef.storeRef.kind)).map(d, d.sourceRef.storeRef.kind) : [])`;
  const generators = (list: string) => `(has(object.spec.${list}) && object.spec.${list}.exists(d, has(d.sourceRef) && has(d.sourceRef.generatorRef)))`;
  return {
    name: 'platform-external-secrets',
    resourceRules: [rule('external-secrets.io', ['externalsecrets'])],
    variables: [
      { name: 'storeKinds', expression: cel(`(has(object.spec.secretStoreRef) && has(object.spec.secretStoreRef.kind) ? [object.spec.secretStoreRef.kind] : [])
          + ${storeKinds('data')} + ${storeKinds('dataFrom')}`) },
    ],
    validations: [
      {
        expression: `!variables.storeKinds.exists(k, k == 'ClusterSecretStore')`,
        message: 'an ExternalSecret in a team namespace reads through the team\'s store: use secretStoreRef {kind: SecretStore, name: team-secrets} and keep your secrets under your team\'s prefix',
        reason: 'Forbidden',
      },
      {
        // Each refresh reads every key from the backend (AWS bills Secrets Manager per call and
        // throttles the account, the platform's own reads included). 0 means never refresh.
        expression: cel(`!has(object.spec.refreshInterval)
          || duration(object.spec.refreshInterval) == duration('0s') || duration(object.spec.refreshInterval) >= duration('${MIN_REFRESH_INTERVAL}')`),
        messageExpression: `'refreshInterval ' + object.spec.refreshInterval + ' would read the secret backend too often: use at least ${MIN_REFRESH_INTERVAL} (the platform uses ${SECRET_REFRESH_INTERVAL}), or 0 to read it once'`,
        message: `refreshInterval is too short (it would read the secret backend too often): use at least ${MIN_REFRESH_INTERVAL} (the platform uses ${SECRET_REFRESH_INTERVAL}), or 0 to read it once`,
        reason: 'Invalid',
      },
      {
        expression: `!${generators('data')} && !${generators('dataFrom')}`,
        message: 'generators are not offered to teams (they would mint credentials with the platform\'s identity): store the value under your team\'s prefix and read it through team-secrets',
        reason: 'Forbidden',
      },
    ],
  };
}

/** Volumes only freshly provisioned: no claiming an existing volume (another team's retained data) by name. */
function storage(): GuardrailPolicy {
  return {
    name: 'platform-storage',
    resourceRules: [rule('', ['persistentvolumeclaims'])],
    validations: [
      {
        // The volume binder sets volumeName when it binds; a team may not. Only the binder: other
        // kube-system controllers create claims from a team's templates (ephemeral volumes, StatefulSets).
        expression: cel(`!has(object.spec.volumeName) || object.spec.volumeName == ''
          || (request.operation == 'UPDATE' && has(oldObject.spec.volumeName) && oldObject.spec.volumeName == object.spec.volumeName)
          || request.userInfo.username == 'system:serviceaccount:kube-system:persistent-volume-binder'`),
        message: 'spec.volumeName binds a claim to an existing volume, which may hold another team\'s data: leave it out and let the StorageClass provision a new volume',
        reason: 'Forbidden',
      },
      {
        expression: '!has(object.spec.dataSourceRef) || !has(object.spec.dataSourceRef.namespace) || object.spec.dataSourceRef.namespace == request.namespace',
        messageExpression: `'a volume may only be restored from a source in ' + request.namespace + ': remove dataSourceRef.namespace'`,
        message: 'a volume may only be restored from a source in its own namespace: remove dataSourceRef.namespace',
        reason: 'Forbidden',
      },
    ],
  };
}

/** Disruption budgets that let a node drain: one that allows no eviction would stall every node upgrade. */
function disruptionBudgets(): GuardrailPolicy {
  return {
    name: 'platform-disruption-budgets',
    resourceRules: [rule('policy', ['poddisruptionbudgets'])],
    validations: [{
      expression: cel(`!(has(object.spec.maxUnavailable) && string(object.spec.maxUnavailable) in ['0', '0%'])
        && !(has(object.spec.minAvailable) && string(object.spec.minAvailable) == '100%')`),
      message: 'a PodDisruptionBudget must allow at least one pod to be evicted (maxUnavailable 0 or minAvailable 100% blocks node upgrades): use maxUnavailable: 1',
      reason: 'Forbidden',
    }],
  };
}

/**
 * NetworkPolicies, quotas, limits and the guardrail parameters the platform puts in a team
 * namespace stay as git says: only the platform's own principals change or delete them, and Argo CD
 * only on behalf of the Application that already tracks them (a team's Application would change the
 * tracking id).
 */
function ownedObjects(names: EnvironmentNames): GuardrailPolicy {
  const platformGroups = ['system:masters', 'system:serviceaccounts:kube-system', ...names.platform.identity.adminGroups.map((g) => names.oidcGroup(g))];
  // Break-glass IAM roles (aws.adminRoles) come in through EKS access entries as their STS session, without groups.
  const adminSessions = names.platform.aws.adminRoles.map((r) => `arn:aws:sts::${names.platform.aws.accountId}:assumed-role/${r}/`);
  const tracking = (o: string) => `has(${o}.metadata.annotations) && '${ARGOCD_TRACKING_ANNOTATION}' in ${o}.metadata.annotations`;
  return {
    name: 'platform-owned-objects',
    objectLabels: { [LABELS.owner]: 'platform' },
    resourceRules: [
      rule('', ['configmaps', 'resourcequotas', 'limitranges'], ['UPDATE', 'DELETE']),
      rule('networking.k8s.io', ['networkpolicies'], ['UPDATE', 'DELETE']),
    ],
    variables: [
      { name: 'platformPrincipal', expression: cel(`(has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in [${platformGroups.map(str).join(', ')}]))
          || [${adminSessions.map(str).join(', ')}].exists(p, request.userInfo.username.startsWith(p))`) },
      { name: 'argocd', expression: `request.userInfo.username == ${str(ARGOCD_CONTROLLER_USER)}` },
      { name: 'sameTracker', expression: cel(`request.operation == 'DELETE' || (${tracking('oldObject')} && ${tracking('object')}
          && object.metadata.annotations['${ARGOCD_TRACKING_ANNOTATION}'] == oldObject.metadata.annotations['${ARGOCD_TRACKING_ANNOTATION}'])`) },
    ],
    validations: [{
      expression: 'variables.platformPrincipal || (variables.argocd && variables.sameTracker)',
      messageExpression: cel(`oldObject.kind + ' ' + oldObject.metadata.name + ' belongs to the platform (label ${LABELS.owner}=platform) and changes only through platform.yaml:
        add your own ' + oldObject.kind + ' next to it instead'`),
      message: `this object belongs to the platform (label ${LABELS.owner}=platform) and changes only through platform.yaml: add your own next to it instead`,
      reason: 'Forbidden',
    }],
  };
}

/** Every guardrail of an environment, in a stable order. */
export function guardrailPolicies(names: EnvironmentNames): GuardrailPolicy[] {
  return [imageSource(names), scheduling(names), podVolumes(names), serviceExposure(), metricsScraping(), teamAlerts(), teamHosts(), externalSecrets(), storage(), disruptionBudgets(), ownedObjects(names)];
}

/** The policies and one binding each, matching every tenant namespace. */
export class TenantAdmissionPolicies extends Construct {
  constructor(scope: Construct, id: string, props: { names: EnvironmentNames }) {
    super(scope, id);
    for (const policy of guardrailPolicies(props.names)) {
      new ApiObject(this, policy.name, {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: policy.name },
        spec: {
          failurePolicy: 'Fail',
          ...(policy.perTeam ? { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' } } : {}),
          matchConstraints: { resourceRules: policy.resourceRules },
          ...(policy.matchConditions ? { matchConditions: policy.matchConditions } : {}),
          ...(policy.variables ? { variables: policy.variables } : {}),
          validations: policy.validations,
        },
      });
      new ApiObject(this, `${policy.name}-binding`, {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: policy.name },
        spec: {
          policyName: policy.name,
          validationActions: ['Deny'],
          // No namespace: the parameter is read from the namespace of the object under review.
          ...(policy.perTeam ? { paramRef: { name: GUARDRAILS_CONFIGMAP, parameterNotFoundAction: 'Deny' } } : {}),
          matchResources: {
            namespaceSelector: { matchLabels: { [LABELS.tenant]: 'true' } },
            ...(policy.objectLabels ? { objectSelector: { matchLabels: policy.objectLabels } } : {}),
          },
        },
      });
    }
  }
}

/** The per-team parameter of the guardrails, platform-owned. */
export class TeamGuardrails extends Construct {
  constructor(scope: Construct, id: string, props: { names: EnvironmentNames; team: TeamConfig; namespace: string }) {
    super(scope, id);
    const { names, team, namespace } = props;
    new ApiObject(this, 'params', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: GUARDRAILS_CONFIGMAP, namespace, labels: { [LABELS.owner]: 'platform', [LABELS.team]: team.name } },
      data: {
        team: team.name,
        registries: names.imageRegistries(team).join(','),
        repositories: names.imageRepositories(team).join(','),
        hosts: names.teamHosts(team).join(','),
      },
    });
  }
}
