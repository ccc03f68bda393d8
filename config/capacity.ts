/**
 * What a team's declared apps need from its namespace quota: requests at the autoscaling maximum,
 * plus the extra pods a rolling update starts. Used by the schema (refuse a quota that is too small)
 * and by the charts (the same maximum and surge), so the two cannot disagree.
 */
import type { AppConfig } from './schema';

/** Most replicas the autoscaler may run: `maxReplicas`, default three times `replicas`. */
export function appMaxReplicas(app: Pick<AppConfig, 'replicas' | 'maxReplicas'>): number {
  return app.maxReplicas ?? app.replicas * 3;
}

/**
 * What a team namespace's LimitRange gives a container that sets no requests or limits. Apps set
 * requests and a memory limit, but no CPU limit: they get `limitCpu`, so a CPU request above it
 * would be refused by the API server (the schema refuses it first).
 */
export const TEAM_CONTAINER_DEFAULTS = { requestCpu: '100m', requestMemory: '128Mi', limitCpu: '500m', limitMemory: '512Mi' } as const;

/** A team's quota on limits is this multiple of its quota on requests (limits may burst). */
export const TEAM_QUOTA_LIMITS_FACTOR = 2;

/** Rolling updates start up to this share of extra pods before old ones stop (maxUnavailable is 0). */
export const ROLLING_UPDATE_SURGE = '25%';

/** Pods an app may run at once: its maximum plus the rolling update's surge (rounded up, as Kubernetes does). */
export function appPeakPods(app: Pick<AppConfig, 'replicas' | 'maxReplicas'>): number {
  const max = appMaxReplicas(app);
  return max + Math.ceil((max * parseInt(ROLLING_UPDATE_SURGE, 10)) / 100);
}

const SUFFIX: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};

/** A Kubernetes quantity (500m, 4, 16Gi) as a number of base units (cores, bytes). */
export function parseQuantity(quantity: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/.exec(quantity);
  if (!m) throw new Error(`not a quantity: ${quantity}`);
  return Number(m[1]) * SUFFIX[m[2] ?? ''];
}

/** Base units back to a short quantity for messages: 3.5 -> "3500m" cores, 2147483648 -> "2Gi". */
export function formatQuantity(value: number, resource: 'cpu' | 'memory'): string {
  if (resource === 'cpu') return Number.isInteger(value) ? String(value) : `${Math.ceil(value * 1000)}m`;
  for (const unit of ['Ti', 'Gi', 'Mi', 'Ki'] as const) {
    const n = value / SUFFIX[unit];
    if (n >= 1 && Number.isInteger(n)) return `${n}${unit}`;
  }
  return `${Math.ceil(value / SUFFIX.Mi)}Mi`;
}
