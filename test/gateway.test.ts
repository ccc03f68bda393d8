/**
 * The gateway: hostnames fenced by construction, SSO on every platform UI, TLS on every listener,
 * and the parts around it (Envoy Gateway, the load balancer controller, cert-manager, external-dns)
 * as properties of every fixture environment. Route attachment is decided by the model in
 * harness/gateway-model.ts, fed hostile routes (each must be refused) and benign twins (each must
 * attach).
 */
import { EnvironmentNames, PLATFORM_GATEWAY, PLATFORM_UI_NAMESPACES, TeamConfig } from '../config';
import { fixtureEnvironments, objectsOf } from './harness/fixtures';
import { helmApplication, helmValues, named, ofKind } from './harness/platform';
import {
  attach, backendAllowed, effectiveListeners, intersectHostnames, listenerAdmits, ModelListener, namespaceLabelsFrom, servedHostnames, servesName,
} from './harness/gateway-model';

const GATEWAY_API = 'gateway.networking.k8s.io';


const route = (namespace: string, parentRefs: any[], hostnames?: string[], backendRefs: any[] = [{ name: 'web', port: 80 }]) => ({
  apiVersion: `${GATEWAY_API}/v1`, kind: 'HTTPRoute', metadata: { name: 'hostile', namespace },
  spec: { parentRefs, ...(hostnames ? { hostnames } : {}), rules: [{ backendRefs }] },
});
const toListenerSet = (names: EnvironmentNames, team: TeamConfig) => ({ group: GATEWAY_API, kind: 'ListenerSet', name: names.teamListenerSet(team), namespace: PLATFORM_GATEWAY.namespace });
const toGateway = (sectionName?: string) => ({ group: GATEWAY_API, kind: 'Gateway', name: PLATFORM_GATEWAY.name, namespace: PLATFORM_GATEWAY.namespace, ...(sectionName ? { sectionName } : {}) });

describe('the route attachment model itself (Gateway API hostname rules)', () => {
  it('intersects listener and route hostnames as the spec says', () => {
    expect(intersectHostnames('*.example.com', 'a.example.com')).toBe('a.example.com');
    expect(intersectHostnames('*.example.com', 'a.b.example.com')).toBe('a.b.example.com');
    expect(intersectHostnames('*.example.com', 'example.com')).toBeUndefined();
    expect(intersectHostnames('*.b.example.com', '*.example.com')).toBe('*.b.example.com');
    expect(intersectHostnames('a.example.com', '*.example.com')).toBe('a.example.com');
    expect(intersectHostnames('a.example.com', 'b.example.com')).toBeUndefined();
    expect(intersectHostnames(undefined, 'anything.example')).toBe('anything.example');
  });

  it('would let a team route through a listener that admits every namespace (so the fence tests can fail)', () => {
    const open: ModelListener = { owner: { kind: 'Gateway', namespace: 'gw', name: 'g' }, gateway: { namespace: 'gw', name: 'g' }, name: 'ui', hostname: 'argocd.example', port: 443, protocol: 'HTTPS', allowedRoutes: { namespaces: { from: 'All' } } };
    const labels = namespaceLabelsFrom([]);
    expect(listenerAdmits(open, 'payments', labels)).toBe(true);
    expect(servedHostnames(route('payments', [{ name: 'g', namespace: 'gw' }], ['argocd.example']), [open], labels)).toEqual(['argocd.example']);
    expect(listenerAdmits({ ...open, allowedRoutes: { namespaces: { from: 'Same' } } }, 'payments', labels)).toBe(false);
  });
});

describe.each(fixtureEnvironments())('$label', (env) => {
  const { names } = env;
  const objects = objectsOf(env).map((o) => o.obj);
  const labels = namespaceLabelsFrom(objects);
  const listeners = effectiveListeners(objects, labels);
  const uiHosts = names.platformUis.map((ui) => names.hostname(ui));
  const teamNamespaces = names.teams.map((t) => names.teamNamespace(t));
  const gateway = named(objectsOf(env), 'Gateway', PLATFORM_GATEWAY.name);
  const services = ofKind(objectsOf(env), 'Service');
  const extensionApis = helmValues(objectsOf(env), 'envoy-gateway').config.envoyGateway.extensionApis;
  const backendKindEnabled = extensionApis.enableBackend !== false;

  describe('hostnames fenced by construction', () => {
    it('serves every team from a ListenerSet the Gateway accepts, and accepts none from a team namespace', () => {
      for (const team of names.teams) {
        expect(listeners.filter((l) => l.owner.kind === 'ListenerSet' && l.owner.name === names.teamListenerSet(team))).toHaveLength(1);
      }
      expect(gateway.spec.allowedListeners).toEqual({ namespaces: { from: 'Same' } });
      const teamWritten = { apiVersion: `${GATEWAY_API}/v1`, kind: 'ListenerSet', metadata: { name: 'mine', namespace: teamNamespaces[0] ?? 'payments' },
        spec: { parentRef: { name: PLATFORM_GATEWAY.name, namespace: PLATFORM_GATEWAY.namespace }, listeners: [{ name: 'steal', hostname: uiHosts[0], port: 443, protocol: 'HTTPS', allowedRoutes: { namespaces: { from: 'Same' } } }] } };
      expect(effectiveListeners([...objects, teamWritten], labels).filter((l) => l.owner.name === 'mine')).toEqual([]);
    });

    it('matches no platform UI host on any listener that admits team routes', () => {
      const admittingTeams = listeners.filter((l) => teamNamespaces.some((ns) => listenerAdmits(l, ns, labels)));
      expect(admittingTeams.length).toBe(names.teams.length);
      for (const l of admittingTeams) {
        for (const host of uiHosts) expect({ listener: l.owner.name, host, matches: servesName(l.hostname ?? '*', host) }).toEqual({ listener: l.owner.name, host, matches: false });
      }
    });

    it('admits each team only to the listener of its own zone', () => {
      for (const team of names.teams) {
        const admitting = listeners.filter((l) => listenerAdmits(l, names.teamNamespace(team), labels));
        expect(admitting.map((l) => l.hostname)).toEqual([`*.${names.teamZone(team)}`]);
      }
    });

    it('admits to each platform UI listener only the namespace that UI lives in', () => {
      for (const ui of names.platformUis) {
        const l = listeners.find((x) => x.hostname === names.hostname(ui))!;
        expect(l.owner.kind).toBe('Gateway');
        for (const ns of [...teamNamespaces, 'default', PLATFORM_GATEWAY.namespace]) expect(listenerAdmits(l, ns, labels)).toBe(false);
        expect(listenerAdmits(l, PLATFORM_UI_NAMESPACES[ui], labels)).toBe(true);
      }
    });
  });

  describe.each(names.teams.map((team) => ({ team, label: team.name })))('a route written by team $label', ({ team }) => {
    const ns = names.teamNamespace(team);
    const own = `orders.${names.teamZone(team)}`;
    const others = names.teams.filter((t) => t.name !== team.name);
    const serves = (r: any) => servedHostnames(r, listeners, labels);

    it('attaches for a host of its own zone (the benign twin)', () => {
      expect(serves(route(ns, [toListenerSet(names, team)], [own]))).toEqual([own]);
    });

    it('refuses a team route for the Argo CD host', () => {
      expect(serves(route(ns, [toListenerSet(names, team)], [names.hostname('argocd')]))).toEqual([]);
    });

    it('refuses a team route for every platform UI host, through its ListenerSet or the Gateway', () => {
      for (const host of uiHosts) {
        expect(serves(route(ns, [toListenerSet(names, team)], [host]))).toEqual([]);
        expect(serves(route(ns, [toGateway()], [host]))).toEqual([]);
      }
    });

    it('refuses a GRPCRoute or TLSRoute for its own zone: listeners take HTTPRoutes only', () => {
      for (const kind of ['GRPCRoute', 'TLSRoute', 'TCPRoute']) {
        expect(serves({ ...route(ns, [toListenerSet(names, team)], [own]), kind })).toEqual([]);
      }
    });

    it('refuses a parentRef to a platform UI listener or the plain-HTTP listener', () => {
      for (const ui of names.platformUis) expect(serves(route(ns, [toGateway(`ui-${ui}`)], [names.hostname(ui)]))).toEqual([]);
      expect(serves(route(ns, [toGateway('http')]))).toEqual([]);
      expect(serves(route(ns, [toGateway('http')], [names.hostname('grafana')]))).toEqual([]);
    });

    it('serves only its own zone with a wildcard host or no hostnames at all', () => {
      for (const hostnames of [undefined, [`*.${names.environment.domain}`], [`*.${names.appsZone}`], [`*.${names.platformZone}`]]) {
        const served = serves(route(ns, [toListenerSet(names, team)], hostnames));
        for (const h of served) expect(h === `*.${names.teamZone(team)}` || h.endsWith(`.${names.teamZone(team)}`)).toBe(true);
        for (const host of uiHosts) expect(served.some((h) => servesName(h, host))).toBe(false);
      }
    });

    if (others.length > 0) {
      it('refuses a team route for another team\'s host, through its own or the other team\'s ListenerSet', () => {
        for (const other of others) {
          const theirs = `api.${names.teamZone(other)}`;
          expect(serves(route(ns, [toListenerSet(names, team)], [theirs]))).toEqual([]);
          expect(serves(route(ns, [toListenerSet(names, other)], [theirs]))).toEqual([]);
          expect(serves(route(ns, [toListenerSet(names, other)]))).toEqual([]);
        }
      });
    }

    it('refuses a backend in a platform namespace (no ReferenceGrant) and an ExternalName Service, and accepts its own Service', () => {
      const r = route(ns, [toListenerSet(names, team)], [own]);
      const kibana = { name: 'logs-kb-http', namespace: 'log-store', port: 5601 };
      expect(backendAllowed(r, kibana, objects, services, backendKindEnabled)).toMatchObject({ allowed: false });
      const externalName = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kibana', namespace: ns }, spec: { type: 'ExternalName', externalName: 'logs-kb-http.log-store.svc' } };
      expect(backendAllowed(r, { name: 'kibana', port: 5601 }, objects, [...services, externalName], backendKindEnabled)).toEqual({ allowed: false, why: 'an ExternalName Service' });
      expect(backendAllowed(r, { group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'anything' }, objects, services, backendKindEnabled)).toMatchObject({ allowed: false });
      expect(extensionApis).toEqual({ enableBackend: false, enableEnvoyPatchPolicy: false });
      const mine = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: ns }, spec: { type: 'ClusterIP' } };
      expect(backendAllowed(r, { name: 'web', port: 80 }, objects, [...services, mine], backendKindEnabled)).toEqual({ allowed: true, why: '' });
    });
  });

  describe('the platform\'s own routes', () => {
    const routes = ofKind(objectsOf(env), 'HTTPRoute');

    it('attach every generated app route to exactly its host, in its team\'s zone', () => {
      for (const team of names.teams) {
        for (const app of team.apps) {
          const r = routes.find((x) => x.metadata.namespace === names.teamNamespace(team) && x.metadata.name === app.name);
          expect(servedHostnames(r, listeners, labels)).toEqual([names.appHostname(team, app)]);
        }
      }
    });

    it('serves every platform UI through its own listener and nothing else', () => {
      for (const ui of names.platformUis) {
        const r = routes.find((x) => x.metadata.namespace === PLATFORM_UI_NAMESPACES[ui] && x.metadata.name === ui);
        const attachments = attach(r, listeners, labels);
        expect(attachments.map((a) => [a.listener.name, a.hostnames])).toEqual([[`ui-${ui}`, [names.hostname(ui)]]]);
      }
    });

    it('covers every route attached to a platform UI listener with an OIDC SecurityPolicy that denies by default', () => {
      const policies = ofKind(objectsOf(env), 'SecurityPolicy');
      const onUiListeners = routes.filter((r) => attach(r, listeners, labels).some((a) => a.listener.name.startsWith('ui-')));
      expect(onUiListeners.length).toBe(names.platformUis.length);
      for (const r of onUiListeners) {
        const covering = policies.filter((p) => p.metadata.namespace === r.metadata.namespace
          && p.spec.targetRefs.some((t: any) => t.group === GATEWAY_API && t.kind === 'HTTPRoute' && t.name === r.metadata.name));
        expect({ route: r.metadata.name, policies: covering.length }).toEqual({ route: r.metadata.name, policies: 1 });
        const spec = covering[0].spec;
        expect(spec.oidc.clientID).toBe(names.platform.identity.clients.gateway);
        expect(spec.oidc.provider.issuer).toBe(names.platform.identity.issuerURL);
        expect(spec.oidc.redirectURL).toBe(`https://${r.spec.hostnames[0]}/oauth2/callback`);
        // Host-only session cookies: never sent to a team's app.
        expect(spec.oidc.cookieDomain).toBeUndefined();
        expect(spec.jwt.providers[0].audiences).toEqual([names.platform.identity.clients.gateway]);
        expect(spec.authorization.defaultAction).toBe('Deny');
        expect(spec.authorization.rules.every((rule: any) => rule.principal?.jwt?.claims?.length > 0)).toBe(true);
        expect(named(objectsOf(env), 'ExternalSecret', spec.oidc.clientSecret.name).metadata.namespace).toBe(r.metadata.namespace);
      }
    });

    it('gives the Kubernetes API an OIDC client that Argo CD, Grafana and the gateway do not share', () => {
      const { kubernetes, argocd, grafana, gateway: gw } = names.platform.identity.clients;
      expect(new Set([kubernetes, argocd, grafana, gw]).size).toBe(4);
    });

    it('writes no ReferenceGrant and no Ingress, and points every route at a Service in its own namespace', () => {
      expect(ofKind(objectsOf(env), 'ReferenceGrant')).toEqual([]);
      expect(ofKind(objectsOf(env), 'Ingress')).toEqual([]);
      for (const r of routes) {
        for (const b of r.spec.rules.flatMap((rule: any) => rule.backendRefs ?? [])) {
          expect(backendAllowed(r, b, objects, services, backendKindEnabled)).toEqual({ allowed: true, why: '' });
        }
      }
    });
  });

  describe('TLS and DNS', () => {
    it('terminates TLS with a certificate on every HTTPS listener, each certificate issued by cert-manager', () => {
      const certificates = ofKind(objectsOf(env), 'Certificate');
      for (const l of listeners.filter((x) => x.protocol === 'HTTPS')) {
        const secret = (l as any).tls.certificateRefs[0].name;
        if (l.owner.kind === 'ListenerSet') {
          // Wildcards need DNS-01; cert-manager's ListenerSet support is still behind a feature gate, so the platform asks itself.
          const cert = certificates.find((c) => c.metadata.namespace === l.owner.namespace && c.spec.secretName === secret);
          expect(cert.spec).toMatchObject({ dnsNames: [l.hostname], issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt-dns' } });
        } else {
          expect(gateway.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt');
          expect(l.hostname).toBeDefined();
        }
      }
      expect(helmValues(objectsOf(env), 'cert-manager').config).toMatchObject({ gatewayAPI: { enabled: true } });
    });

    it('solves HTTP-01 through the gateway\'s plain-HTTP listener, which admits only the gateway\'s namespace', () => {
      const issuer = named(objectsOf(env), 'ClusterIssuer', 'letsencrypt');
      expect(issuer.spec.acme.solvers[0].http01.gatewayHTTPRoute.parentRefs).toEqual([{ group: GATEWAY_API, kind: 'Gateway', name: PLATFORM_GATEWAY.name, namespace: PLATFORM_GATEWAY.namespace, sectionName: 'http' }]);
      const http = listeners.find((l) => l.name === 'http')!;
      expect(http.allowedRoutes.namespaces).toEqual({ from: 'Same' });
      const redirect = named(objectsOf(env), 'HTTPRoute', 'https-redirect');
      expect(redirect.spec.rules[0].filters).toEqual([{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }]);
      expect(named(objectsOf(env), 'ClusterIssuer', 'letsencrypt-dns').spec.acme.solvers[0].selector).toEqual({ dnsZones: [names.environment.domain] });
      expect(named(objectsOf(env), 'ClusterIssuer', 'private-ca').spec.ca).toEqual({ secretName: 'private-ca' });
    });

    it('publishes the hostnames of accepted HTTPRoutes in the environment zone only, as this cluster\'s records', () => {
      const v = helmValues(objectsOf(env), 'external-dns');
      expect(v.sources).toEqual(['gateway-httproute']);
      expect(v.enableGatewayListenerSets).toBe(true);
      expect(v.domainFilters).toEqual([names.environment.domain]);
      expect(v.txtOwnerId).toBe(names.clusterName);
    });
  });

  describe('Envoy Gateway and its load balancer', () => {
    const proxy = named(objectsOf(env), 'EnvoyProxy', 'platform-proxy').spec.provider.kubernetes;

    it('runs the configured number of proxies with a disruption budget and zone spread', () => {
      const replicas = names.environment.gateway.replicas;
      expect(proxy.envoyDeployment.replicas).toBe(replicas);
      expect(proxy.envoyPDB.minAvailable).toBe(replicas - 1);
      const zone = proxy.envoyDeployment.pod.topologySpreadConstraints.find((t: any) => t.topologyKey === 'topology.kubernetes.io/zone');
      expect(zone.whenUnsatisfiable).toBe(names.environment.production ? 'DoNotSchedule' : 'ScheduleAnyway');
    });

    it('asks the AWS Load Balancer Controller for an NLB with IP targets that keeps the client\'s address', () => {
      expect(proxy.envoyService.loadBalancerClass).toBe('service.k8s.aws/nlb');
      expect(proxy.envoyService.annotations).toMatchObject({
        'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
        'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'preserve_client_ip.enabled=true',
      });
      const gatewayClass = named(objectsOf(env), 'GatewayClass', PLATFORM_GATEWAY.className);
      expect(gatewayClass.spec.parametersRef).toMatchObject({ kind: 'EnvoyProxy', name: 'platform-proxy', namespace: PLATFORM_GATEWAY.namespace });
    });

    it('runs each AWS-calling chart as the service account infra binds its role to', () => {
      const lbc = helmValues(objectsOf(env), 'aws-load-balancer-controller');
      const identity = names.workloadIdentity('load-balancer-controller');
      expect(lbc.serviceAccount.name).toBe(identity.serviceAccount);
      expect(helmApplication(objectsOf(env), 'aws-load-balancer-controller').destination.namespace).toBe(identity.namespace);
      expect(lbc).toMatchObject({ clusterName: names.clusterName, region: names.platform.aws.region, vpcTags: { Name: names.vpcName } });
      for (const [release, component] of [['cert-manager', 'cert-manager'], ['external-dns', 'external-dns']] as const) {
        expect(helmValues(objectsOf(env), release).serviceAccount.name).toBe(names.workloadIdentity(component).serviceAccount);
        expect(helmApplication(objectsOf(env), release).destination.namespace).toBe(names.workloadIdentity(component).namespace);
      }
    });

    it('scrapes the Envoy proxies and the controller, under the job names the gateway alerts watch', () => {
      const monitor = named(objectsOf(env), 'PodMonitor', 'envoy-proxies');
      expect(monitor.metadata.namespace).toBe(PLATFORM_GATEWAY.namespace);
      expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/stats/prometheus', interval: '30s' }]);
      const rules = ofKind(objectsOf(env), 'PrometheusRule').flatMap((r) => r.spec.groups).flatMap((g: any) => g.rules);
      expect(rules.find((r: any) => r.alert === 'GatewayProxiesDown').expr).toContain(`job="${monitor.metadata.namespace}/${monitor.metadata.name}"`);
      expect(named(objectsOf(env), 'ServiceMonitor', 'envoy-gateway').spec.selector).toEqual({ matchLabels: { 'control-plane': 'envoy-gateway' } });
    });

    it('admits traffic to team pods from the gateway\'s namespace, not from the retired ingress controller\'s', () => {
      for (const ns of teamNamespaces) {
        const policies = ofKind(objectsOf(env), 'NetworkPolicy').filter((p) => p.metadata.namespace === ns);
        const from = policies.flatMap((p) => (p.spec.ingress ?? []).flatMap((i: any) => i.from ?? [])).map((f: any) => f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']).filter(Boolean);
        expect(from).toContain(PLATFORM_GATEWAY.namespace);
        expect(from).not.toContain('ingress-nginx');
      }
    });
  });
});
