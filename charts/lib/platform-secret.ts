/**
 * A Kubernetes Secret the platform needs, synced from the secret backend by an ExternalSecret.
 * Git holds only the reference (backend key and property); the value never leaves the vault
 * except into the target Secret, which the ExternalSecret owns.
 */
import { Construct } from 'constructs';
import { ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy, ExternalSecretSpecTargetTemplateMergePolicy } from '../../imports/externalsecret-external-secrets.io';
import { EnvironmentNames } from '../../config';

/** The ClusterSecretStore for platform namespaces (created by the secrets chart). */
export const PLATFORM_SECRET_STORE = 'platform';
/** The SecretStore in each team namespace, limited to the team's prefix. */
export const TEAM_SECRET_STORE = 'team-secrets';
/** How often secrets are re-read from the backend: rotations land within this time. */
export const SECRET_REFRESH_INTERVAL = '1h';

export interface PlatformSecretProps {
  readonly names: EnvironmentNames;
  /** Name of the Secret to create. */
  readonly name: string;
  readonly namespace: string;
  /** Key in the backend, under the environment's platform prefix (acme/dev/platform/<key>). */
  readonly key?: string;
  /**
   * Secret data key -> property of the JSON value stored at `key`, or a whole other backend key
   * ({ key }) for secrets kept one per backend entry.
   */
  readonly properties: Record<string, string | { key: string; property?: string }>;
  /** Labels on the created Secret (Argo CD finds repository credentials by label). */
  readonly labels?: Record<string, string>;
  /** Literal, non-secret entries added to the Secret (a repository URL, say). */
  readonly literals?: Record<string, string>;
  /** Owner: the ExternalSecret creates and owns the Secret. Merge: it updates a Secret created elsewhere. @default Owner */
  readonly creationPolicy?: ExternalSecretSpecTargetCreationPolicy;
}

export class PlatformSecret extends Construct {
  constructor(scope: Construct, id: string, props: PlatformSecretProps) {
    super(scope, id);
    new ExternalSecret(this, 'external-secret', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        refreshInterval: SECRET_REFRESH_INTERVAL,
        secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: PLATFORM_SECRET_STORE },
        target: {
          name: props.name,
          creationPolicy: props.creationPolicy ?? ExternalSecretSpecTargetCreationPolicy.OWNER,
          ...(props.labels || props.literals ? { template: {
            mergePolicy: ExternalSecretSpecTargetTemplateMergePolicy.MERGE,
            ...(props.labels ? { metadata: { labels: props.labels } } : {}),
            ...(props.literals ? { data: props.literals } : {}),
          } } : {}),
        },
        data: Object.entries(props.properties).map(([secretKey, ref]) => ({
          secretKey,
          remoteRef: typeof ref === 'string'
            ? { key: props.names.platformSecret(props.key!), property: ref }
            : { key: props.names.platformSecret(ref.key), ...(ref.property ? { property: ref.property } : {}) },
        })),
      },
    });
  }
}
