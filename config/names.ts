/**
 * Every name that both halves of the platform use, derived in one place from platform.yaml.
 * infra/ creates AWS resources with these names; charts/ refers to them. Neither reads Terraform
 * state, so the contract between them is exactly this file (test/infra.test.ts and test/logging.test.ts check it).
 */
import { EnvironmentConfig, PlatformConfig, TeamConfig, AppConfig } from './schema';

/** Namespaces of the platform's own components. */
export const PLATFORM_NAMESPACES = {
  argocd: 'argocd',
  monitoring: 'monitoring',
  /** Fluent Bit, the node agent: privileged Pod Security because it reads the node's /var/log. */
  logging: 'logging',
  /** Elasticsearch, Kibana and the exporter (backend elasticsearch). */
  logStore: 'log-store',
  eckOperator: 'elastic-system',
  ingress: 'ingress-nginx',
  certManager: 'cert-manager',
  externalDns: 'external-dns',
  externalSecrets: 'external-secrets',
  oauth2Proxy: 'oauth2-proxy',
  /** node-exporter alone: it needs the host's network and /proc, so its namespace is privileged and monitoring stays restricted. */
  nodeExporter: 'node-exporter',
} as const;

/** Platform components that call AWS APIs and so get an IAM role through EKS Pod Identity. */
export type AwsComponent = 'cert-manager' | 'external-dns' | 'external-secrets' | 'ebs-csi' | 'fluent-bit';

/** A Kubernetes service account bound to an IAM role. */
export interface WorkloadIdentity {
  readonly component: AwsComponent;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly roleName: string;
  readonly roleArn: string;
}

/** Hostnames of the platform's own UIs, each under the environment domain. */
export type PlatformUi = 'argocd' | 'grafana' | 'prometheus' | 'alertmanager' | 'logs' | 'auth';

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
    ];
    if (this.platform.secrets.backend === 'aws-secrets-manager') entries.push(['external-secrets', PLATFORM_NAMESPACES.externalSecrets, 'external-secrets']);
    if (this.platform.logging.backend === 'opensearch') entries.push(['fluent-bit', PLATFORM_NAMESPACES.logging, 'fluent-bit']);
    return entries.map(([component, namespace, serviceAccount]) => {
      const roleName = `${this.clusterName}-${component}`;
      return { component, namespace, serviceAccount, roleName, roleArn: this.roleArn(roleName) };
    });
  }

  workloadIdentity(component: AwsComponent): WorkloadIdentity {
    const found = this.workloadIdentities.find((w) => w.component === component);
    if (!found) throw new Error(`${component} has no AWS identity in environment ${this.env}`);
    return found;
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

  hostname(ui: PlatformUi): string {
    return `${ui}.${this.environment.domain}`;
  }

  appHostname(team: TeamConfig, app: AppConfig): string {
    return `${app.host ?? `${app.name}-${team.name}`}.${this.environment.domain}`;
  }

  /**
   * The hostnames a team may serve (Ingress hosts, HTTPRoute hostnames), exact or `*.<zone>` for any
   * name inside a zone: those of its declared apps.
   */
  teamHosts(team: TeamConfig): string[] {
    return team.apps.map((a) => this.appHostname(team, a)).sort();
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

  /** Registries a team's images may come from: the organisation's ECR, the platform's extra registries, the team's own. */
  imageRegistries(team: TeamConfig): string[] {
    return [...new Set([this.ecrRegistry(), ...this.platform.guardrails.registries, ...team.guardrails.registries])];
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

  /** S3 bucket for Terraform state: globally unique, so it carries account and region. */
  get stateBucket(): string {
    return `${this.platform.organization.name}-tfstate-${this.platform.aws.accountId}-${this.platform.aws.region}`;
  }
}
