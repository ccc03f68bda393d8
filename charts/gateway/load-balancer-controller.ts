/**
 * The AWS Load Balancer Controller, here only to turn the Envoy proxies' Service into a Network
 * Load Balancer (EnvoyProxy sets the class and annotations). Its IAM role comes through EKS Pod
 * Identity: infra binds it to exactly this namespace and service account (config/names.ts).
 */
import { EnvironmentNames, HELM_CHARTS } from '../../config';
import { HelmRelease, SYNC_WAVE } from '../lib/platform-chart';

export function loadBalancerControllerRelease(names: EnvironmentNames): HelmRelease {
  const identity = names.workloadIdentity('load-balancer-controller');
  return {
    name: 'aws-load-balancer-controller',
    namespace: identity.namespace,
    chart: HELM_CHARTS.awsLoadBalancerController,
    // After cert-manager (operators), which issues its webhook certificate; before the Gateway (wave 0),
    // whose proxies' Service it turns into the load balancer.
    wave: SYNC_WAVE.controllers,
    podSecurity: 'restricted',
    values: {
      clusterName: names.clusterName,
      region: names.platform.aws.region,
      // Pods cannot reach the instance metadata (IMDSv2, hop limit 1): find the VPC by its Name tag (infra/network.ts).
      vpcTags: { Name: names.vpcName },
      replicaCount: 2,
      podDisruptionBudget: { maxUnavailable: 1 },
      serviceAccount: { create: true, name: identity.serviceAccount },
      // cert-manager issues the webhook certificate; the chart's own would be regenerated on every
      // render and keep the Application out of sync.
      enableCertManager: true,
      // No Ingress on this platform, and Envoy Gateway is the one Gateway API implementation.
      createIngressClassResource: false,
      ingressClassParams: { create: false },
      controllerConfig: { featureGates: { ALBGatewayAPI: false, NLBGatewayAPI: false, GatewayListenerSet: false } },
      // Only Services that ask for this class (the Envoy proxies') get a load balancer.
      enableServiceMutatorWebhook: false,
      defaultTags: { 'k8s-platform.io/cluster': names.clusterName },
      serviceMonitor: { enabled: true },
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
    },
  };
}
