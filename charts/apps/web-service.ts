/**
 * The golden path for a team's HTTP service. A few lines of config give a Deployment that passes
 * Pod Security `restricted`, spreads over zones, has probes and right-sized resources, plus its
 * Service, an HTTPRoute serving HTTPS on the team's host (attached to the team's own ListenerSet,
 * whose wildcard certificate covers it), metrics scraping, a disruption budget, an autoscaler,
 * secrets from the team's vault prefix, and a NetworkPolicy admitting the gateway's proxies and
 * Prometheus. `npm run check` holds the result to the same bar.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy } from '../../imports/externalsecret-external-secrets.io';
import { ServiceMonitor } from '../../imports/servicemonitor-monitoring.coreos.com';
import { AppConfig, appMaxReplicas, EnvironmentNames, PLATFORM_NAMESPACES, ROLLING_UPDATE_SURGE, secretEnvName, TeamConfig } from '../../config';
import { teamParentRef } from '../gateway/platform-gateway';
import { LABELS, PROMETHEUS_POD_LABELS } from '../lib/labels';
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from '../lib/pod-security';
import { SECRET_REFRESH_INTERVAL, TEAM_SECRET_STORE } from '../lib/platform-secret';
import { MAX_SAMPLE_LIMIT } from '../tenancy/admission-policies';

export interface WebServiceProps {
  readonly names: EnvironmentNames;
  readonly team: TeamConfig;
  readonly app: AppConfig;
  /**
   * Target CPU utilisation for the autoscaler, in percent of the request.
   * @default 70
   */
  readonly targetCpuUtilization?: number;
}

// Derived in config/names.ts: the schema refuses two secrets of one app with the same variable.
export { secretEnvName } from '../../config';

const HTTP_PORT_NAME = 'http';
/**
 * Samples one scrape of an app's pod may return: the most the platform-metrics-scraping policy
 * allows, so an ordinary app never loses its metrics to the cap (a scrape above it fails whole).
 */
const APP_SAMPLE_LIMIT = MAX_SAMPLE_LIMIT;

export class WebService extends Construct {
  readonly host: string;
  readonly image: string;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const { names, team, app } = props;
    const ns = names.teamNamespace(team);
    const name = app.name;
    const labels = { [LABELS.name]: name, [LABELS.partOf]: team.name, [LABELS.team]: team.name };
    const selector = { [LABELS.name]: name };
    const separator = app.tag.startsWith('sha256:') ? '@' : ':';
    this.image = `${names.ecrRegistry()}/${names.ecrRepository(team, app)}${separator}${app.tag}`;
    this.host = names.appHostname(team, app);
    const metadata = { name, namespace: ns, labels };
    const secretName = `${name}-env`;

    new k8s.KubeServiceAccount(this, 'service-account', { metadata, automountServiceAccountToken: false });

    if (app.secrets.length > 0) {
      // Read through the team's SecretStore: only the team's own prefix is reachable.
      new ExternalSecret(this, 'secrets', {
        metadata: { name: secretName, namespace: ns, labels },
        spec: {
          refreshInterval: SECRET_REFRESH_INTERVAL,
          secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.SECRET_STORE, name: TEAM_SECRET_STORE },
          target: { name: secretName, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER },
          data: app.secrets.map((ref) => ({ secretKey: secretEnvName(ref), remoteRef: { key: ref } })),
        },
      });
    }

    const probe = (initialDelaySeconds: number, failureThreshold: number): k8s.Probe => ({
      httpGet: { path: app.healthPath, port: k8s.IntOrString.fromString(HTTP_PORT_NAME) },
      initialDelaySeconds, periodSeconds: 10, timeoutSeconds: 2, failureThreshold,
    });
    const spread = (topologyKey: string): k8s.TopologySpreadConstraint => ({
      maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector },
    });

    new k8s.KubeDeployment(this, 'deployment', {
      metadata,
      spec: {
        // The autoscaler owns the replica count once it exists; this is the starting point.
        replicas: app.replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromString(ROLLING_UPDATE_SURGE) } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            securityContext: RESTRICTED_POD_SECURITY_CONTEXT,
            topologySpreadConstraints: [spread('topology.kubernetes.io/zone'), spread('kubernetes.io/hostname')],
            terminationGracePeriodSeconds: 30,
            containers: [{
              name,
              image: this.image,
              ports: [{ name: HTTP_PORT_NAME, containerPort: app.port, protocol: 'TCP' }],
              envFrom: app.secrets.length > 0 ? [{ secretRef: { name: secretName } }] : undefined,
              resources: {
                requests: { cpu: k8s.Quantity.fromString(app.resources.cpu), memory: k8s.Quantity.fromString(app.resources.memory) },
                // Memory limit = request: the node never promises memory it lacks. No CPU limit: throttling hurts latency more than sharing.
                limits: { memory: k8s.Quantity.fromString(app.resources.memory) },
              },
              readinessProbe: probe(5, 3),
              livenessProbe: probe(20, 6),
              securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
          },
        },
      },
    });

    new k8s.KubeService(this, 'service', {
      metadata,
      spec: { selector, ports: [{ name: HTTP_PORT_NAME, port: 80, targetPort: k8s.IntOrString.fromString(HTTP_PORT_NAME), protocol: 'TCP' }] },
    });

    // Plain ApiObject, checked against the Gateway API CRDs (and their CEL rules) by the schema tests.
    new ApiObject(this, 'route', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata,
      spec: {
        parentRefs: [teamParentRef(names, team)],
        hostnames: [this.host],
        rules: [{
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [{ group: '', kind: 'Service', name, port: 80, weight: 1 }],
        }],
      },
    });

    if (app.metricsPath) {
      new ServiceMonitor(this, 'metrics', {
        metadata,
        spec: { selector: { matchLabels: selector }, endpoints: [{ port: HTTP_PORT_NAME, path: app.metricsPath, interval: '30s' }], sampleLimit: APP_SAMPLE_LIMIT },
      });
    }

    // One replica may be down for a node drain; a single replica must be allowed to move at all.
    new k8s.KubePodDisruptionBudget(this, 'disruption-budget', {
      metadata,
      spec: { selector: { matchLabels: selector }, maxUnavailable: k8s.IntOrString.fromNumber(1) },
    });

    new k8s.KubeHorizontalPodAutoscalerV2(this, 'autoscaler', {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: app.replicas,
        maxReplicas: appMaxReplicas(app),
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.targetCpuUtilization ?? 70 } } }],
      },
    });

    const fromNamespace = (n: string): k8s.NetworkPolicyPeer => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } } });
    new k8s.KubeNetworkPolicy(this, 'network-policy', {
      metadata: { name: `${name}-ingress`, namespace: ns, labels },
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress'],
        ingress: [{
          // Prometheus, not all of monitoring: Grafana there faces the internet.
          from: [fromNamespace(PLATFORM_NAMESPACES.gateway), { ...fromNamespace(PLATFORM_NAMESPACES.monitoring), podSelector: { matchLabels: PROMETHEUS_POD_LABELS } }],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(app.port) }],
        }],
      },
    });
  }
}
