/**
 * The schema tests validate Argo CD objects against the v3.5.1 CRDs in ../shared, but the pinned
 * argo-cd chart (10.1.1) installs Argo CD v3.4.4 and its CRDs: no chart of 3.5 exists yet (the newest
 * argo-helm release in the mirror, of 2026-07-02, is 10.1.1). A field 3.5 added would pass the tests,
 * then be pruned by the API server (the CRD does not know it) or ignored by the 3.4 controller. Until
 * the pin moves to a 3.5 chart, no object may set one.
 *
 * The fields: argoproj/argo-cd manifests/crds/{application,applicationset,appproject}-crd.yaml at
 * v3.5.1 less v3.4.4 (the same as the chart's templates/crds at argo-cd-10.1.1), outside `status`
 * and `operation`.
 */
import { HELM_CHARTS } from '../config';
import { fixtureEnvironments, objectsOf } from './harness/fixtures';

/** Paths from an Application spec (`[]`: every item of a list). */
const APPLICATION_SPEC_FIELDS_3_5 = ['source.tagPrefix', 'sources[].tagPrefix', 'sourceHydrator.syncSource.repoURL'];
const APPPROJECT_SPEC_FIELDS_3_5 = ['sourceIntegrity', 'syncWindows[].syncOverrun'];

/** Every value at `path` below `obj`. */
function valuesAt(obj: unknown, path: string): unknown[] {
  const [head, ...rest] = path.split('.');
  const list = head.endsWith('[]');
  const key = list ? head.slice(0, -2) : head;
  const next = obj !== null && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined;
  if (next === undefined) return [];
  const items = list ? (Array.isArray(next) ? next : []) : [next];
  return rest.length === 0 ? items : items.flatMap((i) => valuesAt(i, rest.join('.')));
}

/** Each field only Argo CD 3.5 knows that an Argo CD object sets, as `<kind>/<name>: spec.<path>`. */
export function argocd35Fields(objects: any[]): string[] {
  const found: string[] = [];
  for (const o of objects) {
    const specs: Array<[string, any, string[]]> =
      o.kind === 'Application' ? [['spec', o.spec, APPLICATION_SPEC_FIELDS_3_5]]
        : o.kind === 'ApplicationSet' ? [['spec.template.spec', o.spec?.template?.spec, APPLICATION_SPEC_FIELDS_3_5]]
          : o.kind === 'AppProject' ? [['spec', o.spec, APPPROJECT_SPEC_FIELDS_3_5]] : [];
    for (const [at, spec, fields] of specs) {
      for (const f of fields) if (valuesAt(spec, f).length > 0) found.push(`${o.kind}/${o.metadata?.name}: ${at}.${f}`);
    }
  }
  return found;
}

describe('Argo CD objects against the installed Argo CD (chart argo-cd 10.1.1, v3.4.4)', () => {
  it('is the pin this test is about (moving to a 3.5 chart makes these fields usable: drop the test then)', () => {
    expect(HELM_CHARTS.argocd.version).toBe('10.1.1');
  });

  describe.each(fixtureEnvironments())('$label', (fx) => {
    it('sets no field that only the v3.5 CRDs know', () => {
      expect(argocd35Fields(objectsOf(fx).map((p) => p.obj))).toEqual([]);
    });
  });

  it('refuses a 3.5-only field and admits its 3.4 twin', () => {
    const app = (source: object) => ({ kind: 'Application', metadata: { name: 'a' }, spec: { source } });
    expect(argocd35Fields([app({ repoURL: 'https://x', targetRevision: 'HEAD', tagPrefix: 'v' })])).toEqual(['Application/a: spec.source.tagPrefix']);
    expect(argocd35Fields([app({ repoURL: 'https://x', targetRevision: 'HEAD' })])).toEqual([]);
    const set = (spec: object) => ({ kind: 'ApplicationSet', metadata: { name: 's' }, spec: { template: { spec } } });
    expect(argocd35Fields([set({ sources: [{ repoURL: 'https://x' }, { repoURL: 'https://y', tagPrefix: 'v' }] })])).toEqual(['ApplicationSet/s: spec.template.spec.sources[].tagPrefix']);
    const project = (syncWindows: object[]) => ({ kind: 'AppProject', metadata: { name: 'p' }, spec: { syncWindows } });
    expect(argocd35Fields([project([{ kind: 'allow', syncOverrun: true }])])).toEqual(['AppProject/p: spec.syncWindows[].syncOverrun']);
    expect(argocd35Fields([project([{ kind: 'allow' }])])).toEqual([]);
  });
});
