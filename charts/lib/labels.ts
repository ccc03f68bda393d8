/** Label keys the platform sets and selects on. One place, so selectors and labels cannot disagree. */
export const LABELS = {
  team: 'k8s-platform.io/team',
  tenant: 'k8s-platform.io/tenant',
  /** `platform` on objects the platform puts in a team namespace; admission refuses the team's changes to them. */
  owner: 'k8s-platform.io/owner',
  /** Set on a Service to have the platform's Prometheus scrape it. */
  scrape: 'k8s-platform.io/scrape',
  component: 'app.kubernetes.io/component',
  name: 'app.kubernetes.io/name',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** Labels prometheus-operator puts on every Prometheus server pod; NetworkPolicies admit Prometheus (not all of monitoring) by them. */
export const PROMETHEUS_POD_LABELS = { 'app.kubernetes.io/name': 'prometheus' };
