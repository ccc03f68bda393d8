/**
 * The in-cluster log store (logging.backend: elasticsearch): Elasticsearch and Kibana run by ECK,
 * HTTPS with a certificate from the platform's private CA, a data stream whose retention is the
 * environment's `logging.retentionDays`, and least-privilege users for the shipper, the readers and
 * the exporter. Kibana sits behind the platform's SSO.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyRotationPolicy } from '../../imports/certificate-cert-manager.io';
import { EnvironmentNames, HELM_CHARTS, IMAGES, PLATFORM_NAMESPACES } from '../../config';
import { CLUSTER_ISSUERS } from '../gateway/certificate-issuers';
import { HelmRelease, SYNC_WAVE } from '../lib/platform-chart';
import { PlatformSecret } from '../lib/platform-secret';
import { PostSyncJob } from '../lib/post-sync-job';
import { PlatformUiRoute } from '../sso';
import { LogOutput } from './fluent-bit';

/** Name of the Elasticsearch and Kibana resources; ECK derives service names from it. */
export const LOG_STORE_NAME = 'logs';
const NAMESPACE = PLATFORM_NAMESPACES.logStore;
const ES_SERVICE = `${LOG_STORE_NAME}-es-http`;
export const LOG_STORE_URL = `https://${ES_SERVICE}.${NAMESPACE}.svc:9200`;
const KIBANA_SERVICE = `${LOG_STORE_NAME}-kb-http`;
export const KIBANA_URL = `https://${KIBANA_SERVICE}.${NAMESPACE}.svc:5601`;
const KIBANA_TLS_SECRET = `${KIBANA_SERVICE}-tls`;
/** cert-manager writes the HTTP certificate (with the CA as ca.crt) here; ECK serves it. */
export const LOG_STORE_TLS_SECRET = `${ES_SERVICE}-tls`;
/** Passwords of the log store's users, from the backend (`<prefix>/platform/logging/users`). */
export const LOG_STORE_USERS_SECRET = 'log-store-users';
/** The shipper's password and the CA, in Fluent Bit's namespace. */
export const LOG_SHIPPER_SECRET = 'log-shipper';

/** Users the setup job creates, each with only the privileges its job needs. */
export const LOG_STORE_USERS = {
  /** Fluent Bit: append documents to the Kubernetes log streams, nothing else. */
  shipper: { name: 'fluent-bit', role: 'log-shipper', property: 'fluentBit', env: 'FLUENT_BIT_PASSWORD' },
  /** Kibana's anonymous session behind SSO: read logs, use Discover and dashboards. */
  reader: { name: 'logs-viewer', role: 'log-reader', property: 'logsViewer', env: 'LOGS_VIEWER_PASSWORD' },
  /** elasticsearch_exporter: cluster and index statistics. */
  exporter: { name: 'log-store-exporter', role: 'log-store-monitor', property: 'exporter', env: 'EXPORTER_PASSWORD' },
} as const;

/** The data streams Fluent Bit writes: logs-kubernetes-<env>. */
const STREAM_PATTERN = 'logs-kubernetes-*';

export interface ElasticLogStoreProps {
  readonly names: EnvironmentNames;
  /** IdP groups that may open Kibana. */
  readonly readerGroups: string[];
}

/** One API call of the setup job. Bodies may reference the job's password variables. */
export interface LogStoreRequest {
  /** @default elasticsearch */
  readonly api?: 'elasticsearch' | 'kibana';
  readonly method: 'PUT' | 'POST';
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/** What the setup job sends: the data stream template with retention, then roles, then users. */
export function logStoreRequests(names: EnvironmentNames): LogStoreRequest[] {
  const prod = names.environment.production;
  const users = Object.values(LOG_STORE_USERS);
  return [
    {
      method: 'PUT', path: '/_index_template/logs-kubernetes',
      body: {
        index_patterns: [STREAM_PATTERN],
        data_stream: {},
        // Above the built-in logs-*-* template (priority 100), which would apply ILM without deletion.
        priority: 500,
        template: {
          // Data stream lifecycle: Elasticsearch deletes backing indices older than this.
          lifecycle: { data_retention: `${names.environment.logging.retentionDays}d` },
          // A single-node store cannot place replicas; it would be yellow, never green.
          settings: { number_of_shards: 1, number_of_replicas: prod ? 1 : 0 },
        },
      },
    },
    {
      method: 'PUT', path: `/_security/role/${LOG_STORE_USERS.shipper.role}`,
      body: { cluster: ['monitor'], indices: [{ names: [STREAM_PATTERN], privileges: ['create_doc', 'auto_configure'] }] },
    },
    {
      method: 'PUT', path: `/_security/role/${LOG_STORE_USERS.reader.role}`,
      body: {
        indices: [{ names: [STREAM_PATTERN], privileges: ['read', 'view_index_metadata'] }],
        applications: [{
          application: 'kibana-.kibana',
          privileges: ['feature_discover.all', 'feature_dashboard.all', 'feature_visualize.all', 'feature_indexPatterns.all'],
          resources: ['*'],
        }],
      },
    },
    {
      method: 'PUT', path: `/_security/role/${LOG_STORE_USERS.exporter.role}`,
      body: { cluster: ['monitor'], indices: [{ names: ['*'], privileges: ['monitor'] }] },
    },
    ...users.map((u): LogStoreRequest => ({
      method: 'PUT', path: `/_security/user/${u.name}`,
      body: { password: `\${${u.env}}`, roles: [u.role] },
    })),
    {
      // Discover works on first visit: the data view over every environment's log stream.
      api: 'kibana', method: 'POST', path: '/api/data_views/data_view',
      body: { data_view: { id: 'logs-kubernetes', name: 'Kubernetes logs', title: STREAM_PATTERN, timeFieldName: '@timestamp' }, override: true },
    },
  ];
}

/** The job's shell script: each request through curl, retried until Elasticsearch answers. */
export function logStoreSetupScript(requests: LogStoreRequest[]): string {
  const calls = requests.map((r) => {
    const body = JSON.stringify(r.body);
    // The heredoc expands only ${VAR}; anything else shell-special in a body would be a bug here.
    if (/[`\\]|\$(?!\{[A-Z_]+\})/.test(body)) throw new Error(`setup request ${r.path}: body has shell-special characters`);
    return `${r.api === 'kibana' ? 'kb' : 'es'} ${r.method} ${r.path} <<EOF\n${body}\nEOF`;
  });
  return [
    'set -eu',
    // Credentials go through a config file, not the command line.
    'auth="${TMPDIR:-/tmp}/es-auth"',
    `printf 'user = "elastic:%s"\\n' "$ELASTIC_PASSWORD" > "$auth"`,
    `call() { curl --silent --show-error --fail-with-body --retry 30 --retry-delay 10 --retry-all-errors --config "$auth" -H 'Content-Type: application/json' "$@" --data-binary @-; echo; }`,
    `es() { call --cacert /ca/ca.crt -X "$1" "${LOG_STORE_URL}$2"; }`,
    // Kibana refuses API writes without this header (CSRF protection).
    `kb() { call --cacert /ca/ca.crt -H 'kbn-xsrf: true' -X "$1" "${KIBANA_URL}$2"; }`,
    ...calls,
    '',
  ].join('\n');
}

/** Fluent Bit's output to this store. */
export function elasticsearchOutput(names: EnvironmentNames): LogOutput {
  return {
    settings: [
      ['Name', 'es'],
      ['Host', `${ES_SERVICE}.${NAMESPACE}.svc`],
      ['Port', 9200],
      ['HTTP_User', LOG_STORE_USERS.shipper.name],
      ['HTTP_Passwd', `\${${LOG_STORE_USERS.shipper.env}}`],
      ['tls', 'On'],
      ['tls.verify', 'On'],
      ['tls.ca_file', '/fluent-bit/log-store/ca.crt'],
      // A data stream: Elasticsearch applies the template (and its retention) on first write.
      ['Index', `logs-kubernetes-${names.env}`],
      ['Suppress_Type_Name', 'On'],
      // Label keys like app.kubernetes.io/name would clash with `app` as an object in the mapping.
      ['Replace_Dots', 'On'],
      ['Trace_Error', 'On'],
    ],
    env: [{ name: LOG_STORE_USERS.shipper.env, valueFrom: { secretKeyRef: { name: LOG_SHIPPER_SECRET, key: 'password' } } }],
    volumes: [{ name: 'log-store', secret: { secretName: LOG_SHIPPER_SECRET, items: [{ key: 'ca.crt', path: 'ca.crt' }] } }],
    volumeMounts: [{ name: 'log-store', mountPath: '/fluent-bit/log-store', readOnly: true }],
  };
}

/** The Operator that runs Elasticsearch and Kibana. */
/** The ECK operator's metrics port (scraped through the chart's PodMonitor). */
export const ECK_OPERATOR_METRICS_PORT = 8080;

export function eckOperatorRelease(production = false): HelmRelease {
  return {
    name: 'eck-operator',
    namespace: PLATFORM_NAMESPACES.eckOperator,
    chart: HELM_CHARTS.eckOperator,
    wave: SYNC_WAVE.operators,
    podSecurity: 'restricted',
    serverSideApply: true, // the Elasticsearch CRD is larger than client-side apply's annotation limit
    values: {
      installCRDs: true,
      podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      telemetry: { disabled: true },
      // `config.metrics.port` replaces the deprecated `config.metricsPort` (ECK 3.x).
      config: { metrics: { port: String(ECK_OPERATOR_METRICS_PORT) } },
      podMonitor: { enabled: true, interval: '30s' },
      // The operator also serves the validating webhook for Elasticsearch and Kibana; leader election is built in.
      replicaCount: production ? 2 : 1,
      podDisruptionBudget: { enabled: production, minAvailable: 1 },
    },
  };
}

/** Cluster health, for the LogStoreNotGreen alert and the logging dashboard. */
export function elasticsearchExporterRelease(): HelmRelease {
  return {
    name: 'elasticsearch-exporter',
    namespace: NAMESPACE,
    chart: HELM_CHARTS.elasticsearchExporter,
    wave: SYNC_WAVE.controllers,
    // The log store's namespace: ECK's Elasticsearch pods meet baseline, not every rule of restricted.
    podSecurity: 'baseline',
    values: {
      es: {
        uri: LOG_STORE_URL,
        all: true,
        indices: true,
        // Mappings need view_index_metadata, which the read-only exporter user does not have (403s).
        indices_mappings: false,
        shards: false,
        snapshots: false,
        ssl: { enabled: true, useExistingSecrets: true, ca: { path: '/ssl/ca.crt' }, client: { enabled: false } },
      },
      secretMounts: [{ name: 'log-store-ca', secretName: LOG_STORE_TLS_SECRET, path: '/ssl' }],
      env: { ES_USERNAME: LOG_STORE_USERS.exporter.name },
      extraEnvSecrets: { ES_PASSWORD: { secret: LOG_STORE_USERS_SECRET, key: LOG_STORE_USERS.exporter.property } },
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      serviceMonitor: { enabled: true },
    },
  };
}

export class ElasticLogStore extends Construct {
  readonly kibanaHost: string;

  constructor(scope: Construct, id: string, props: ElasticLogStoreProps) {
    super(scope, id);
    const { names } = props;
    const prod = names.environment.production;
    const ns = NAMESPACE;
    this.kibanaHost = names.hostname('logs');
    const passwordEnv = (u: { env: string; property: string }) =>
      ({ name: u.env, valueFrom: { secretKeyRef: { name: LOG_STORE_USERS_SECRET, key: u.property } } });

    new PlatformSecret(this, 'users', {
      names, name: LOG_STORE_USERS_SECRET, namespace: ns, key: 'logging/users',
      properties: Object.fromEntries(Object.values(LOG_STORE_USERS).map((u) => [u.property, u.property])),
    });
    new PlatformSecret(this, 'shipper', {
      names, name: LOG_SHIPPER_SECRET, namespace: PLATFORM_NAMESPACES.logging,
      properties: {
        password: { key: 'logging/users', property: LOG_STORE_USERS.shipper.property },
        // The private CA's certificate (public) lets Fluent Bit verify the store it sends to.
        'ca.crt': { key: 'cert-manager/private-ca', property: 'certificate' },
      },
    });

    // Both services serve a private-CA certificate: passwords never cross the network in clear.
    const serviceCertificate = (id: string, service: string, secretName: string) => new Certificate(this, id, {
      metadata: { name: secretName, namespace: ns },
      spec: {
        secretName,
        issuerRef: { kind: 'ClusterIssuer', name: CLUSTER_ISSUERS.privateCa },
        dnsNames: [service, `${service}.${ns}`, `${service}.${ns}.svc`, `${service}.${ns}.svc.cluster.local`],
        duration: '2160h',
        renewBefore: '360h',
        privateKey: { rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS, algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256 },
      },
    });
    serviceCertificate('http-certificate', ES_SERVICE, LOG_STORE_TLS_SECRET);
    serviceCertificate('kibana-certificate', KIBANA_SERVICE, KIBANA_TLS_SECRET);

    const memory = prod ? '8Gi' : '2Gi';
    // Plain ApiObjects, checked against the ECK CRDs by the schema tests.
    new ApiObject(this, 'elasticsearch', {
      apiVersion: 'elasticsearch.k8s.elastic.co/v1',
      kind: 'Elasticsearch',
      metadata: { name: LOG_STORE_NAME, namespace: ns },
      spec: {
        version: IMAGES.elasticsearch,
        http: { tls: { certificate: { secretName: LOG_STORE_TLS_SECRET } } },
        nodeSets: [{
          name: 'default',
          count: prod ? 3 : 1,
          // No mmap: no privileged init container to raise vm.max_map_count on the node.
          config: { 'node.store.allow_mmap': false },
          podTemplate: {
            spec: {
              containers: [{
                name: 'elasticsearch',
                // Memory limit = request; Elasticsearch sizes its heap to half of it.
                resources: { requests: { cpu: prod ? '1' : '500m', memory }, limits: { memory } },
              }],
              topologySpreadConstraints: prod ? [{
                maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule',
                labelSelector: { matchLabels: { 'elasticsearch.k8s.elastic.co/cluster-name': LOG_STORE_NAME } },
              }] : undefined,
            },
          },
          volumeClaimTemplates: [{
            metadata: { name: 'elasticsearch-data' },
            spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3', resources: { requests: { storage: names.environment.logging.storage } } },
          }],
        }],
      },
    });

    new ApiObject(this, 'kibana', {
      apiVersion: 'kibana.k8s.elastic.co/v1',
      kind: 'Kibana',
      metadata: { name: LOG_STORE_NAME, namespace: ns },
      spec: {
        version: IMAGES.kibana,
        count: prod ? 2 : 1,
        elasticsearchRef: { name: LOG_STORE_NAME },
        http: { tls: { certificate: { secretName: KIBANA_TLS_SECRET } } },
        config: {
          'server.publicBaseUrl': `https://${this.kibanaHost}`,
          'telemetry.optIn': false,
          'telemetry.allowChangingOptInStatus': false,
          // SSO happened in front; inside, everyone is the read-only log viewer. Admins can still
          // log in as `elastic` (basic) from the login selector.
          'xpack.security.authc.providers': {
            anonymous: { sso: { order: 0, credentials: { username: LOG_STORE_USERS.reader.name, password: `\${${LOG_STORE_USERS.reader.env}}` } } },
            basic: { basic: { order: 1 } },
          },
        },
        podTemplate: {
          spec: {
            containers: [{
              name: 'kibana',
              env: [passwordEnv(LOG_STORE_USERS.reader)],
              resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '1Gi' } },
            }],
          },
        },
      },
    });

    // Through the gateway's SSO, re-encrypted to Kibana and checked against the private CA.
    new PlatformUiRoute(this, 'kibana-route', {
      names, ui: 'logs', service: { name: KIBANA_SERVICE, port: 5601 }, groups: props.readerGroups,
      backendTls: { caSecret: KIBANA_TLS_SECRET, hostname: `${KIBANA_SERVICE}.${ns}.svc` },
    });

    // Runs after every sync of this folder (Elasticsearch healthy by then); every call is an idempotent PUT.
    new PostSyncJob(this, 'setup', {
      name: 'log-store-setup',
      namespace: ns,
      container: 'setup',
      script: logStoreSetupScript(logStoreRequests(names)),
      env: [
        { name: 'ELASTIC_PASSWORD', valueFrom: { secretKeyRef: { name: `${LOG_STORE_NAME}-es-elastic-user`, key: 'elastic' } } },
        ...Object.values(LOG_STORE_USERS).map(passwordEnv),
      ],
      mounts: [{ volume: { name: 'ca', secret: { secretName: LOG_STORE_TLS_SECRET, items: [{ key: 'ca.crt', path: 'ca.crt' }] } }, mountPath: '/ca' }],
    });
  }
}
