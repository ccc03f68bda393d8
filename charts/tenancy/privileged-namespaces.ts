/**
 * Namespaces for the few platform pods that need the host (node-exporter reads the host's /proc and
 * /sys on the host network). Created with the team namespaces, before any Helm release, so the
 * release that puts pods there finds it; everything else of monitoring stays Pod Security `restricted`.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { EnvironmentNames, PLATFORM_NAMESPACES } from '../../config';

export class PrivilegedNamespaces extends Construct {
  constructor(scope: Construct, id: string, props: { names: EnvironmentNames }) {
    super(scope, id);
    new k8s.KubeNamespace(this, 'node-exporter', {
      metadata: {
        name: PLATFORM_NAMESPACES.nodeExporter,
        labels: {
          'pod-security.kubernetes.io/enforce': 'privileged',
          'pod-security.kubernetes.io/enforce-version': `v${props.names.environment.kubernetesVersion}`,
          'pod-security.kubernetes.io/warn': 'baseline',
        },
      },
    });
  }
}
