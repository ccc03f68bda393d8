/**
 * Every object the generator emits, for every fixture and environment, is accepted as the API
 * server of every supported Kubernetes version would accept it: OpenAPI schema (unknown fields
 * refused), the pinned CRDs, their defaults and their CEL rules. Schemas come from the folder
 * check/schema-files.ts finds; when there is none, one line says so and CI fails (schema-gate.ts).
 */
import { objectName } from '../check/readiness';
import { KUBERNETES_VERSIONS } from '../config/schemas';
import { fixtureEnvironments, objectsOf } from './harness/fixtures';
import { describeWithSchemas, schemaValidator } from './harness/schemas';

describeWithSchemas('schema validation like the API server', () => {
  describe.each(fixtureEnvironments())('$label', (env) => {
    it(`emits only objects that Kubernetes ${KUBERNETES_VERSIONS.join(' and ')} and the pinned CRDs accept`, () => {
      const validator = schemaValidator();
      const failures = objectsOf(env)
        .map(({ folder, obj }) => ({ object: `${folder}: ${objectName(obj)}`, errors: validator.validate(obj) }))
        .filter((r) => r.errors.length > 0);
      expect(failures).toEqual([]);
    });
  });

  describe('OpenAPI schemas', () => {
    it('refuses a misspelt optional field', () => {
      expect(schemaValidator().validate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', lables: {} } }))
        .toEqual(['/metadata: must NOT have additional properties "lables"']);
      expect(schemaValidator().validate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: {} } })).toEqual([]);
    });

    it('refuses an API version no supported Kubernetes serves', () => {
      expect(schemaValidator().validate({ apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'a' } })[0])
        .toContain(`not served by Kubernetes ${KUBERNETES_VERSIONS.join(' or ')}`);
      expect(schemaValidator().validate({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'a' } })).toEqual([]);
    });

    it('names the Kubernetes version that refuses a kind the other serves', () => {
      const policy = (kind: string) => ({
        apiVersion: 'admissionregistration.k8s.io/v1', kind, metadata: { name: 'a' },
        spec: { matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] } },
      });
      expect(schemaValidator().validate(policy('MutatingAdmissionPolicy')))
        .toEqual(['Kubernetes 1.35.0: MutatingAdmissionPolicy in admissionregistration.k8s.io/v1 is not served by Kubernetes 1.35.0']);
      expect(schemaValidator().validate(policy('ValidatingAdmissionPolicy'))).toEqual([]);
    });

    it('refuses a wrong type inside a CRD object', () => {
      const certificate = (dnsNames: unknown) => ({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'a' }, spec: { secretName: 'x', issuerRef: { name: 'i' }, dnsNames } });
      expect(schemaValidator().validate(certificate('a.example.com'))).toEqual(['/spec/dnsNames: must be array']);
      expect(schemaValidator().validate(certificate(['a.example.com']))).toEqual([]);
    });

    it('refuses a CRD version the pinned operator does not serve', () => {
      expect(schemaValidator().validate({ apiVersion: 'external-secrets.io/v1beta1', kind: 'SecretStore', metadata: { name: 'a' }, spec: {} })[0])
        .toContain('not served');
    });

    it('refuses invalid metadata on a CRD object, as on any object', () => {
      const issuer = (metadata: object) => ({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata, spec: { selfSigned: {} } });
      expect(schemaValidator().validate(issuer({ name: 'a', annotation: {} }))).toEqual(['/metadata: must NOT have additional properties "annotation"']);
      expect(schemaValidator().validate(issuer({ name: 'a', annotations: {} }))).toEqual([]);
    });
  });

  describe('CRD CEL rules (x-kubernetes-validations)', () => {
    /** A Gateway API HTTPRoute as a team would write it; its parentRefs and backendRefs rely on defaults. */
    const route = () => ({
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'shop', namespace: 'payments' },
      spec: {
        parentRefs: [{ name: 'public', namespace: 'ingress' }],
        hostnames: ['shop.example.com'],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'shop', port: 80 }] }],
      },
    });

    it('accepts a valid route, whose rules only hold once the defaults are applied', () => {
      expect(schemaValidator().validate(route())).toEqual([]);
    });

    it('refuses a route that redirects and forwards in one rule, naming the field and the rule', () => {
      const hostile = route();
      (hostile.spec.rules[0] as any).filters = [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }];
      const errors = schemaValidator().validate(hostile);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^\/spec\/rules\/0: RequestRedirect filter must not be used together with backendRefs \(CEL rule: .*requestRedirect/);
    });

    it('refuses two references to one parent unless each names a distinct section', () => {
      const withSections = (...sections: Array<string | undefined>) => {
        const r = route();
        r.spec.parentRefs = sections.map((sectionName) => ({ ...route().spec.parentRefs[0], ...(sectionName ? { sectionName } : {}) }));
        return schemaValidator().validate(r).join('\n');
      };
      expect(withSections('https', undefined)).toContain('/spec/parentRefs: sectionName must be specified when parentRefs includes 2 or more references to the same parent');
      expect(withSections('https', 'https')).toContain('/spec/parentRefs: sectionName must be unique when parentRefs includes 2 or more references to the same parent');
      expect(withSections('https', 'http')).toEqual('');
    });

    it('refuses a Service backend without a port (kind Service is a default)', () => {
      const hostile = route();
      delete (hostile.spec.rules[0].backendRefs[0] as any).port;
      expect(schemaValidator().validate(hostile)).toEqual([expect.stringMatching(/^\/spec\/rules\/0\/backendRefs\/0: Must have port for Service reference/)]);
    });

    it('refuses a duplicate key in a list of type map, as the API server does, besides the CRD\'s own rule', () => {
      const gateway = (...listeners: string[]) => ({
        apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace: 'ingress' },
        spec: { gatewayClassName: 'eg', listeners: listeners.map((name, i) => ({ name, port: 80 + i, protocol: 'HTTP' })) },
      });
      expect(schemaValidator().validate(gateway('http', 'http'))).toEqual([
        '/spec/listeners/1: duplicate entry ["http"] in a list of type map',
        expect.stringMatching(/^\/spec\/listeners: Listener name must be unique within the Gateway \(CEL rule: /),
      ]);
      expect(schemaValidator().validate(gateway('http', 'http-alt'))).toEqual([]);
    });

    it('skips transition rules (oldSelf), which only apply to updates; the field is still checked against its schema', () => {
      const gatewayClass = (controllerName: string) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'eg' }, spec: { controllerName } });
      expect(schemaValidator().validate(gatewayClass('gateway.envoyproxy.io/gatewayclass-controller'))).toEqual([]);
      expect(schemaValidator().validate(gatewayClass('not a domain-prefixed path')).join('\n')).toContain('/spec/controllerName');
    });

    it('refuses a cert-manager issuer that breaks its exactly-one rule', () => {
      const issuer = (venafi: object) => ({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'v' }, spec: { venafi: { zone: 'z', ...venafi } } });
      const tpp = { url: 'https://tpp.example.com/vedsdk', credentialsRef: { name: 'tpp' } };
      const cloud = { apiTokenSecretRef: { name: 'token', key: 'k' } };
      expect(schemaValidator().validate(issuer({ tpp, cloud })))
        .toEqual([expect.stringMatching(/^\/spec\/venafi: exactly one of tpp, cloud, or ngts must be configured/)]);
      expect(schemaValidator().validate(issuer({ tpp }))).toEqual([]);
    });
  });
});
