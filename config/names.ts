/**
 * Every name that both halves of the platform use, derived in one place from platform.yaml.
 * infra/ creates AWS resources with these names; charts/ refers to them. Neither reads Terraform
 * state, so the contract between them is exactly this file (test/infra.test.ts and test/logging.test.ts check it).
 */
import type { EnvironmentConfig, PlatformConfig, TeamConfig, AppConfig } from './schema';

/** Namespaces of the platform's own components. */
export const PLATFORM_NAMESPACES = {
  argocd: 'argocd',
  monitoring: 'monitoring',
  /** Fluent Bit, the node agent: privileged Pod Security because it reads the node's /var/log. */
  logging: 'logging',
  /** Elasticsearch, Kibana and the exporter (backend elasticsearch). */
  logStore: 'log-store',
  eckOperator: 'elastic-system',
  /** Envoy Gateway's controller, the shared Gateway, its ListenerSets and the Envoy proxies (team pods admit traffic from here). */
  gateway: 'envoy-gateway-system',
  /** AWS Load Balancer Controller: provisions the Network Load Balancer in front of the Envoy proxies. */
  loadBalancerController: 'aws-load-balancer-controller',
  certManager: 'cert-manager',
  externalDns: 'external-dns',
  externalSecrets: 'external-secrets',
  /** Karpenter's controller (node autoscaling). */
  karpenter: 'karpenter',
  /** The resource metrics API the HorizontalPodAutoscalers read. */
  metricsServer: 'metrics-server',
  /** Velero: cluster backups to S3 and CSI volume snapshots. */
  velero: 'velero',
  /** node-exporter alone: it needs the host's network and /proc, so its namespace is privileged and monitoring stays restricted. */
  nodeExporter: 'node-exporter',
} as const;

/** Node label naming the pool a node belongs to: `system` (managed node group) or a Karpenter NodePool's name. */
export const NODE_POOL_LABEL = 'k8s-platform.io/pool';
/** The managed node group that runs the platform and Karpenter. */
export const SYSTEM_NODE_POOL = 'system';

/** Platform components that call AWS APIs and so get an IAM role through EKS Pod Identity. */
export type AwsComponent = 'cert-manager' | 'external-dns' | 'external-secrets' | 'ebs-csi' | 'fluent-bit' | 'vpc-cni' | 'load-balancer-controller' | 'karpenter' | 'velero';

/** A Kubernetes service account bound to an IAM role. */
export interface WorkloadIdentity {
  readonly component: AwsComponent;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly roleName: string;
  readonly roleArn: string;
  /** The EKS add-on whose own Pod Identity association binds this role (instead of a separate association). */
  readonly viaAddon?: string;
}

/** The platform's own UIs, each served at <ui>.platform.<domain> behind the gateway's SSO; no app may take one's name. */
export const PLATFORM_UIS = ['argocd', 'grafana', 'prometheus', 'alertmanager', 'logs'] as const;
export type PlatformUi = typeof PLATFORM_UIS[number];

/** The namespace each platform UI's backend, HTTPRoute and SecurityPolicy live in. */
export const PLATFORM_UI_NAMESPACES: Record<PlatformUi, string> = {
  argocd: PLATFORM_NAMESPACES.argocd,
  grafana: PLATFORM_NAMESPACES.monitoring,
  prometheus: PLATFORM_NAMESPACES.monitoring,
  alertmanager: PLATFORM_NAMESPACES.monitoring,
  logs: PLATFORM_NAMESPACES.logStore,
};

/**
 * The one Gateway every host is served through, and its class. Teams' HTTPRoutes name their team's
 * ListenerSet (`teamListenerSet`) in this namespace as parentRef.
 */
export const PLATFORM_GATEWAY = { name: 'platform', namespace: PLATFORM_NAMESPACES.gateway, className: 'envoy' } as const;
/** An app's host label inside its team's zone (<label>.<team>.apps.<domain>): `host`, default the app name. */
export function appHostLabel(app: Pick<AppConfig, 'name' | 'host'>): string {
  return app.host ?? app.name;
}

/** Environment variable name for an app's secret reference: `api/database-url` -> `DATABASE_URL`. */
export function secretEnvName(ref: string): string {
  return ref.split('/').pop()!.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

/**
 * Limits the receiving systems put on a derived name. A name over its limit fails at apply time
 * (AWS, the API server, DNS), so the schema refuses the config instead (see derivedNames()).
 */
export const NAME_LIMITS = {
  hostname: { what: 'hostname', max: 253, labelMax: 63 },
  'dns-label': { what: 'Kubernetes name (DNS label)', max: 63 },
  'object-name': { what: 'Kubernetes object name', max: 253 },
  'iam-role': { what: 'IAM role name', max: 64 },
  's3-bucket': { what: 'S3 bucket name', max: 63 },
  'eks-cluster': { what: 'EKS cluster name', max: 100 },
  'eks-nodegroup': { what: 'EKS node group name', max: 63 },
  'opensearch-domain': { what: 'OpenSearch domain name', max: 28 },
  'ecr-repository': { what: 'ECR repository name', max: 256 },
} as const;
export type NameKind = keyof typeof NAME_LIMITS;

/** A name the platform derives from the config, and the config field whose value it grows with. */
export interface DerivedName {
  readonly kind: NameKind;
  readonly value: string;
  readonly source: ReadonlyArray<string | number>;
}

/** Why a derived name is too long for its kind, or undefined when it fits. */
export function derivedNameProblem(name: DerivedName): string | undefined {
  const limit = NAME_LIMITS[name.kind];
  if (name.value.length > limit.max) return `at most ${limit.max} characters in the ${limit.what} derived from it, "${name.value}" (${name.value.length})`;
  if ('labelMax' in limit) {
    const label = name.value.split('.').find((l) => l.length > limit.labelMax);
    if (label) return `at most ${limit.labelMax} characters per DNS label in the ${limit.what} derived from it, "${name.value}" (label "${label}" has ${label.length})`;
  }
  return undefined;
}

export class EnvironmentNames {
  readonly org: string;
  readonly env: string;
  /** EKS cluster name, also the prefix of every AWS resource of this environment. */
  readonly clusterName: string;

  constructor(readonly platform: PlatformConfig, readonly environment: EnvironmentConfig) {
    this.org = platform.organization.name;
    this.env = environment.name;
    this.clusterName = `${this.org}-${this.env}`;
  }

  /** IdP groups of every engineer: admins, viewers, then each team's developers (this environment's teams). */
  get engineerGroups(): string[] {
    const idp = this.platform.identity;
    return [...idp.adminGroups, ...idp.viewerGroups, ...this.teams.flatMap((t) => t.groups)];
  }

  /** The EKS cluster's ARN (Pod Identity session tags carry it; trust policies check it). */
  get clusterArn(): string {
    return `arn:aws:eks:${this.platform.aws.region}:${this.platform.aws.accountId}:cluster/${this.clusterName}`;
  }

  /** Name of the Argo CD cluster Secret that registers this environment's cluster (fleet mode); unique across environments. */
  get argocdClusterName(): string {
    return this.clusterName;
  }

  /** IAM role ARN for a role name in the platform's account. */
  roleArn(roleName: string): string {
    return `arn:aws:iam::${this.platform.aws.accountId}:role/${roleName}`;
  }

  /** Every service account that needs AWS access, with the role infra binds to it. */
  get workloadIdentities(): WorkloadIdentity[] {
    const entries: Array<[AwsComponent, string, string]> = [
      ['cert-manager', PLATFORM_NAMESPACES.certManager, 'cert-manager'],
      ['external-dns', PLATFORM_NAMESPACES.externalDns, 'external-dns'],
      ['ebs-csi', 'kube-system', 'ebs-csi-controller-sa'],
      ['karpenter', PLATFORM_NAMESPACES.karpenter, 'karpenter'],
      ['velero', PLATFORM_NAMESPACES.velero, 'velero'],
      ['load-balancer-controller', PLATFORM_NAMESPACES.loadBalancerController, 'aws-load-balancer-controller'],
      // The VPC CNI's ENI permissions live on its own role, not on the node role every pod could reach.
      ['vpc-cni', 'kube-system', 'aws-node'],
    ];
    if (this.platform.secrets.backend === 'aws-secrets-manager') entries.push(['external-secrets', PLATFORM_NAMESPACES.externalSecrets, 'external-secrets']);
    if (this.platform.logging.backend === 'opensearch') entries.push(['fluent-bit', PLATFORM_NAMESPACES.logging, 'fluent-bit']);
    return entries.map(([component, namespace, serviceAccount]) => {
      const roleName = `${this.clusterName}-${component}`;
      return { component, namespace, serviceAccount, roleName, roleArn: this.roleArn(roleName), ...(component === 'vpc-cni' ? { viaAddon: 'vpc-cni' } : {}) };
    });
  }

  workloadIdentity(component: AwsComponent): WorkloadIdentity {
    const found = this.workloadIdentities.find((w) => w.component === component);
    if (!found) throw new Error(`${component} has no AWS identity in environment ${this.env}`);
    return found;
  }

  /** IAM role of the nodes Karpenter launches (EC2NodeClass `role`); infra gives it an EC2_LINUX access entry. */
  get karpenterNodeRoleName(): string {
    return `${this.clusterName}-karpenter-node`;
  }

  /** SQS queue EventBridge fills with spot interruptions and instance events for Karpenter. */
  get karpenterInterruptionQueue(): string {
    return `${this.clusterName}-karpenter`;
  }

  /** Tag key and value on the private subnets and the node security group that Karpenter discovers them by. */
  get karpenterDiscoveryTag(): { key: string; value: string } {
    return { key: 'karpenter.sh/discovery', value: this.clusterName };
  }

  /** Alias of the environment's KMS key (infra/encryption-key.ts); node volumes are encrypted with it. */
  get kmsKeyAlias(): string {
    return `alias/${this.clusterName}`;
  }

  get kmsKeyAliasArn(): string {
    return `arn:aws:kms:${this.platform.aws.region}:${this.platform.aws.accountId}:${this.kmsKeyAlias}`;
  }

  /** S3 bucket for Velero backups: globally unique, so it carries the account id. */
  get backupBucket(): string {
    return `${this.clusterName}-backup-${this.platform.aws.accountId}`;
  }

  /** Teams that deploy to this environment. */
  get teams(): TeamConfig[] {
    return this.platform.teams.filter((t) => !t.environments || t.environments.includes(this.env));
  }

  /** A team's namespace. Environments are separate clusters, so the team name is enough. */
  teamNamespace(team: TeamConfig): string {
    return team.name;
  }

  /** The IAM role External Secrets assumes for one team's SecretStore: it reaches only the team's prefix. */
  teamSecretsRoleName(team: TeamConfig): string {
    return `${this.clusterName}-team-${team.name}-secrets`;
  }

  /**
   * Hostnames are fenced by construction: platform UIs under `platform.<domain>`, each team's apps
   * under `<team>.apps.<domain>`. No team zone contains a platform name or another team's names, so
   * a listener for one zone can never match a host of another.
   */
  get platformZone(): string {
    return `platform.${this.environment.domain}`;
  }

  /** The zone of every team's apps; a team's own zone is `teamZone(team)` inside it. */
  get appsZone(): string {
    return `apps.${this.environment.domain}`;
  }

  teamZone(team: TeamConfig): string {
    return `${team.name}.${this.appsZone}`;
  }

  hostname(ui: PlatformUi): string {
    return `${ui}.${this.platformZone}`;
  }

  /** The platform UIs this environment serves (Kibana only with the in-cluster log store). */
  get platformUis(): PlatformUi[] {
    return PLATFORM_UIS.filter((ui) => ui !== 'logs' || this.platform.logging.backend === 'elasticsearch');
  }

  appHostname(team: TeamConfig, app: AppConfig): string {
    return `${appHostLabel(app)}.${this.teamZone(team)}`;
  }

  /** The platform-owned ListenerSet that serves one team's zone; the team's routes attach to it. */
  teamListenerSet(team: TeamConfig): string {
    return `team-${team.name}`;
  }

  /** The VPC's Name tag: infra sets it, the load balancer controller finds the VPC by it. */
  get vpcName(): string {
    return this.clusterName;
  }

  /** IAM roles of the cluster itself, its nodes and the VPC flow logs (infra/cluster.ts, infra/network.ts). */
  get clusterRoleName(): string {
    return `${this.clusterName}-cluster`;
  }

  get nodeRoleName(): string {
    return `${this.clusterName}-node`;
  }

  /** The SSM tunnel to a private API endpoint (apiAccess ssm-tunnel): its instance, role and security group. */
  get apiTunnelName(): string {
    return `${this.clusterName}-api-tunnel`;
  }

  get flowLogsRoleName(): string {
    return `${this.clusterName}-vpc-flow-logs`;
  }

  nodeGroupName(pool: typeof SYSTEM_NODE_POOL): string {
    return `${this.clusterName}-${pool}`;
  }

  /** The AWS OpenSearch domain (backend opensearch); AWS allows 28 characters. */
  get logDomainName(): string {
    return `${this.clusterName}-logs`;
  }

  /**
   * The hostnames a team may serve (HTTPRoute hostnames), exact or `*.<zone>` for any name inside a
   * zone: its own zone, <team>.apps.<domain>.
   */
  teamHosts(team: TeamConfig): string[] {
    // The team's whole zone: the gateway serves every name in it to the team's routes, and no other.
    return [`*.${this.teamZone(team)}`];
  }

  /** Prefix of every secret of this environment in the backend. */
  get secretPrefix(): string {
    return `${this.org}/${this.env}`;
  }

  /** A secret the platform itself consumes (OIDC client secrets, receiver credentials, …). */
  platformSecret(name: string): string {
    return `${this.secretPrefix}/platform/${name}`;
  }

  /** The only prefix a team's SecretStore can read. Ends with '/', so `payments` cannot read `payments-eu/`. */
  teamSecretPrefix(team: TeamConfig): string {
    return `${this.secretPrefix}/teams/${team.name}/`;
  }

  /**
   * Backend vault: the KV v2 mount holding one prefix, `<org>/<env>/platform` or the team's
   * `<org>/<env>/teams/<team>` (its secret prefix without the trailing slash).
   */
  vaultMount(team?: TeamConfig): string {
    return (team ? this.teamSecretPrefix(team) : this.platformSecret('')).replace(/\/$/, '');
  }

  /** Backend vault: the Kubernetes auth mount for this cluster, and the role that reads one mount. */
  get vaultAuthMount(): string {
    return `kubernetes-${this.clusterName}`;
  }

  vaultRole(team?: TeamConfig): string {
    return team ? `team-${team.name}` : 'platform';
  }

  /** ECR repository for an app; shared by all environments, created by infra. */
  ecrRepository(team: TeamConfig, app: AppConfig): string {
    return app.repository ?? `${this.org}/${team.name}/${app.name}`;
  }

  /**
   * The AWS OpenSearch domain's custom endpoint (backend opensearch). AWS names the default endpoint
   * with a generated hash; a custom name in the environment zone lets charts know it before apply.
   */
  get logDomainEndpoint(): string {
    return `opensearch.${this.environment.domain}`;
  }

  /**
   * Registry prefixes a team's images may come from (an image matches one followed by `/`): the
   * team's own folder of the organisation's ECR (`<registry>/<org>/<team>`, not the whole registry,
   * which holds every team's images), the platform's extra registries, the team's own.
   */
  imageRegistries(team: TeamConfig): string[] {
    return [...new Set([this.teamEcrPrefix(team), ...this.platform.guardrails.registries, ...team.guardrails.registries])];
  }

  /** The team's folder in the organisation's ECR: the default repository of each of its apps lies inside. */
  teamEcrPrefix(team: TeamConfig): string {
    return `${this.ecrRegistry()}/${this.org}/${team.name}`;
  }

  /**
   * Exact repositories (an image matches one followed by `:` or `@`, never a repository below it) of
   * the team's apps that set `repository` outside the team's folder, e.g. `checkout/worker`.
   */
  imageRepositories(team: TeamConfig): string[] {
    const prefix = `${this.teamEcrPrefix(team)}/`;
    return [...new Set(team.apps.map((app) => `${this.ecrRegistry()}/${this.ecrRepository(team, app)}`).filter((r) => !r.startsWith(prefix)))];
  }

  ecrRegistry(): string {
    return `${this.platform.aws.accountId}.dkr.ecr.${this.platform.aws.region}.amazonaws.com`;
  }

  /** Folder of this environment's manifests inside the GitOps repository. */
  get gitopsPath(): string {
    return `${this.platform.gitops.path}/${this.env}`;
  }

  /** Prefix that the EKS OIDC identity provider config adds to IdP groups; RBAC subjects use it. */
  static readonly OIDC_GROUP_PREFIX = 'oidc:';
  oidcGroup(group: string): string {
    return `${EnvironmentNames.OIDC_GROUP_PREFIX}${group}`;
  }
}

/** Names shared by all environments. */
export class PlatformNames {
  constructor(readonly platform: PlatformConfig) {}

  environment(name: string): EnvironmentNames {
    const env = this.platform.environments.find((e) => e.name === name);
    if (!env) throw new Error(`no environment named ${name}`);
    return new EnvironmentNames(this.platform, env);
  }

  get environments(): EnvironmentNames[] {
    return this.platform.environments.map((e) => new EnvironmentNames(this.platform, e));
  }

  /** KMS alias of the key that encrypts Terraform state (the state bucket's default encryption). */
  get stateKeyAlias(): string {
    return `alias/${this.platform.organization.name}-tfstate`;
  }

  /** S3 bucket for Terraform state: globally unique, so it carries account and region. */
  get stateBucket(): string {
    return `${this.platform.organization.name}-tfstate-${this.platform.aws.accountId}-${this.platform.aws.region}`;
  }

  /**
   * Every name derived from the config that an outside system limits, with the config field it
   * grows with. The schema refuses a config whose names do not fit (config/schema.ts), and
   * test/names.test.ts checks that every name in the output is listed here. A new derived name
   * goes here too.
   */
  derivedNames(): DerivedName[] {
    const p = this.platform;
    const envs = this.environments;
    const out: DerivedName[] = [{ kind: 's3-bucket', value: this.stateBucket, source: ['organization', 'name'] }];
    const teamIndex = new Map(p.teams.map((team, t) => [team, t]));
    p.teams.forEach((team, t) => {
      team.apps.forEach((app, a) => {
        out.push({ kind: 'ecr-repository', value: envs[0].ecrRepository(team, app), source: ['teams', t, 'apps', a, app.repository ? 'repository' : 'name'] });
      });
    });
    envs.forEach((env, i) => {
      const envName = ['environments', i, 'name'];
      const domain = ['environments', i, 'domain'];
      out.push({ kind: 'eks-cluster', value: env.clusterName, source: envName });
      out.push({ kind: 's3-bucket', value: env.backupBucket, source: envName });
      if (env.environment.apiAccess) out.push({ kind: 'iam-role', value: env.apiTunnelName, source: envName });
      for (const role of [env.clusterRoleName, env.nodeRoleName, env.flowLogsRoleName, env.karpenterNodeRoleName, ...env.workloadIdentities.map((w) => w.roleName)]) {
        out.push({ kind: 'iam-role', value: role, source: envName });
      }
      out.push({ kind: 'eks-nodegroup', value: env.nodeGroupName(SYSTEM_NODE_POOL), source: envName });
      for (const ui of PLATFORM_UIS) out.push({ kind: 'hostname', value: env.hostname(ui), source: domain });
      if (p.logging.backend === 'opensearch') {
        out.push({ kind: 'opensearch-domain', value: env.logDomainName, source: envName });
        out.push({ kind: 'hostname', value: env.logDomainEndpoint, source: domain });
      }
      for (const team of env.teams) {
        const t = teamIndex.get(team)!;
        out.push({ kind: 'dns-label', value: env.teamNamespace(team), source: ['teams', t, 'name'] });
        out.push({ kind: 'object-name', value: `team-${team.name}`, source: ['teams', t, 'name'] });
        if (p.secrets.backend === 'aws-secrets-manager') out.push({ kind: 'iam-role', value: env.teamSecretsRoleName(team), source: ['teams', t, 'name'] });
        team.apps.forEach((app, a) => {
          out.push({ kind: 'hostname', value: env.appHostname(team, app), source: ['teams', t, 'apps', a, app.host ? 'host' : 'name'] });
        });
      }
    });
    return out;
  }
}
