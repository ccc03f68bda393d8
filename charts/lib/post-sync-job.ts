/**
 * A one-shot job Argo CD runs after every sync of its folder (a PostSync hook, recreated each time):
 * a restricted, non-root curl container with a shell script, for configuration that only exists
 * behind an HTTP API (index templates, users, retention policies). Every request it sends must be an
 * idempotent PUT, since the job runs again on every sync.
 */
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { IMAGES } from '../../config';
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from './pod-security';

export interface PostSyncJobProps {
  readonly name: string;
  readonly namespace: string;
  /** Name of the job's one container. */
  readonly container: string;
  /** The shell script curl's image runs (`/bin/sh -c`). */
  readonly script: string;
  /** Environment of the script (Secret references, never values). @default none */
  readonly env?: k8s.EnvVar[];
  /** Service account, for a job that calls AWS through its Pod Identity. @default the namespace's default */
  readonly serviceAccountName?: string;
  /** Read-only volumes mounted beside the in-memory /tmp. @default none */
  readonly mounts?: Array<{ volume: k8s.Volume; mountPath: string }>;
}

export class PostSyncJob extends Construct {
  constructor(scope: Construct, id: string, props: PostSyncJobProps) {
    super(scope, id);
    const mounts = props.mounts ?? [];
    new k8s.KubeJob(this, 'job', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        annotations: { 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' },
      },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: 1800,
        template: {
          spec: {
            restartPolicy: 'OnFailure',
            ...(props.serviceAccountName ? { serviceAccountName: props.serviceAccountName } : {}),
            automountServiceAccountToken: false,
            // The curl image names its user; runAsNonRoot needs a numeric one.
            securityContext: { ...RESTRICTED_POD_SECURITY_CONTEXT, runAsUser: 65532, runAsGroup: 65532 },
            containers: [{
              name: props.container,
              image: IMAGES.curl,
              command: ['/bin/sh', '-c', props.script],
              ...(props.env ? { env: props.env } : {}),
              resources: { requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') }, limits: { memory: k8s.Quantity.fromString('64Mi') } },
              securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
              volumeMounts: [...mounts.map((m) => ({ name: m.volume.name, mountPath: m.mountPath, readOnly: true })), { name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [...mounts.map((m) => m.volume), { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } }],
          },
        },
      },
    });
  }
}
