/**
 * A small model of what a Gateway API implementation decides when an HTTPRoute arrives, written
 * from the Gateway API v1.6 spec (route attachment, GEP-1713 ListenerSets, hostname matching) and
 * Envoy Gateway v1.9.0's backend rules. It answers: which listeners accept this route, and which
 * hostnames does it then serve? Tests feed it the synthesized Gateway, ListenerSets and namespaces
 * plus hostile and benign routes.
 */
const GATEWAY_API = 'gateway.networking.k8s.io';

export interface ModelListener {
  /** The object that declares it: a Gateway or a ListenerSet. */
  readonly owner: { kind: 'Gateway' | 'ListenerSet'; namespace: string; name: string };
  readonly gateway: { namespace: string; name: string };
  readonly name: string;
  readonly hostname?: string;
  readonly port: number;
  readonly protocol: string;
  readonly allowedRoutes?: any;
}

export interface Attachment {
  readonly listener: ModelListener;
  /** Hostnames the route serves through this listener ('*' for any). */
  readonly hostnames: string[];
}

/** Labels of a namespace as the API server has them: its own plus kubernetes.io/metadata.name. */
export type NamespaceLabels = (namespace: string) => Record<string, string>;

export function namespaceLabelsFrom(objects: any[]): NamespaceLabels {
  const declared = new Map(objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o.metadata.labels ?? {}]));
  return (ns) => ({ ...(declared.get(ns) ?? {}), 'kubernetes.io/metadata.name': ns });
}

/** A Kubernetes label selector (matchLabels and matchExpressions). */
export function selectorMatches(selector: any, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e: any) => {
    switch (e.operator) {
      case 'In': return e.values.includes(labels[e.key]);
      case 'NotIn': return !e.values.includes(labels[e.key]);
      case 'Exists': return e.key in labels;
      case 'DoesNotExist': return !(e.key in labels);
      default: return false;
    }
  });
  return byLabels && byExpressions;
}

/** Does a Gateway admit listeners from a ListenerSet in this namespace? (allowedListeners, default None) */
function gatewayAdmitsListenerSet(gateway: any, listenerSetNamespace: string, labels: NamespaceLabels): boolean {
  const from = gateway.spec.allowedListeners?.namespaces?.from ?? 'None';
  if (from === 'All') return true;
  if (from === 'Same') return listenerSetNamespace === gateway.metadata.namespace;
  if (from === 'Selector') return selectorMatches(gateway.spec.allowedListeners.namespaces.selector, labels(listenerSetNamespace));
  return false;
}

/** Every listener in effect: the Gateways' own and those of ListenerSets the Gateway accepts. */
export function effectiveListeners(objects: any[], labels: NamespaceLabels): ModelListener[] {
  const gateways = objects.filter((o) => o.kind === 'Gateway' && o.apiVersion.startsWith(GATEWAY_API));
  const own = gateways.flatMap((g) => g.spec.listeners.map((l: any) => ({
    ...l, owner: { kind: 'Gateway', namespace: g.metadata.namespace, name: g.metadata.name }, gateway: { namespace: g.metadata.namespace, name: g.metadata.name },
  })));
  const sets = objects.filter((o) => o.kind === 'ListenerSet').flatMap((ls) => {
    const ref = ls.spec.parentRef;
    if ((ref.group ?? GATEWAY_API) !== GATEWAY_API || (ref.kind ?? 'Gateway') !== 'Gateway') return [];
    const gateway = gateways.find((g) => g.metadata.name === ref.name && g.metadata.namespace === (ref.namespace ?? ls.metadata.namespace));
    if (!gateway || !gatewayAdmitsListenerSet(gateway, ls.metadata.namespace, labels)) return [];
    return ls.spec.listeners.map((l: any) => ({
      ...l, owner: { kind: 'ListenerSet', namespace: ls.metadata.namespace, name: ls.metadata.name }, gateway: { namespace: gateway.metadata.namespace, name: gateway.metadata.name },
    }));
  });
  return [...own, ...sets];
}

/** Route kinds an HTTP or HTTPS listener takes when allowedRoutes.kinds is not set. */
const DEFAULT_KINDS = ['HTTPRoute', 'GRPCRoute'];

/** Does the listener's allowedRoutes admit a route of this kind from this namespace? (default: Same) */
export function listenerAdmits(listener: ModelListener, routeNamespace: string, labels: NamespaceLabels, routeKind = 'HTTPRoute'): boolean {
  if (!['HTTP', 'HTTPS'].includes(listener.protocol) || !DEFAULT_KINDS.includes(routeKind)) return false;
  const kinds = listener.allowedRoutes?.kinds;
  if (kinds && !kinds.some((k: any) => (k.group ?? GATEWAY_API) === GATEWAY_API && k.kind === routeKind)) return false;
  const from = listener.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'All') return true;
  // For a ListenerSet's listener, "Same" is the ListenerSet's namespace (GEP-1713).
  if (from === 'Same') return routeNamespace === listener.owner.namespace;
  if (from === 'Selector') return selectorMatches(listener.allowedRoutes.namespaces.selector, labels(routeNamespace));
  return false;
}

/** A wildcard `*.x` matches any name with one or more labels before `.x` (Gateway API: suffix match). */
function wildcardCovers(wildcard: string, name: string): boolean {
  return name.endsWith(wildcard.slice(1)) && name.length > wildcard.length - 1;
}

/** The hostname a listener hostname and a route hostname both allow, per the Gateway API spec; undefined if none. */
export function intersectHostnames(listener: string | undefined, route: string): string | undefined {
  if (!listener) return route;
  if (listener === route) return route;
  const lw = listener.startsWith('*.');
  const rw = route.startsWith('*.');
  if (lw && !rw) return wildcardCovers(listener, route) ? route : undefined;
  if (!lw && rw) return wildcardCovers(route, listener) ? listener : undefined;
  if (lw && rw) {
    if (wildcardCovers(listener, route.slice(2))) return route; // route's wildcard is inside the listener's
    if (wildcardCovers(route, listener.slice(2))) return listener;
  }
  return undefined;
}

/** Does a served hostname (possibly a wildcard or '*') answer for this concrete name? */
export function servesName(served: string, name: string): boolean {
  return served === '*' || served === name || (served.startsWith('*.') && wildcardCovers(served, name));
}

/** Where a route (HTTPRoute, or GRPCRoute, TLSRoute, ... by its kind) attaches and which hostnames it serves there. */
export function attach(route: any, listeners: ModelListener[], labels: NamespaceLabels): Attachment[] {
  const ns = route.metadata.namespace;
  return (route.spec.parentRefs ?? []).flatMap((ref: any) => {
    const group = ref.group ?? GATEWAY_API;
    const kind = ref.kind ?? 'Gateway';
    if (group !== GATEWAY_API || !['Gateway', 'ListenerSet'].includes(kind)) return [];
    const parentNs = ref.namespace ?? ns;
    return listeners
      .filter((l) => l.owner.kind === kind && l.owner.name === ref.name && l.owner.namespace === parentNs)
      .filter((l) => (ref.sectionName === undefined || ref.sectionName === l.name) && (ref.port === undefined || ref.port === l.port))
      .filter((l) => listenerAdmits(l, ns, labels, route.kind))
      .map((l) => {
        const routeHosts: string[] = route.spec.hostnames ?? [];
        const hostnames = routeHosts.length === 0
          ? [l.hostname ?? '*']
          : routeHosts.map((h) => intersectHostnames(l.hostname, h)).filter((h): h is string => h !== undefined);
        return { listener: l, hostnames };
      })
      .filter((a) => a.hostnames.length > 0);
  });
}

/** Every concrete or wildcard hostname the route serves anywhere. */
export function servedHostnames(route: any, listeners: ModelListener[], labels: NamespaceLabels): string[] {
  return [...new Set(attach(route, listeners, labels).flatMap((a) => a.hostnames))].sort();
}

/**
 * Whether Envoy Gateway v1.9.0 would send traffic to a route's backend: a Service in the route's
 * namespace (another namespace only with a ReferenceGrant there), never an ExternalName Service
 * (internal/gatewayapi/route.go isServiceExternalName: no ClusterIP, no endpoints), and no
 * Envoy `Backend` kind unless the controller enables it (extensionApis.enableBackend).
 */
export function backendAllowed(route: any, backendRef: any, objects: any[], services: any[], backendKindEnabled: boolean): { allowed: boolean; why: string } {
  const group = backendRef.group ?? '';
  const kind = backendRef.kind ?? 'Service';
  const ns = backendRef.namespace ?? route.metadata.namespace;
  if (group === 'gateway.envoyproxy.io' && kind === 'Backend' && !backendKindEnabled) return { allowed: false, why: 'the Backend kind is not enabled' };
  if (group !== '' || kind !== 'Service') return { allowed: false, why: `unsupported backend kind ${kind}` };
  if (ns !== route.metadata.namespace) {
    const granted = objects.some((o) => o.kind === 'ReferenceGrant' && o.metadata.namespace === ns
      && o.spec.from.some((f: any) => f.group === GATEWAY_API && f.kind === 'HTTPRoute' && f.namespace === route.metadata.namespace)
      && o.spec.to.some((t: any) => (t.group ?? '') === '' && t.kind === 'Service' && (t.name === undefined || t.name === backendRef.name)));
    if (!granted) return { allowed: false, why: `no ReferenceGrant in ${ns} for HTTPRoutes from ${route.metadata.namespace}` };
  }
  const service = services.find((s) => s.metadata.name === backendRef.name && s.metadata.namespace === ns);
  if (service?.spec?.type === 'ExternalName') return { allowed: false, why: 'an ExternalName Service' };
  return { allowed: true, why: '' };
}
