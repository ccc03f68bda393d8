/**
 * Karpenter: adds nodes when pods are pending and removes or repacks them when they are not. The
 * controller runs on the managed `system` node group (never on a node it manages); its AWS side
 * (role, node role, interruption queue, discovery tags) is infra/karpenter.ts. Per environment one
 * EC2NodeClass (how a node is built) and one NodePool per `nodePools` entry of platform.yaml.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvironmentConfig, EnvironmentNames, HELM_CHARTS, NODE_POOL_LABEL, PLATFORM_NAMESPACES, SYSTEM_NODE_POOL } from '../../config';
import { HelmRelease, KEEP_CRD_SYNC_OPTIONS, SYNC_WAVE } from '../lib/platform-chart';

/** Service account of the controller; infra binds the controller role to it (config/names.ts). */
export const KARPENTER_SERVICE_ACCOUNT = 'karpenter';
/** The one EC2NodeClass every NodePool of the environment uses. */
export const NODE_CLASS = 'default';

/** NodePool, NodeClaim and EC2NodeClass CRDs, a wave before the controller and its objects. */
export function karpenterCrdRelease(): HelmRelease {
  return {
    name: 'karpenter-crd',
    namespace: PLATFORM_NAMESPACES.karpenter,
    chart: HELM_CHARTS.karpenterCrd,
    wave: SYNC_WAVE.crds,
    podSecurity: 'restricted',
    serverSideApply: true,
    values: { additionalAnnotations: KEEP_CRD_SYNC_OPTIONS },
  };
}

export function karpenterRelease(names: EnvironmentNames): HelmRelease {
  const system = names.environment.nodes.system;
  return {
    name: 'karpenter',
    namespace: PLATFORM_NAMESPACES.karpenter,
    chart: HELM_CHARTS.karpenter,
    wave: SYNC_WAVE.operators,
    podSecurity: 'restricted',
    skipCrds: true,
    values: {
      serviceAccount: { create: true, name: KARPENTER_SERVICE_ACCOUNT },
      // Two replicas (leader election is built in) on separate system nodes, when there are two.
      replicas: Math.min(2, Math.max(1, system.minSize)),
      nodeSelector: { 'kubernetes.io/os': 'linux', [NODE_POOL_LABEL]: SYSTEM_NODE_POOL },
      settings: {
        clusterName: names.clusterName,
        interruptionQueue: names.karpenterInterruptionQueue,
      },
      controller: {
        // Nodes allow pods no IMDS hop, so the SDK cannot discover the region itself.
        env: [{ name: 'AWS_REGION', value: names.platform.aws.region }],
        resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '1Gi' } },
      },
      serviceMonitor: { enabled: true },
    },
  };
}

export interface KarpenterNodePoolsProps {
  readonly names: EnvironmentNames;
  /**
   * Root volume of every node (gp3, encrypted with the environment key).
   * @default 100Gi: images and logs of a busy node, with room to spare
   */
  readonly volumeSize?: string;
  /**
   * AMI alias. `al2023@latest` follows AWS' newest EKS-optimized AL2023 image: nodes drift to each
   * new release, within the disruption budgets. Pin a version (al2023@v20251117) to hold them.
   * @default al2023@latest
   */
  readonly amiAlias?: string;
}

/** The EC2NodeClass and the NodePools of one environment. */
export class KarpenterNodePools extends Construct {
  constructor(scope: Construct, id: string, props: KarpenterNodePoolsProps) {
    super(scope, id);
    const { names } = props;
    const env = names.environment;
    const discovery = { [names.karpenterDiscoveryTag.key]: names.karpenterDiscoveryTag.value };

    new ApiObject(this, 'node-class', {
      apiVersion: 'karpenter.k8s.aws/v1',
      kind: 'EC2NodeClass',
      metadata: { name: NODE_CLASS },
      spec: {
        role: names.karpenterNodeRoleName,
        amiSelectorTerms: [{ alias: props.amiAlias ?? 'al2023@latest' }],
        subnetSelectorTerms: [{ tags: discovery }],
        securityGroupSelectorTerms: [{ tags: discovery }],
        // IMDSv2 only, one hop: pods cannot borrow the node's role.
        metadataOptions: { httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpPutResponseHopLimit: 1, httpTokens: 'required' },
        blockDeviceMappings: [{
          deviceName: '/dev/xvda',
          ebs: { volumeSize: props.volumeSize ?? '100Gi', volumeType: 'gp3', encrypted: true, kmsKeyID: names.kmsKeyAliasArn, deleteOnTermination: true },
        }],
        tags: { 'k8s-platform/environment': names.env },
      },
    });

    for (const pool of env.nodePools) {
      new ApiObject(this, `pool-${pool.name}`, {
        apiVersion: 'karpenter.sh/v1',
        kind: 'NodePool',
        metadata: { name: pool.name },
        spec: nodePoolSpec(pool),
      });
    }
  }
}

/** A NodePool spec from one `nodePools` entry of platform.yaml. */
export function nodePoolSpec(pool: EnvironmentConfig['nodePools'][number]): Record<string, unknown> {
  return {
    template: {
      metadata: { labels: { [NODE_POOL_LABEL]: pool.name } },
      spec: {
        nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: NODE_CLASS },
        requirements: [
          { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: [...pool.instanceFamilies] },
          { key: 'karpenter.sh/capacity-type', operator: 'In', values: [...pool.capacityTypes] },
          { key: 'kubernetes.io/arch', operator: 'In', values: [...pool.architectures] },
          { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
        ],
        expireAfter: pool.expireAfter,
      },
    },
    limits: { cpu: pool.limits.cpu, memory: pool.limits.memory },
    disruption: {
      consolidationPolicy: pool.consolidation,
      consolidateAfter: pool.consolidateAfter,
      budgets: pool.disruptionBudgets.map((b) => ({ nodes: b.nodes, ...(b.schedule ? { schedule: b.schedule } : {}), ...(b.duration ? { duration: b.duration } : {}) })),
    },
  };
}
