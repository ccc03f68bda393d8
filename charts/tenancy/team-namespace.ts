/**
 * A team's namespace, fenced in: Pod Security `restricted`, a quota, default container limits and
 * a default-deny NetworkPolicy with the few allowances every workload needs. Everything here but the
 * namespace carries `k8s-platform.io/owner: platform`, which admission protects from the team.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { EnvironmentNames, PLATFORM_NAMESPACES, TEAM_CONTAINER_DEFAULTS, TEAM_QUOTA_LIMITS_FACTOR, TeamConfig } from '../../config';
import { LABELS, PROMETHEUS_POD_LABELS } from '../lib/labels';

export interface TeamNamespaceProps {
  readonly names: EnvironmentNames;
  readonly team: TeamConfig;
  /**
   * Default requests/limits for containers that set none, so the quota can be enforced.
   * @default 100m/128Mi requested, 500m/512Mi limit
   */
  readonly containerDefaults?: { requestCpu: string; requestMemory: string; limitCpu: string; limitMemory: string };
}

export const defaultContainerDefaults = TEAM_CONTAINER_DEFAULTS;

export class TeamNamespace extends Construct {
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: TeamNamespaceProps) {
    super(scope, id);
    const { names, team } = props;
    const ns = names.teamNamespace(team);
    const defaults = props.containerDefaults ?? defaultContainerDefaults;
    const podSecurityVersion = `v${names.environment.kubernetesVersion}`;
    this.namespace = ns;

    new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: ns,
        labels: {
          [LABELS.team]: team.name,
          [LABELS.tenant]: 'true',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': podSecurityVersion,
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });

    const owned = { [LABELS.owner]: 'platform' };
    new k8s.KubeResourceQuota(this, 'quota', {
      metadata: { name: 'team-quota', namespace: ns, labels: owned },
      spec: {
        hard: {
          'requests.cpu': k8s.Quantity.fromString(team.quota.cpu),
          'requests.memory': k8s.Quantity.fromString(team.quota.memory),
          // Limits may burst to twice the guaranteed share.
          'limits.cpu': k8s.Quantity.fromString(double(team.quota.cpu)),
          'limits.memory': k8s.Quantity.fromString(double(team.quota.memory)),
          pods: k8s.Quantity.fromNumber(team.quota.pods),
          // Traffic enters through the gateway only: no per-team load balancers or node ports.
          'services.loadbalancers': k8s.Quantity.fromNumber(0),
          'services.nodeports': k8s.Quantity.fromNumber(0),
        },
      },
    });

    new k8s.KubeLimitRange(this, 'limits', {
      metadata: { name: 'container-defaults', namespace: ns, labels: owned },
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { cpu: k8s.Quantity.fromString(defaults.requestCpu), memory: k8s.Quantity.fromString(defaults.requestMemory) },
          default: { cpu: k8s.Quantity.fromString(defaults.limitCpu), memory: k8s.Quantity.fromString(defaults.limitMemory) },
        }],
      },
    });

    const fromNamespace = (name: string): k8s.NetworkPolicyPeer => ({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
    });
    const policy = (name: string, spec: k8s.NetworkPolicySpec) =>
      new k8s.KubeNetworkPolicy(this, name, { metadata: { name, namespace: ns, labels: owned }, spec });

    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    policy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ ...fromNamespace('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) }],
      }],
    });
    policy('allow-same-namespace', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    });
    // The gateway's Envoy proxies run in its namespace: the only way in from outside the cluster.
    policy('allow-from-gateway', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [fromNamespace(PLATFORM_NAMESPACES.gateway)] }],
    });
    // Prometheus only: Grafana, in the same namespace, faces the internet and has no business here.
    policy('allow-from-monitoring', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ ...fromNamespace(PLATFORM_NAMESPACES.monitoring), podSelector: { matchLabels: PROMETHEUS_POD_LABELS } }] }],
    });
  }
}

/** Twice a quantity, keeping its unit: "16Gi" -> "32Gi", "500m" -> "1000m". */
function double(quantity: string): string {
  const m = /^([0-9.]+)(.*)$/.exec(quantity)!;
  return `${Number(m[1]) * TEAM_QUOTA_LIMITS_FACTOR}${m[2]}`;
}
