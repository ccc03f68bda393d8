/**
 * Who can reach whom under the synthesized NetworkPolicies, as the Kubernetes API defines it (and
 * the VPC CNI enforces it): a connection needs the source's egress and the destination's ingress.
 * A pod no policy selects for a direction is open in that direction; once selected, only what some
 * rule of a selecting policy allows passes. ipBlock peers match by address, pods included (the VPC
 * CNI gives pods VPC addresses).
 */
import { ofKind, PlacedObject } from './platform';
import { selectorMatches } from './admission';

/** A pod (namespace and labels) or an outside address, both with an IPv4 address. */
export interface Endpoint {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly ip: string;
  /** Pods on the host network are outside NetworkPolicy. */
  readonly hostNetwork?: boolean;
}

const toInt = (ip: string) => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = toInt(base) - (toInt(base) % size);
  return toInt(ip) >= start && toInt(ip) < start + size;
}

export class NetworkModel {
  private readonly policies: any[];
  private readonly namespaces: Map<string, Record<string, string>>;

  constructor(objects: PlacedObject[]) {
    this.policies = ofKind(objects, 'NetworkPolicy');
    this.namespaces = new Map(ofKind(objects, 'Namespace').map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
  }

  private nsLabels(name: string): Record<string, string> {
    return { ...(this.namespaces.get(name) ?? {}), 'kubernetes.io/metadata.name': name };
  }

  /** Does a peer (from/to entry) cover this endpoint, seen from a policy in `policyNamespace`? */
  private peerMatches(peer: any, ep: Endpoint, policyNamespace: string): boolean {
    if (peer.ipBlock) return cidrContains(peer.ipBlock.cidr, ep.ip) && !(peer.ipBlock.except ?? []).some((c: string) => cidrContains(c, ep.ip));
    if (ep.namespace === undefined || ep.hostNetwork) return false;
    const nsOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, this.nsLabels(ep.namespace)) : ep.namespace === policyNamespace;
    return nsOk && selectorMatches(peer.podSelector, ep.labels ?? {});
  }

  private portMatches(ports: any[] | undefined, port: number): boolean {
    if (!ports || ports.length === 0) return true;
    return ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || p.port === port || (p.endPort !== undefined && port >= p.port && port <= p.endPort)));
  }

  private types(p: any): string[] {
    return p.spec.policyTypes ?? (p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  }

  private allowedBy(direction: 'Ingress' | 'Egress', self: Endpoint, peer: Endpoint, port: number): boolean {
    if (self.namespace === undefined || self.hostNetwork) return true;
    const selecting = this.policies.filter((p) => p.metadata.namespace === self.namespace
      && this.types(p).includes(direction) && selectorMatches(p.spec.podSelector, self.labels ?? {}));
    if (selecting.length === 0) return true;
    const rules = selecting.flatMap((p) => (direction === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? []);
    return rules.some((r: any) => {
      const peers = direction === 'Ingress' ? r.from : r.to;
      return (!peers || peers.length === 0 || peers.some((x: any) => this.peerMatches(x, peer, self.namespace!)))
        && this.portMatches(r.ports, port);
    });
  }

  /** Can `from` open a TCP connection to `to` on `port`? */
  canReach(from: Endpoint, to: Endpoint, port: number): boolean {
    return this.allowedBy('Egress', from, to, port) && this.allowedBy('Ingress', to, from, port);
  }

  /** Namespaces with a policy that denies ingress by default (selects every pod, allows nothing by itself). */
  fencedNamespaces(): string[] {
    return [...new Set(this.policies.filter((p) => Object.keys(p.spec.podSelector ?? {}).length === 0
      && this.types(p).includes('Ingress') && !(p.spec.ingress ?? []).length).map((p) => p.metadata.namespace as string))].sort();
  }
}
