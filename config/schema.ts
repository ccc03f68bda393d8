/**
 * The one schema for platform.yaml. Both the TypeScript types (`PlatformConfig`, …) and the
 * runtime validation come from here, so the two cannot drift apart.
 *
 * Every object is strict: an unknown key is an error, because a misspelt optional field
 * (`retenton: 30d`) would otherwise be silently ignored and the platform would run on a default.
 * Defaults are applied here, so everything downstream reads a complete config.
 */
import { z } from 'zod';

/** RFC 1123 label: what Kubernetes accepts for namespace and most object names. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A fully qualified domain name of at least two labels, lower case, no trailing dot. */
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const DURATION = /^[1-9][0-9]*(h|d|w|y)$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/;

export const dnsLabel = (what: string) =>
  z.string().max(40, { error: `${what}: at most 40 characters (it prefixes derived AWS and Kubernetes names)` })
    .regex(DNS_LABEL, { error: `${what}: lower-case letters, digits and '-', starting and ending with a letter or digit` });

const dnsName = z.string().regex(DNS_NAME, { error: 'a DNS name such as dev.example.com (lower case, no trailing dot)' });

export function isValidCidr(value: string): boolean {
  const m = CIDR.exec(value);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  return octets.every((o) => o <= 255) && prefix <= 32;
}
const cidr = z.string().refine(isValidCidr, { error: 'an IPv4 CIDR block such as 10.0.0.0/16' });

const quantity = z.string().regex(QUANTITY, { error: 'a Kubernetes quantity such as 500m, 4 or 16Gi' });
const duration = z.string().regex(DURATION, { error: 'a duration such as 15d, 12h or 4w' });
/**
 * A container registry host (optionally with a port and a repository prefix), as it starts an image
 * reference: `ghcr.io/acme`, `registry.acme.example:5000`. No scheme, no wildcard, no tag.
 */
const REGISTRY = /^(localhost|([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]*[a-z0-9])?)(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const registry = z.string().regex(REGISTRY, {
  error: 'a registry host with an optional repository prefix, such as ghcr.io/acme (no https://, no wildcard, no tag)',
});

const secretRef = z.string().regex(/^[A-Za-z0-9/_+=.@-]+$/, {
  error: 'a secret name in the secret backend (a path such as alerting/slack), never the secret value itself',
});

const nodePool = z.strictObject({
  /** EC2 instance types, first is preferred. */
  instanceTypes: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: 'an EC2 instance type such as m6i.large' })).min(1),
  /** ON_DEMAND or SPOT. Default ON_DEMAND. */
  capacityType: z.enum(['ON_DEMAND', 'SPOT']).default('ON_DEMAND'),
  minSize: z.int().min(0).max(1000),
  maxSize: z.int().min(1).max(1000),
  desiredSize: z.int().min(0).max(1000),
  /** Root volume size in GiB. Default 50. */
  diskSizeGiB: z.int().min(20).max(16384).default(50),
}).superRefine((pool, ctx) => {
  if (pool.minSize > pool.maxSize) {
    ctx.addIssue({ code: 'custom', path: ['minSize'], message: `at most maxSize (${pool.maxSize})`, input: pool.minSize });
  }
  if (pool.desiredSize < pool.minSize || pool.desiredSize > pool.maxSize) {
    ctx.addIssue({ code: 'custom', path: ['desiredSize'], message: `between minSize (${pool.minSize}) and maxSize (${pool.maxSize})`, input: pool.desiredSize });
  }
});

const environment = z.strictObject({
  /** Short name; becomes part of the cluster name and the dist/<name> folder. */
  name: dnsLabel('environment name'),
  /** Domain this environment serves; a Route53 hosted zone is created for it and every platform UI lives under it. */
  domain: dnsName,
  /** Marks a production environment: HA everywhere, NAT per AZ, longer retention. Default false. */
  production: z.boolean().default(false),
  /** EKS Kubernetes version (minor). Default 1.33. */
  kubernetesVersion: z.string().regex(/^1\.(2[89]|3[0-9])$/, { error: 'a supported EKS minor version such as 1.33' }).default('1.33'),
  /** VPC CIDR; must not overlap another environment's, so the VPCs can be peered later. */
  vpcCidr: cidr,
  /** Expose the Kubernetes API publicly as well as privately. Default false. */
  publicEndpoint: z.boolean().default(false),
  /** CIDRs allowed to reach the public endpoint; required to be non-empty when publicEndpoint is true. */
  publicEndpointCidrs: z.array(cidr).default([]),
  nodes: z.strictObject({
    /** On-demand pool for platform components (tainted CriticalAddonsOnly is not applied: small clusters need the room). */
    system: nodePool,
    /** Pool for team workloads. */
    workload: nodePool,
  }),
  monitoring: z.strictObject({
    /** How long Prometheus keeps metrics. Default 15d. */
    retention: duration.default('15d'),
    /** Prometheus volume size. Default 50Gi. */
    storage: quantity.default('50Gi'),
  }).default({ retention: '15d', storage: '50Gi' }),
  logging: z.strictObject({
    /** How many days of logs the log store keeps. Default 14. */
    retentionDays: z.int().min(1).max(3650).default(14),
    /** Disk per Elasticsearch node (backend elasticsearch). Default 100Gi. */
    storage: quantity.default('100Gi'),
  }).default({ retentionDays: 14, storage: '100Gi' }),
  ingress: z.strictObject({
    /** ingress-nginx controller replicas. Default 2. */
    replicas: z.int().min(1).max(50).default(2),
  }).default({ replicas: 2 }),
});

const receiver = z.strictObject({
  name: dnsLabel('receiver name'),
  type: z.enum(['slack', 'pagerduty', 'opsgenie', 'email', 'webhook']),
  /** Alert severities routed to this receiver. */
  severities: z.array(z.enum(['critical', 'warning', 'info'])).min(1),
  /** Name of the secret in the backend that holds the webhook URL / routing key. Never the value. */
  secret: secretRef,
  /** Slack channel, e-mail address, … where the type needs one. */
  target: z.string().min(1).optional(),
  /**
   * Makes this the receiver of one team's own alerts (the PrometheusRules in its namespace, which
   * must carry the label `team: <name>`); it never gets platform alerts, and team alerts never
   * reach a receiver without `team`. Default: a platform receiver. A team without a receiver has
   * its alerts in Alertmanager and Grafana only.
   */
  team: dnsLabel('team name').optional(),
});

const app = z.strictObject({
  name: dnsLabel('app name'),
  /** Repository in the platform's ECR registry (created by infra). Default: <team>/<app>. */
  repository: z.string().regex(/^[a-z0-9]+([._/-][a-z0-9]+)*$/, { error: 'an ECR repository name such as payments/api' }).optional(),
  /** Immutable image tag or digest; `latest` is refused because it makes rollouts unreproducible. */
  tag: z.string().regex(/^(sha256:[a-f0-9]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/, { error: 'an image tag such as 1.4.2 or a sha256 digest' })
    .refine((t) => t !== 'latest', { error: 'a pinned tag or digest, not "latest"' }),
  port: z.int().min(1).max(65535).default(8080),
  replicas: z.int().min(1).max(100).default(2),
  /** Host prefix under the environment domain. Default: <app>-<team>. */
  host: dnsLabel('host').optional(),
  /** Most replicas the autoscaler may run. Default: three times `replicas`. */
  maxReplicas: z.int().min(1).max(500).optional(),
  /** Requests per replica; the memory limit equals the request (no overcommit), CPU is not limited. */
  resources: z.strictObject({
    cpu: quantity.default('250m'),
    memory: quantity.default('256Mi'),
  }).default({ cpu: '250m', memory: '256Mi' }),
  /** HTTP path answering 200 when the app can take traffic. Default /healthz. */
  healthPath: z.string().regex(/^\/[A-Za-z0-9._~\/-]*$/, { error: 'an absolute HTTP path such as /healthz' }).default('/healthz'),
  /** Path serving Prometheus metrics on the app port; null turns scraping off. Default /metrics. */
  metricsPath: z.string().regex(/^\/[A-Za-z0-9._~\/-]*$/, { error: 'an absolute HTTP path such as /metrics' }).nullable().default('/metrics'),
  /** Secrets (names under the team's prefix in the backend) exposed to the app as environment variables. */
  secrets: z.array(secretRef).default([]),
});

const team = z.strictObject({
  /** Team name; becomes its namespace, AppProject and secret prefix. */
  name: dnsLabel('team name'),
  /** IdP groups whose members are developers of this team. */
  groups: z.array(z.string().min(1)).min(1),
  /** Environments this team deploys to. Default: all. */
  environments: z.array(dnsLabel('environment name')).optional(),
  /** Resource quota for the team namespace. */
  quota: z.strictObject({
    cpu: quantity.default('8'),
    memory: quantity.default('16Gi'),
    pods: z.int().min(1).max(10000).default(50),
  }).default({ cpu: '8', memory: '16Gi', pods: 50 }),
  /**
   * Environments in which developers may `kubectl exec` and port-forward. Default: none. Never a
   * production environment: there people in team groups are read-only (changes go through git).
   */
  execIn: z.array(dnsLabel('environment name')).default([]),
  /** Git repositories the team's Argo CD AppProject may deploy from. */
  sourceRepos: z.array(z.string().min(1)).default([]),
  apps: z.array(app).default([]),
  /**
   * The admission guardrails this team may relax; nothing else can be relaxed. Default: none.
   * `registries`: registries the team may pull images from besides the platform's (`guardrails.registries`).
   */
  guardrails: z.strictObject({
    registries: z.array(registry).default([]),
  }).default({ registries: [] }),
});

export const platformSchema = z.strictObject({
  organization: z.strictObject({
    /** Short name; prefixes clusters, roles and secret paths. */
    name: dnsLabel('organization name'),
  }),
  aws: z.strictObject({
    accountId: z.string().regex(/^[0-9]{12}$/, { error: 'a 12-digit AWS account id in quotes, such as "123456789012"' }),
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/, { error: 'an AWS region such as eu-west-1' }),
    /** IAM roles (names) that get cluster-admin through EKS access entries, for break-glass and CI. */
    adminRoles: z.array(z.string().regex(/^[\w+=,.@-]{1,64}$/, { error: 'an IAM role name' })).default([]),
  }),
  gitops: z.strictObject({
    /** The GitOps repository that holds dist/ and that Argo CD watches. */
    repoURL: z.string().regex(/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/, { error: 'a git URL (https://, ssh:// or git@)' }),
    /** Branch or tag Argo CD follows. Default main. */
    revision: z.string().min(1).default('main'),
    /** Folder of dist/ inside the repository. Default dist. */
    path: z.string().regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, { error: 'a relative folder such as dist' }).default('dist'),
    /** Secret (in the backend) with the repository credentials; omit for a public repository. */
    credentialsSecret: secretRef.optional(),
    /** `single`: one Application tree per cluster. `fleet`: an ApplicationSet per environment over every registered cluster with matching labels. Default single. */
    mode: z.enum(['single', 'fleet']).default('single'),
  }),
  identity: z.strictObject({
    provider: z.enum(['keycloak', 'azure-ad', 'cognito']),
    issuerURL: z.string().regex(/^https:\/\/[^\s]+$/, { error: 'an https:// OIDC issuer URL' }),
    /** OIDC client id the Kubernetes API and dashboards trust. */
    clientId: z.string().min(1),
    /** Token claim that carries group names. Default groups. */
    groupsClaim: z.string().min(1).default('groups'),
    /** Token claim used as user name. Default email. */
    usernameClaim: z.string().min(1).default('email'),
    /** IdP groups with full platform administration. */
    adminGroups: z.array(z.string().min(1)).min(1),
    /** Cognito only: the hosted UI domain (auth.example.com), which serves the OAuth endpoints. */
    hostedUiDomain: dnsName.optional(),
    /** IdP groups with read-only access to everything but Secrets. Default none. */
    viewerGroups: z.array(z.string().min(1)).default([]),
  }),
  secrets: z.strictObject({
    backend: z.enum(['aws-secrets-manager', 'vault', 'azure-key-vault']).default('aws-secrets-manager'),
    /** Vault server URL; required for backend vault. */
    vaultServer: z.string().regex(/^https:\/\/[^\s]+$/, { error: 'an https:// Vault address' }).optional(),
    /** Azure Key Vault URL; required for backend azure-key-vault. */
    azureVaultUrl: z.string().regex(/^https:\/\/[^\s]+$/, { error: 'an https:// Key Vault URL' }).optional(),
    azureTenantId: z.string().uuid({ error: 'an Azure tenant id (UUID)' }).optional(),
  }).default({ backend: 'aws-secrets-manager' }),
  alerting: z.strictObject({
    receivers: z.array(receiver).min(1),
    /**
     * The SMTP relay Alertmanager sends e-mail through; required when a receiver has type email
     * (Alertmanager refuses an email receiver without one). No default. The password is each email
     * receiver's `secret`.
     */
    smtp: z.strictObject({
      /** host:port of the relay, e.g. email-smtp.eu-west-1.amazonaws.com:587 (STARTTLS is required). */
      smarthost: z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:[0-9]{1,5}$/, { error: 'host:port of an SMTP relay' }),
      /** Sender address of the alert e-mails. */
      from: z.email({ error: 'a sender e-mail address' }),
      /** User name for SMTP authentication. Default: none (the relay accepts the platform unauthenticated). */
      username: z.string().min(1).optional(),
    }).optional(),
  }),
  logging: z.strictObject({
    /** `elasticsearch`: ECK-managed in the cluster. `opensearch`: an AWS OpenSearch domain created by infra. Default elasticsearch. */
    backend: z.enum(['elasticsearch', 'opensearch']).default('elasticsearch'),
  }).default({ backend: 'elasticsearch' }),
  certificates: z.strictObject({
    /** E-mail Let's Encrypt sends expiry notices to. */
    acmeEmail: z.email({ error: 'an e-mail address for Let\'s Encrypt notices' }),
  }),
  environments: z.array(environment).min(1),
  teams: z.array(team).default([]),
  /** Admission guardrails for every team namespace (README: what is enforced and where). */
  guardrails: z.strictObject({
    /**
     * Registries every team may pull images from, besides the organisation's ECR (always allowed).
     * Default: none, so images come from the organisation's ECR only.
     */
    registries: z.array(registry).default([]),
  }).default({ registries: [] }),
}).superRefine(checkCrossFieldRules);

/** Namespaces the platform itself owns; a team of the same name would share them. */
export const RESERVED_NAMESPACES = [
  'default', 'kube-system', 'kube-public', 'kube-node-lease', 'argocd', 'monitoring', 'logging',
  'log-store', 'elastic-system', 'node-exporter', 'ingress-nginx', 'cert-manager', 'external-dns', 'external-secrets', 'oauth2-proxy', 'platform',
];

type RawPlatform = {
  environments: Array<{ name: string; domain: string; vpcCidr: string; publicEndpoint: boolean; publicEndpointCidrs: string[]; production: boolean }>;
  teams: Array<{ name: string; environments?: string[]; execIn: string[]; apps: Array<{ name: string; host?: string; replicas: number; maxReplicas?: number }> }>;
  alerting: { receivers: Array<{ name: string; severities: string[]; type: string; target?: string; team?: string }>; smtp?: unknown };
  secrets: { backend: string; vaultServer?: string; azureVaultUrl?: string; azureTenantId?: string };
  identity: { provider: string; hostedUiDomain?: string };
};

/** Rules that span fields. Each issue carries the path of the offending field. */
function checkCrossFieldRules(cfg: RawPlatform, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], expected: string, found: unknown) =>
    ctx.addIssue({ code: 'custom', path, message: expected, input: found });

  const unique = (items: Array<{ name: string }>, path: string[], what: string) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const first = seen.get(item.name);
      if (first !== undefined) issue([...path, i, 'name'], `a unique ${what} name (already used at ${path.join('.')}[${first}])`, item.name);
      else seen.set(item.name, i);
    });
  };
  unique(cfg.environments, ['environments'], 'environment');
  unique(cfg.teams, ['teams'], 'team');
  unique(cfg.alerting.receivers, ['alerting', 'receivers'], 'receiver');
  cfg.teams.forEach((t, i) => unique(t.apps, ['teams', String(i), 'apps'], 'app'));
  cfg.teams.forEach((t, i) => t.apps.forEach((a, j) => {
    if (a.maxReplicas !== undefined && a.maxReplicas < a.replicas) issue(['teams', i, 'apps', j, 'maxReplicas'], `at least replicas (${a.replicas})`, a.maxReplicas);
  }));
  const hosts = new Map<string, string>();
  cfg.teams.forEach((t, i) => t.apps.forEach((a, j) => {
    const host = a.host ?? `${a.name}-${t.name}`;
    const other = hosts.get(host);
    if (other) issue(['teams', i, 'apps', j, 'host'], `a host not used by another app (${other} has ${host})`, host);
    else hosts.set(host, `teams[${i}].apps[${j}]`);
  }));

  const domains = new Map<string, number>();
  const blocks: Array<{ index: number; range: [number, number] }> = [];
  cfg.environments.forEach((env, i) => {
    const other = domains.get(env.domain);
    if (other !== undefined) issue(['environments', i, 'domain'], `a domain not used by another environment (environments[${other}] has it)`, env.domain);
    domains.set(env.domain, i);

    const range = cidrRange(env.vpcCidr);
    if (range) {
      const clash = blocks.find((b) => range[0] <= b.range[1] && b.range[0] <= range[1]);
      if (clash) issue(['environments', i, 'vpcCidr'], `a CIDR that does not overlap environments[${clash.index}].vpcCidr (${cfg.environments[clash.index].vpcCidr})`, env.vpcCidr);
      blocks.push({ index: i, range });
      const prefix = Number(env.vpcCidr.split('/')[1]);
      if (prefix < 16 || prefix > 20) issue(['environments', i, 'vpcCidr'], 'a VPC CIDR between /16 and /20 (AWS allows no larger; smaller leaves no room for three AZs of pods)', env.vpcCidr);
    }
    if (env.publicEndpoint && env.publicEndpointCidrs.length === 0) {
      issue(['environments', i, 'publicEndpointCidrs'], 'at least one CIDR allowed to reach the public API endpoint (an empty list would open it to the internet)', env.publicEndpointCidrs);
    }
    env.publicEndpointCidrs.forEach((c, j) => {
      if (c.endsWith('/0')) issue(['environments', i, 'publicEndpointCidrs', j], 'a CIDR narrower than /0 (the whole internet)', c);
    });
  });

  const envNames = new Set(cfg.environments.map((e) => e.name));
  const known = [...envNames].join(', ');
  cfg.teams.forEach((t, i) => {
    if (RESERVED_NAMESPACES.includes(t.name)) issue(['teams', i, 'name'], `a team name that is not a platform namespace (${RESERVED_NAMESPACES.join(', ')})`, t.name);
    (t.environments ?? []).forEach((e, j) => {
      if (!envNames.has(e)) issue(['teams', i, 'environments', j], `one of the environments (${known})`, e);
    });
    t.execIn.forEach((e, j) => {
      if (!envNames.has(e)) issue(['teams', i, 'execIn', j], `one of the environments (${known})`, e);
      else if (cfg.environments.find((env) => env.name === e)!.production) issue(['teams', i, 'execIn', j], 'a non-production environment (in production, team groups are read-only and change things through git)', e);
    });
  });

  const teamNames = cfg.teams.map((t) => t.name);
  cfg.alerting.receivers.forEach((r, i) => {
    if (r.team !== undefined && !teamNames.includes(r.team)) issue(['alerting', 'receivers', i, 'team'], `one of the teams (${teamNames.join(', ')})`, r.team);
  });
  if (!cfg.alerting.receivers.some((r) => r.team === undefined && r.severities.includes('critical'))) {
    issue(['alerting', 'receivers'], 'at least one receiver for severity critical that belongs to no team (otherwise outages page nobody)', cfg.alerting.receivers.map((r) => r.name));
  }
  cfg.alerting.receivers.forEach((r, i) => {
    if ((r.type === 'slack' || r.type === 'email') && !r.target) issue(['alerting', 'receivers', i, 'target'], `a ${r.type === 'slack' ? 'Slack channel' : 'recipient address'} for a ${r.type} receiver`, undefined);
  });
  const emailReceiver = cfg.alerting.receivers.findIndex((r) => r.type === 'email');
  if (emailReceiver >= 0 && !cfg.alerting.smtp) {
    issue(['alerting', 'smtp'], `an SMTP relay (smarthost, from) for the email receiver alerting.receivers[${emailReceiver}]`, undefined);
  }

  if (cfg.identity.provider === 'cognito' && !cfg.identity.hostedUiDomain) issue(['identity', 'hostedUiDomain'], 'the Cognito hosted UI domain when provider is cognito', undefined);
  if (cfg.secrets.backend === 'vault' && !cfg.secrets.vaultServer) issue(['secrets', 'vaultServer'], 'the Vault address when backend is vault', undefined);
  if (cfg.secrets.backend === 'azure-key-vault') {
    if (!cfg.secrets.azureVaultUrl) issue(['secrets', 'azureVaultUrl'], 'the Key Vault URL when backend is azure-key-vault', undefined);
    if (!cfg.secrets.azureTenantId) issue(['secrets', 'azureTenantId'], 'the Azure tenant id when backend is azure-key-vault', undefined);
  }
}

/** First and last address of a valid CIDR as integers, or undefined. */
export function cidrRange(value: string): [number, number] | undefined {
  if (!isValidCidr(value)) return undefined;
  const [ip, bits] = value.split('/');
  const base = ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  const start = base - (base % size);
  return [start, start + size - 1];
}

export type PlatformConfig = z.infer<typeof platformSchema>;
export type EnvironmentConfig = PlatformConfig['environments'][number];
export type TeamConfig = PlatformConfig['teams'][number];
export type AppConfig = TeamConfig['apps'][number];
export type ReceiverConfig = PlatformConfig['alerting']['receivers'][number];
export type NodePoolConfig = EnvironmentConfig['nodes']['system'];
