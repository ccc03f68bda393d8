/**
 * The one schema for platform.yaml. Both the TypeScript types (`PlatformConfig`, …) and the
 * runtime validation come from here, so the two cannot drift apart.
 *
 * Every object is strict: an unknown key is an error, because a misspelt optional field
 * (`retenton: 30d`) would otherwise be silently ignored and the platform would run on a default.
 * Defaults are applied here, so everything downstream reads a complete config.
 */
import { z } from 'zod';
import { cronMaxGapMinutes } from './cron';
import { derivedNameProblem, PLATFORM_UIS, PlatformNames, secretEnvName } from './names';
import { appPeakPods, formatQuantity, parseQuantity, TEAM_CONTAINER_DEFAULTS, TEAM_QUOTA_LIMITS_FACTOR } from './capacity';
import { DEFAULT_KUBERNETES_VERSION, EKS_ADDONS, KUBERNETES_VERSIONS } from './versions';

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
const cidr = z.string().refine(isValidCidr, { error: 'an IPv4 CIDR block such as 10.0.0.0/16' })
  // 10.30.5.0/20 means 10.30.0.0/20 to AWS, or is refused by it: say which network was meant.
  .refine((c) => !isValidCidr(c) || networkAddress(c) === c, { error: (i) => `a network address without host bits (${networkAddress(String(i.input))})` });

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

/** A Kubernetes duration as Karpenter and Velero take it: 30s, 5m, 720h, 1h30m. */
const KUBE_DURATION = /^([0-9]+(s|m|h))+$/;
const kubeDuration = (example: string) => z.string().regex(KUBE_DURATION, { error: `a duration in hours, minutes or seconds such as ${example}` });

const cron = z.string().refine((c) => cronMaxGapMinutes(c) !== undefined, {
  error: 'a five-field cron expression (minute hour day-of-month month day-of-week) that runs, such as "0 3 * * *"',
});

/** Capacity Karpenter adds and removes for team workloads; one NodePool each. */
const karpenterNodePool = z.strictObject({
  /** NodePool name; its nodes carry the label k8s-platform.io/pool=<name>. `system` is the managed node group's. */
  name: dnsLabel('node pool name'),
  /** EC2 instance families Karpenter may choose from, e.g. [m7i, m6i, c7i]. At least one. */
  instanceFamilies: z.array(z.string().regex(/^[a-z][a-z0-9-]*[0-9][a-z0-9-]*$/, { error: 'an EC2 instance family such as m7i or c6g' }))
    .refine((families) => families.length > 0, { error: 'at least one instance family (for example [m7i, m6i]); without one Karpenter could pick any instance type' }),
  /** `on-demand` and/or `spot`; with both Karpenter prefers spot and falls back to on-demand. Default [on-demand]. */
  capacityTypes: z.array(z.enum(['on-demand', 'spot'])).min(1).default(['on-demand']),
  /** CPU architectures. Default [amd64]. */
  architectures: z.array(z.enum(['amd64', 'arm64'])).min(1).default(['amd64']),
  /** The most CPU and memory all nodes of this pool may have together: Karpenter launches nothing beyond it. */
  limits: z.strictObject({ cpu: quantity, memory: quantity }),
  /** `WhenEmptyOrUnderutilized` also repacks pods onto fewer nodes; `WhenEmpty` only removes empty nodes. Default WhenEmptyOrUnderutilized. */
  consolidation: z.enum(['WhenEmptyOrUnderutilized', 'WhenEmpty']).default('WhenEmptyOrUnderutilized'),
  /** How long a node must be consolidatable before Karpenter acts. Default 5m. */
  consolidateAfter: kubeDuration('5m').default('5m'),
  /** A node is replaced after this long (new AMIs, no drift). Default 720h (30 days). */
  expireAfter: kubeDuration('720h').default('720h'),
  /**
   * How many nodes (a count or a percentage) Karpenter may disrupt at once, optionally only during
   * a cron window (`schedule` + `duration`). Default one budget of 10%.
   */
  disruptionBudgets: z.array(z.strictObject({
    nodes: z.string().regex(/^((100|[0-9]{1,2})%|[0-9]+)$/, { error: 'a node count or percentage such as 1 or 10%' }),
    /** Start of the window the budget applies in (cron, UTC); needs `duration`. */
    schedule: cron.optional(),
    /** Length of that window, such as 8h or 1h30m; needs `schedule`. */
    duration: z.string().regex(/^(?=[0-9])([0-9]+h)?([0-9]+m)?$/, { error: 'a duration in hours and minutes such as 8h or 1h30m' }).optional(),
  }).superRefine((b, ctx) => {
    // The NodePool CRD refuses one without the other.
    if ((b.schedule === undefined) !== (b.duration === undefined)) {
      ctx.addIssue({ code: 'custom', path: [b.schedule === undefined ? 'schedule' : 'duration'], message: 'schedule and duration together (a budget window needs both)', input: undefined });
    }
  })).min(1).default([{ nodes: '10%' }]),
});

const environment = z.strictObject({
  /** Short name; becomes part of the cluster name and the dist/<name> folder. */
  name: dnsLabel('environment name'),
  /**
   * Domain this environment serves; a Route53 hosted zone is created for it and every platform UI
   * lives under it. Not under another environment's domain (refused): that environment's SSO cookie
   * would reach this one's hosts. Use sibling domains (dev.example.com, prod.example.com).
   */
  domain: dnsName,
  /** Marks a production environment: HA everywhere, NAT per AZ, longer retention. Default false. */
  production: z.boolean().default(false),
  /**
   * EKS Kubernetes version (minor), one of KUBERNETES_VERSIONS in config/versions.ts (those in EKS
   * standard support). Cluster, node groups and add-ons all follow it. Default 1.35.
   */
  kubernetesVersion: z.string().refine((v) => v in KUBERNETES_VERSIONS, {
    error: `a Kubernetes version in EKS standard support (${Object.entries(KUBERNETES_VERSIONS).map(([v, s]) => `${v} until ${s.standardSupportEnds}`).join(', ')})`,
  }).default(DEFAULT_KUBERNETES_VERSION),
  /**
   * Pinned EKS add-on builds (add-on name -> version). Default: none, each add-on runs EKS' default
   * build for kubernetesVersion. A pin must be built for kubernetesVersion.
   */
  addonVersions: z.partialRecord(z.enum(EKS_ADDONS), z.string().regex(/^v[0-9]+\.[0-9]+\.[0-9]+-eksbuild\.[0-9]+$/, { error: 'an EKS add-on build such as v1.35.3-eksbuild.2' })).default({}),
  /** VPC CIDR, /16 to /20, written as its network address (no host bits); must not overlap another environment's, so the VPCs can be peered later. */
  vpcCidr: cidr,
  /** Expose the Kubernetes API publicly as well as privately. Default false. */
  publicEndpoint: z.boolean().default(false),
  /** CIDRs allowed to reach the public endpoint; required to be non-empty when publicEndpoint is true. */
  publicEndpointCidrs: z.array(cidr).default([]),
  /**
   * How deployers (the `<env>-gitops` stack, kubectl) reach a private API endpoint; required when
   * publicEndpoint is false. `ssm-tunnel`: a small instance in a private subnet, without inbound
   * ports or SSH keys, that AWS Systems Manager port-forwards through to the endpoint.
   * Default: none (the public endpoint is the path).
   */
  apiAccess: z.strictObject({
    mode: z.enum(['ssm-tunnel']),
    /** Local port the tunnel listens on; the gitops stack and kubeconfig connect to it. Default 8443. */
    localPort: z.int().min(1024).max(65535).default(8443),
    /** Tunnel instance type. Default t3.micro. */
    instanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: 'an EC2 instance type such as t3.micro' }).default('t3.micro'),
  }).optional(),
  nodes: z.strictObject({
    /** EKS managed node group for platform components and Karpenter itself (tainted CriticalAddonsOnly is not applied: small clusters need the room). */
    system: nodePool,
  }),
  /** Karpenter NodePools for team workloads (the system group above runs Karpenter). At least one. */
  nodePools: z.array(karpenterNodePool).min(1),
  /** Velero backups of the whole cluster (objects and, through CSI snapshots, EBS volumes). */
  backup: z.strictObject({
    /** When backups run, as a five-field cron expression in UTC. Default "0 3 * * *" (daily at 03:00). */
    schedule: cron.default('0 3 * * *'),
    /** How long each backup is kept before Velero deletes it. Default 720h (30 days). */
    ttl: kubeDuration('720h').default('720h'),
  }).default({ schedule: '0 3 * * *', ttl: '720h' }),
  monitoring: z.strictObject({
    /** How long Prometheus keeps metrics. Default 15d. */
    retention: duration.default('15d'),
    /** Prometheus volume size. Default 50Gi. */
    storage: quantity.default('50Gi'),
  }).default({ retention: '15d', storage: '50Gi' }),
  logging: z.strictObject({
    /** How many days of logs the log store keeps. Default 14. */
    retentionDays: z.int().min(1).max(3650).default(14),
    /** Disk per log store data node: each Elasticsearch node, or each OpenSearch data node's EBS volume (rounded up to whole GiB, at least 10Gi). Default 100Gi. */
    storage: quantity.refine((q) => !QUANTITY.test(q) || parseQuantity(q) >= 10 * 2 ** 30, { error: 'at least 10Gi (the smallest EBS volume AWS OpenSearch takes)' }).default('100Gi'),
  }).default({ retentionDays: 14, storage: '100Gi' }),
  /**
   * The one Gateway (Envoy Gateway behind an AWS Network Load Balancer). Its Envoy proxies get a
   * disruption budget of replicas - 1 and are spread over zones (strictly in production).
   */
  gateway: z.strictObject({
    /** Envoy proxy replicas. Default 2. */
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
  /** Email only (required there): the SMTP relay as host:port, such as smtp.example.com:587. Alertmanager logs in as `from` with the password in `secret`. */
  smarthost: z.string().regex(/^[A-Za-z0-9.-]+:[0-9]{1,5}$/, { error: 'an SMTP relay as host:port, such as smtp.example.com:587' }).optional(),
  /** Email only (required there): the sender address, also the SMTP login. */
  from: z.email({ error: 'a sender e-mail address' }).optional(),
  /**
   * Makes this the receiver of one team's own alerts (the PrometheusRules in its namespace, which
   * must carry the label `team: <name>`); it never gets platform alerts, and team alerts never
   * reach a receiver without `team`. Default: a platform receiver. A team without a receiver has
   * its alerts in Alertmanager and Grafana only.
   */
  team: dnsLabel('team name').optional(),
});

const app = z.strictObject({
  /** Names its Deployment and Service: a Service name must start with a letter (RFC 1035). */
  name: dnsLabel('app name').regex(/^[a-z]/, { error: 'an app name starting with a letter (it names a Service, an RFC 1035 label)' }),
  /** Repository in the platform's ECR registry (created by infra). Default: <org>/<team>/<app>. */
  repository: z.string().regex(/^[a-z0-9]+([._/-][a-z0-9]+)*$/, { error: 'an ECR repository name such as payments/api' }).optional(),
  /** Immutable image tag or digest; `latest` is refused because it makes rollouts unreproducible. */
  tag: z.string().regex(/^(sha256:[a-f0-9]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/, { error: 'an image tag such as 1.4.2 or a sha256 digest' })
    .refine((t) => t.toLowerCase() !== 'latest', { error: 'a pinned tag or digest, not "latest" (in any case)' }),
  port: z.int().min(1).max(65535).default(8080),
  replicas: z.int().min(1).max(100).default(2),
  /**
   * The app's name inside its team's zone: served at <host>.<team>.apps.<environment domain>.
   * One DNS label; a name outside the team's zone cannot be expressed. Default: the app name.
   */
  host: z.string().min(1).max(63).optional(),
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
  /**
   * Resource quota for the team namespace. Defaults 8 CPU, 16Gi, 50 pods. Must hold the declared
   * apps at maxReplicas plus a rolling update's surge (refused otherwise).
   */
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
    /**
     * IAM roles (names) that get cluster-admin through EKS access entries, for break-glass and CI. At
     * least one: the cluster has no implicit creator admin, so the gitops stack runs as one of these.
     */
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
    /**
     * One OIDC client (audience) per consumer, all different, so a token issued to one is refused by
     * the others: `kubernetes` (the EKS API), `argocd`, `grafana` and `gateway` (the gateway's SSO in
     * front of every platform UI). Their secrets live in the backend (argocd/oidc, grafana/oidc,
     * gateway/oidc), never here.
     */
    clients: z.strictObject({
      kubernetes: z.string().min(1),
      argocd: z.string().min(1),
      grafana: z.string().min(1),
      gateway: z.string().min(1),
    }),
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
    /**
     * Where secret values live. Default aws-secrets-manager. `vault`: one KV v2 mount per prefix,
     * `<org>/<env>/platform` and `<org>/<env>/teams/<team>`, each read by its own Kubernetes-auth
     * role (README, Secrets). Azure Key Vault is not offered: its names allow no `/`, and per-team
     * isolation would need a vault and a federated identity per team, which infra (AWS) cannot create.
     */
    backend: z.enum(['aws-secrets-manager', 'vault']).default('aws-secrets-manager'),
    /** Vault server URL; required for backend vault. */
    vaultServer: z.string().regex(/^https:\/\/[^\s]+$/, { error: 'an https:// Vault address' }).optional(),
  }).default({ backend: 'aws-secrets-manager' }),
  alerting: z.strictObject({
    receivers: z.array(receiver).min(1),
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
  'log-store', 'elastic-system', 'ingress-nginx', 'envoy-gateway-system', 'aws-load-balancer-controller', 'cert-manager', 'external-dns', 'external-secrets', 'oauth2-proxy', 'platform',
  'karpenter', 'metrics-server', 'velero', 'node-exporter',
];

type RawPlatform = {
  organization: { name: string };
  environments: Array<{
    name: string; domain: string; vpcCidr: string; publicEndpoint: boolean; publicEndpointCidrs: string[]; production: boolean; nodePools: Array<{ name: string; limits: { cpu: string; memory: string } }>;
    kubernetesVersion: string; addonVersions: Record<string, string | undefined>; apiAccess?: { mode: string };
  }>;
  teams: Array<{
    name: string; environments?: string[]; execIn: string[]; quota: { cpu: string; memory: string; pods: number };
    apps: Array<{ name: string; host?: string; repository?: string; replicas: number; maxReplicas?: number; resources: { cpu: string; memory: string }; secrets: string[] }>;
  }>;
  logging: { backend: string };
  alerting: { receivers: Array<{ name: string; severities: string[]; type: string; target?: string; smarthost?: string; from?: string; team?: string }> };
  secrets: { backend: string; vaultServer?: string };
  identity: { provider: string; hostedUiDomain?: string; clients: Record<string, string> };
  aws: { adminRoles: string[] };
};

/** Reports one problem: the offending field's path, what was expected there, what was found. */
type Issue = (path: PropertyKey[], expected: string, found: unknown) => void;

/** Rules that span fields. Each issue carries the path of the offending field. */
function checkCrossFieldRules(cfg: RawPlatform, ctx: z.RefinementCtx): void {
  const issue: Issue = (path, expected, found) =>
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
  // App hosts: one label inside the team's own zone (<host>.<team>.apps.<domain>), never a platform
  // UI's name, never another app's: the gateway could not tell the two apps apart.
  cfg.teams.forEach((t, i) => {
    const hosts = new Map<string, number>();
    t.apps.forEach((a, j) => {
      const path = ['teams', i, 'apps', j, 'host'];
      const host = a.host ?? a.name;
      if (a.host !== undefined && !DNS_LABEL.test(a.host)) {
        issue(path, `one DNS label inside the team's zone (served as <host>.${t.name}.apps.<domain>); names outside the team's zone are refused`, a.host);
        return;
      }
      if ((PLATFORM_UIS as readonly string[]).includes(host)) {
        issue(path, `a host that is not a platform UI name (${PLATFORM_UIS.join(', ')}): a look-alike of a platform UI invites phishing`, host);
      }
      const other = hosts.get(host);
      if (other !== undefined) issue(path, `a host not used by another app of the team (teams[${i}].apps[${other}] has ${host})`, host);
      else hosts.set(host, j);
    });
  });
  checkAppSecrets(cfg, issue);
  checkAppRepositories(cfg, issue);
  checkTeamQuotas(cfg, issue);
  checkNestedDomains(cfg, issue);
  checkDerivedNames(cfg, issue);
  checkIdpHost(cfg, issue);

  const domains = new Map<string, number>();
  const blocks: Array<{ index: number; range: [number, number] }> = [];
  cfg.environments.forEach((env, i) => {
    const other = domains.get(env.domain);
    if (other !== undefined) issue(['environments', i, 'domain'], `a domain not used by another environment (environments[${other}] has it)`, env.domain);
    domains.set(env.domain, i);
    // Each environment splits its domain into platform.<domain> (UIs) and apps.<domain> (teams);
    // another environment living inside one of those zones would blur the fence between them.
    cfg.environments.forEach((o, j) => {
      const zone = ['platform', 'apps'].map((z) => `${z}.${o.domain}`).find((z) => env.domain === z || env.domain.endsWith(`.${z}`));
      if (j !== i && zone) issue(['environments', i, 'domain'], `a domain outside environments[${j}]'s zone ${zone} (where its platform UIs or team apps live)`, env.domain);
    });

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
    if (!env.publicEndpoint && !env.apiAccess) {
      issue(['environments', i, 'apiAccess'], 'a network path to the private API endpoint (apiAccess: { mode: ssm-tunnel }) or publicEndpoint: true with publicEndpointCidrs; without one nobody can run the gitops stack or kubectl', undefined);
    }
    // kube-proxy is built per Kubernetes minor (v1.35.3-eksbuild.2 runs on 1.35 only).
    const kubeProxy = env.addonVersions['kube-proxy'];
    if (kubeProxy && !kubeProxy.startsWith(`v${env.kubernetesVersion}.`)) {
      issue(['environments', i, 'addonVersions', 'kube-proxy'], `a kube-proxy build for Kubernetes ${env.kubernetesVersion} (v${env.kubernetesVersion}.x-eksbuild.y)`, kubeProxy);
    }
  });

  cfg.environments.forEach((env, i) => {
    // The backup bucket (<org>-<env>-backup-<account id>) is the longest derived name with a hard limit: S3's 63 characters.
    const bucket = `${cfg.organization.name}-${env.name}-backup-000000000000`;
    if (bucket.length > 63) issue(['environments', i, 'name'], `an environment name at most ${env.name.length - (bucket.length - 63)} characters long with this organization name (the backup bucket name <org>-<env>-backup-<account id> allows 63)`, env.name);
    unique(env.nodePools, ['environments', String(i), 'nodePools'], 'node pool');
    env.nodePools.forEach((p, j) => {
      if (p.name === 'system') issue(['environments', i, 'nodePools', j, 'name'], 'a node pool name other than "system" (the managed node group that runs the platform)', p.name);
    });
    // Team apps run on Karpenter's nodes: pools that cannot hold their minimum replicas leave pods pending forever.
    const apps = cfg.teams.filter((t) => !t.environments || t.environments.includes(env.name)).flatMap((t) => t.apps);
    const need = { cpu: 0, memory: 0 };
    apps.forEach((a) => { need.cpu += a.replicas * parseQuantity(a.resources.cpu); need.memory += a.replicas * parseQuantity(a.resources.memory); });
    const have = { cpu: 0, memory: 0 };
    env.nodePools.forEach((p) => { have.cpu += parseQuantity(p.limits.cpu); have.memory += parseQuantity(p.limits.memory); });
    if (env.nodePools.length > 0 && (have.cpu < need.cpu || have.memory < need.memory)) {
      issue(['environments', i, 'nodePools'],
        `node pool limits that add up to at least what this environment's apps request at their minimum replicas (cpu ${formatQuantity(need.cpu, 'cpu')}, memory ${formatQuantity(need.memory, 'memory')}; the pools allow cpu ${formatQuantity(have.cpu, 'cpu')}, memory ${formatQuantity(have.memory, 'memory')})`,
        env.nodePools.map((p) => ({ name: p.name, limits: p.limits })));
    }
  });
  if (cfg.aws.adminRoles.length === 0) {
    issue(['aws', 'adminRoles'], 'at least one IAM role with cluster-admin (the deployer assumes it to install Argo CD; the cluster has no implicit creator admin)', cfg.aws.adminRoles);
  }

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
    // Alertmanager refuses an email receiver with no relay and sender (and has no global ones here).
    if (r.type === 'email' && !r.smarthost) issue(['alerting', 'receivers', i, 'smarthost'], 'the SMTP relay (host:port) for an email receiver', undefined);
    if (r.type === 'email' && !r.from) issue(['alerting', 'receivers', i, 'from'], 'the sender address for an email receiver', undefined);
  });

  // The EKS API trusts tokens whose audience is `kubernetes`: no other consumer may share that client.
  const clients = Object.entries(cfg.identity.clients ?? {});
  clients.forEach(([name, id], k) => {
    const first = clients.findIndex(([, other]) => other === id);
    if (first < k) issue(['identity', 'clients', name], `a client id different from identity.clients.${clients[first][0]} (a token issued to one would be accepted by the other)`, id);
  });
  if (cfg.identity.provider === 'cognito' && !cfg.identity.hostedUiDomain) issue(['identity', 'hostedUiDomain'], 'the Cognito hosted UI domain when provider is cognito', undefined);
  if (cfg.secrets.backend === 'vault' && !cfg.secrets.vaultServer) issue(['secrets', 'vaultServer'], 'the Vault address when backend is vault', undefined);
}

/**
 * An app's secrets are keys under its team's prefix: relative, no `.`/`..` segment (which a backend
 * could resolve outside the prefix), and each becomes its own environment variable (the last
 * segment, upper-cased), so two may not map to the same one.
 */
function checkAppSecrets(cfg: RawPlatform, issue: Issue): void {
  cfg.teams.forEach((t, i) => t.apps.forEach((a, j) => {
    const seen = new Map<string, string>();
    a.secrets.forEach((ref, k) => {
      const segments = ref.split('/');
      if (segments.some((seg) => seg === '' || seg === '.' || seg === '..')) {
        issue(['teams', i, 'apps', j, 'secrets', k], 'a key relative to the team\'s secret prefix, such as api/database-url (no leading or trailing /, no . or .. segment)', ref);
        return;
      }
      const env = secretEnvName(ref);
      const other = seen.get(env);
      if (other) issue(['teams', i, 'apps', j, 'secrets', k], `a secret whose last segment gives another environment variable than ${other} (both give ${env})`, ref);
      else seen.set(env, ref);
    });
  }));
}

/**
 * A team pulls images from its own ECR folder (<org>/<team>/...) and from the exact repository of
 * each of its apps (platform-image-source). An app's repository inside another team's folder, or
 * shared with another app, would hand one team the other's images.
 */
function checkAppRepositories(cfg: RawPlatform, issue: Issue): void {
  const org = cfg.organization.name;
  const owners = new Map<string, string>();
  cfg.teams.forEach((t, i) => t.apps.forEach((a, j) => {
    const repository = a.repository ?? `${org}/${t.name}/${a.name}`;
    const path = ['teams', i, 'apps', j, a.repository ? 'repository' : 'name'];
    const foreign = cfg.teams.find((o) => o !== t && repository.startsWith(`${org}/${o.name}/`));
    if (foreign) issue(path, `a repository outside another team's ECR folder (${org}/${foreign.name}/ holds team ${foreign.name}'s images)`, repository);
    const owner = owners.get(repository);
    if (owner) issue(path, `a repository no other app uses (${owner} already pushes to it)`, repository);
    else owners.set(repository, `teams[${i}].apps[${j}]`);
  }));
}

/**
 * A team's quota must hold its declared apps at their autoscaling maximum plus a rolling update's
 * surge (the Deployment never stops a pod before its replacement is up): otherwise the autoscaler
 * stalls below its maximum and rollouts hang, with no error in git.
 */
function checkTeamQuotas(cfg: RawPlatform, issue: Issue): void {
  cfg.teams.forEach((t, i) => {
    if (t.apps.length === 0) return;
    const peak = t.apps.map((a) => ({ app: a, pods: appPeakPods(a) }));
    const pods = peak.reduce((n, p) => n + p.pods, 0);
    const breakdown = peak.map((p) => `${p.app.name}: ${p.pods} pods`).join(', ');
    if (pods > t.quota.pods) issue(['teams', i, 'quota', 'pods'], `at least ${pods} pods, what the declared apps run at their maximum plus a rolling update (${breakdown})`, t.quota.pods);
    const fits = (need: number, quota: string) => need <= parseQuantity(quota) * (1 + 1e-9);
    let cpuReported = false;
    for (const resource of ['cpu', 'memory'] as const) {
      const need = peak.reduce((n, p) => n + p.pods * parseQuantity(p.app.resources[resource]), 0);
      if (!fits(need, t.quota[resource])) {
        cpuReported ||= resource === 'cpu';
        issue(['teams', i, 'quota', resource], `at least ${formatQuantity(need, resource)}, what the declared apps request at their maximum plus a rolling update (${peak.map((p) => `${p.app.name}: ${p.pods} x ${p.app.resources[resource]}`).join(', ')})`, t.quota[resource]);
      }
    }
    // Apps set no CPU limit, so each container gets the LimitRange's default, counted against limits.cpu
    // (TEAM_QUOTA_LIMITS_FACTOR x quota.cpu). Memory limits equal requests and always fit.
    const limitCpu = parseQuantity(TEAM_CONTAINER_DEFAULTS.limitCpu);
    const cpuLimits = pods * limitCpu;
    if (!cpuReported && !fits(cpuLimits / TEAM_QUOTA_LIMITS_FACTOR, t.quota.cpu)) {
      issue(['teams', i, 'quota', 'cpu'], `at least ${formatQuantity(cpuLimits / TEAM_QUOTA_LIMITS_FACTOR, 'cpu')}: the namespace's CPU limit quota (${TEAM_QUOTA_LIMITS_FACTOR} x quota.cpu) must hold ${pods} pods at the default CPU limit of ${TEAM_CONTAINER_DEFAULTS.limitCpu}`, t.quota.cpu);
    }
    t.apps.forEach((a, j) => {
      if (parseQuantity(a.resources.cpu) > limitCpu) {
        issue(['teams', i, 'apps', j, 'resources', 'cpu'], `at most ${TEAM_CONTAINER_DEFAULTS.limitCpu}, the CPU limit the team namespace gives every container (the API server refuses a request above its limit)`, a.resources.cpu);
      }
    });
  });
}

/**
 * No environment's domain may lie under another's: the parent's SSO cookie (domain .<parent>)
 * would reach every host of the child, so a less trusted environment could read the other's
 * sessions, and the child's zone would need delegating from a zone another stack owns. Sibling
 * domains (dev.example.com, prod.example.com) or separate domains work.
 */
function checkNestedDomains(cfg: RawPlatform, issue: Issue): void {
  cfg.environments.forEach((env, i) => {
    const parent = cfg.environments.findIndex((other) => env.domain.endsWith(`.${other.domain}`));
    if (parent >= 0) {
      issue(['environments', i, 'domain'], `a domain not under environments[${parent}].domain (${cfg.environments[parent].domain}), whose SSO cookies would reach this environment's hosts: use sibling domains (dev.example.com and prod.example.com) or separate ones`, env.domain);
    }
  });
}

/**
 * Every name the platform derives (hostnames, namespaces, IAM roles, buckets, …; the list is
 * PlatformNames.derivedNames()) must fit its system's limit. Reported once per config field and
 * kind, for the longest name.
 */
function checkDerivedNames(cfg: RawPlatform, issue: Issue): void {
  const worst = new Map<string, { path: ReadonlyArray<string | number>; problem: string; length: number }>();
  for (const name of new PlatformNames(cfg as unknown as PlatformConfig).derivedNames()) {
    const problem = derivedNameProblem(name);
    const key = `${name.source.join('.')}:${name.kind}`;
    if (problem && (worst.get(key)?.length ?? -1) < name.value.length) worst.set(key, { path: name.source, problem, length: name.value.length });
  }
  for (const { path, problem } of worst.values()) {
    issue([...path], problem, path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], cfg));
  }
}

/** Cognito's hosted UI needs a DNS name of its own: not one the platform serves . */
function checkIdpHost(cfg: RawPlatform, issue: Issue): void {
  const host = cfg.identity.hostedUiDomain;
  if (!host) return;
  const served = new PlatformNames(cfg as unknown as PlatformConfig).derivedNames().find((n) => n.kind === 'hostname' && n.value === host);
  if (served) issue(['identity', 'hostedUiDomain'], `a name the platform does not serve itself (${formatPathOf(served.source)} gives ${host})`, host);
}

const formatPathOf = (path: ReadonlyArray<string | number>) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('');

/** The network address of a valid CIDR: 10.30.5.0/20 -> 10.30.0.0/20. */
export function networkAddress(value: string): string {
  const range = cidrRange(value);
  if (!range) return value;
  const ip = [24, 16, 8, 0].map((shift) => Math.floor(range[0] / 2 ** shift) % 256).join('.');
  return `${ip}/${value.split('/')[1]}`;
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
