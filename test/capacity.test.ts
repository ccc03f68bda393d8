/**
 * Capacity: Karpenter's NodePools and EC2NodeClass follow platform.yaml and match the AWS names
 * infra creates; every HorizontalPodAutoscaler reads a metrics API that is installed; the capacity
 * alerts fire and stay silent as they should (promtool); bad node pool input is refused.
 */
import { cronMaxGapMinutes, HELM_CHARTS, NODE_POOL_LABEL, parsePlatformConfig, parseQuantity, SYSTEM_NODE_POOL } from '../config';
import { CAPACITY_ALERT_GROUPS } from '../charts/monitoring/capacity-alerts';
import { NODE_CLASS } from '../charts/capacity';
import { SYNC_WAVE } from '../charts/lib/platform-chart';
import { CAPACITY_ALERT_CASES } from './fixtures/capacity-alert-cases';
import { exampleDoc } from './fixtures/invalid-configs';
import { fixtureEnvironments, objectsOf } from './harness/fixtures';
import { PlacedObject } from './harness/platform';
import { folderWave, helmSources } from './harness/helm-sources';
import { havePromtool, promtoolTestRules } from './harness/promtool';
import { describeWithSchemas, schemaValidator } from './harness/schemas';
import * as yaml from 'js-yaml';

/** The metrics APIs the platform installs: resource metrics when metrics-server is there; no custom or external adapter. */
function metricsApis(objects: PlacedObject[]): Set<string> {
  const charts = helmSources(objects).map((h) => h.source.chart);
  return new Set(charts.includes(HELM_CHARTS.metricsServer.chart) ? ['metrics.k8s.io'] : []);
}

const API_OF_METRIC: Record<string, string> = {
  Resource: 'metrics.k8s.io', ContainerResource: 'metrics.k8s.io', Pods: 'custom.metrics.k8s.io', Object: 'custom.metrics.k8s.io', External: 'external.metrics.k8s.io',
};

/**
 * Why an HPA would never scale: its metric's API is not served, its target does not exist, or a
 * Utilization target on a resource the target's containers do not request (no denominator).
 */
export function hpaProblems(objects: PlacedObject[]): string[] {
  const apis = metricsApis(objects);
  const problems: string[] = [];
  for (const hpa of objects.filter((o) => o.obj.kind === 'HorizontalPodAutoscaler').map((o) => o.obj)) {
    const id = `${hpa.metadata.namespace}/${hpa.metadata.name}`;
    const ref = hpa.spec.scaleTargetRef;
    const target = objects.map((o) => o.obj).find((o) => o.kind === ref.kind && o.metadata.name === ref.name && o.metadata.namespace === hpa.metadata.namespace);
    if (!target) problems.push(`${id}: scale target ${ref.kind}/${ref.name} does not exist`);
    // Without metrics the API server defaults to 80% CPU utilization.
    const metrics = hpa.spec.metrics ?? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } }];
    for (const m of metrics) {
      const api = API_OF_METRIC[m.type];
      if (!apis.has(api)) problems.push(`${id}: ${m.type} metric needs ${api}, which nothing in the platform serves`);
      const resource = m.resource ?? m.containerResource;
      if (target && resource?.target?.type === 'Utilization') {
        const containers = target.spec.template.spec.containers.filter((c: any) => !m.containerResource || c.name === m.containerResource.container);
        for (const c of containers) {
          if (!c.resources?.requests?.[resource.name]) problems.push(`${id}: container ${c.name} requests no ${resource.name}, so its utilization is undefined`);
        }
      }
    }
  }
  return problems;
}

describe.each(fixtureEnvironments())('capacity in $label', (fx) => {
  const { names } = fx;
  const env = names.environment;
  const objects = objectsOf(fx);
  const of = (kind: string) => objects.filter((o) => o.obj.kind === kind).map((o) => o.obj);
  const karpenter = helmSources(objects).find((h) => h.name === 'karpenter')!;
  const values = karpenter.source.helm.valuesObject;

  it('emits one NodePool per configured pool, with its families, capacity types, limits and budgets', () => {
    const pools = of('NodePool');
    expect(pools.map((p) => p.metadata.name).sort()).toEqual(env.nodePools.map((p) => p.name).sort());
    for (const cfg of env.nodePools) {
      const spec = pools.find((p) => p.metadata.name === cfg.name).spec;
      const req = (key: string) => spec.template.spec.requirements.find((r: any) => r.key === key);
      expect(req('karpenter.k8s.aws/instance-family')).toEqual({ key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: cfg.instanceFamilies });
      expect(req('karpenter.sh/capacity-type').values).toEqual(cfg.capacityTypes);
      expect(req('kubernetes.io/arch').values).toEqual(cfg.architectures);
      expect(spec.limits).toEqual(cfg.limits);
      expect(spec.disruption.consolidationPolicy).toBe(cfg.consolidation);
      expect(spec.disruption.budgets.map((b: any) => b.nodes)).toEqual(cfg.disruptionBudgets.map((b) => b.nodes));
      expect(spec.template.metadata.labels[NODE_POOL_LABEL]).toBe(cfg.name);
      expect(spec.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: NODE_CLASS });
    }
  });

  it('builds nodes from AL2023 with IMDSv2 only (one hop) and volumes encrypted with the environment key', () => {
    const classes = of('EC2NodeClass');
    expect(classes.map((c) => c.metadata.name)).toEqual([NODE_CLASS]);
    const spec = classes[0].spec;
    expect(spec.amiSelectorTerms).toEqual([{ alias: expect.stringMatching(/^al2023@/) }]);
    expect(spec.metadataOptions).toMatchObject({ httpTokens: 'required', httpPutResponseHopLimit: 1 });
    expect(spec.blockDeviceMappings).toHaveLength(1);
    expect(spec.blockDeviceMappings[0].ebs).toMatchObject({ encrypted: true, volumeType: 'gp3', kmsKeyID: names.kmsKeyAliasArn });
  });

  it('points the node class and the controller at the names infra creates', () => {
    const spec = of('EC2NodeClass')[0].spec;
    expect(spec.role).toBe(names.karpenterNodeRoleName);
    const discovery = { [names.karpenterDiscoveryTag.key]: names.karpenterDiscoveryTag.value };
    expect(spec.subnetSelectorTerms).toEqual([{ tags: discovery }]);
    expect(spec.securityGroupSelectorTerms).toEqual([{ tags: discovery }]);
    expect(values.settings).toEqual({ clusterName: names.clusterName, interruptionQueue: names.karpenterInterruptionQueue });
    // The Pod Identity association infra creates is for exactly this namespace and service account.
    const identity = names.workloadIdentity('karpenter');
    expect([karpenter.namespace, values.serviceAccount.name]).toEqual([identity.namespace, identity.serviceAccount]);
  });

  it('runs Karpenter on the managed system node group, never on a node it manages', () => {
    expect(values.nodeSelector[NODE_POOL_LABEL]).toBe(SYSTEM_NODE_POOL);
    expect(env.nodePools.map((p) => p.name)).not.toContain(SYSTEM_NODE_POOL);
    expect(values.replicas).toBeLessThanOrEqual(env.nodes.system.minSize);
  });

  it('installs the Karpenter CRDs before the controller, and the controller before the NodePools', () => {
    const crds = helmSources(objects).find((h) => h.name === 'karpenter-crd')!;
    expect(crds.source.chart).toBe('karpenter-crd');
    expect(crds.source.targetRevision).toBe(karpenter.source.targetRevision);
    expect(karpenter.source.helm.skipCrds).toBe(true);
    expect(crds.wave).toBeLessThan(karpenter.wave);
    expect(karpenter.wave).toBeLessThan(folderWave(objects, 'capacity'));
  });

  it('gives every HorizontalPodAutoscaler a metrics API that is installed and a target it can measure', () => {
    expect(hpaProblems(objects)).toEqual([]);
    const metricsServer = helmSources(objects).find((h) => h.source.chart === HELM_CHARTS.metricsServer.chart)!;
    expect(metricsServer.source.targetRevision).toBe(HELM_CHARTS.metricsServer.version);
    expect(metricsServer.wave).toBeLessThan(SYNC_WAVE.teams);
    if (env.production) expect(metricsServer.source.helm.valuesObject).toMatchObject({ replicas: 2, podDisruptionBudget: { enabled: true } });
  });
});

describe('the HPA metrics model itself', () => {
  const fx = fixtureEnvironments().find((f) => objectsOf(f).some((o) => o.obj.kind === 'HorizontalPodAutoscaler'))!;
  const objects = objectsOf(fx);

  it('refuses HPAs when metrics-server is not installed', () => {
    const without = objects.filter((o) => !((o.obj.kind === 'Application' || o.obj.kind === 'ApplicationSet') && JSON.stringify(o.obj.spec).includes('"chart":"metrics-server"')));
    expect(hpaProblems(without).join('\n')).toMatch(/Resource metric needs metrics.k8s.io/);
  });

  it('refuses an HPA on an external metric, which no adapter serves', () => {
    const hpa = objects.find((o) => o.obj.kind === 'HorizontalPodAutoscaler')!;
    const external = { ...hpa, obj: { ...hpa.obj, spec: { ...hpa.obj.spec, metrics: [{ type: 'External', external: { metric: { name: 'queue_depth' }, target: { type: 'Value', value: '10' } } }] } } };
    expect(hpaProblems([...objects.filter((o) => o !== hpa), external]).join('\n')).toMatch(/External metric needs external.metrics.k8s.io/);
  });

  it('refuses a CPU utilization target on containers that request no CPU', () => {
    const deployments = objects.filter((o) => o.obj.kind === 'Deployment');
    const stripped = deployments.map((d) => ({ ...d, obj: yaml.load(yaml.dump(d.obj)) as any }));
    for (const d of stripped) for (const c of d.obj.spec.template.spec.containers) delete c.resources.requests.cpu;
    expect(hpaProblems([...objects.filter((o) => o.obj.kind !== 'Deployment'), ...stripped]).join('\n')).toMatch(/requests no cpu/);
  });
});

describe('node pool validation', () => {
  const fits = (cpu: string, memory: string) => () => {
    const doc = exampleDoc();
    // Within the team's LimitRange and quota, so only the pool rule can refuse it.
    doc.teams[0].apps[0].resources = { cpu: '500m', memory: '4Gi' };
    doc.teams[0].quota = { cpu: '64', memory: '256Gi', pods: 100 };
    doc.environments[0].nodePools[0].limits = { cpu, memory };
    return parsePlatformConfig(yaml.dump(doc));
  };

  it('accepts pools whose limits exactly hold the apps at their minimum replicas', () => {
    expect(fits('1', '8Gi')).not.toThrow();
  });

  it('refuses pools one millicore short of the apps', () => {
    expect(fits('999m', '8Gi')).toThrow(/nodePools: expected node pool limits/);
  });

  it('reads Kubernetes quantities as the API server does', () => {
    expect([parseQuantity('500m'), parseQuantity('2'), parseQuantity('1Gi'), parseQuantity('1G'), parseQuantity('1.5Ki')]).toEqual([0.5, 2, 2 ** 30, 1e9, 1536]);
  });
});

describe('cron schedules', () => {
  it.each([
    ['0 3 * * *', 24 * 60], ['0 */6 * * *', 6 * 60], ['*/15 * * * *', 15], ['30 1 * * SUN', 7 * 24 * 60],
    ['0 8 * * MON-FRI', 3 * 24 * 60], ['0 0 1,15 * 1', 7 * 24 * 60], ['0 0 1 1 *', 366 * 24 * 60],
  ])('measures the longest gap of "%s" (%d minutes)', (expr, minutes) => {
    expect(cronMaxGapMinutes(expr)).toBe(minutes);
  });

  it.each(['0 24 * * *', '60 * * * *', '* * * *', 'daily', '0 3 30 2 *', '0 3 * * MON-FRY', '*/0 * * * *'])('refuses "%s"', (expr) => {
    expect(cronMaxGapMinutes(expr)).toBeUndefined();
  });
});

(havePromtool ? describe : describe.skip)('capacity alerts (promtool)', () => {
  it('has a firing and a healthy case for every capacity alert', () => {
    expect([...new Set(CAPACITY_ALERT_CASES.map((c) => c.alert))].sort()).toEqual(CAPACITY_ALERT_GROUPS.flatMap((g) => g.rules.map((r) => r.alert)).sort());
  });

  it('fires each alert on its series and stays silent on healthy ones', () => {
    expect(promtoolTestRules(CAPACITY_ALERT_GROUPS, CAPACITY_ALERT_CASES)).toContain('SUCCESS');
  });

  it('alerts on pods unschedulable for 10 minutes, launch failures and pools at their limit', () => {
    const rules = CAPACITY_ALERT_GROUPS.flatMap((g) => g.rules);
    expect(rules.find((r) => r.alert === 'PodsUnschedulable')!.for).toBe('10m');
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining(['KarpenterNodeLaunchFailing', 'NodePoolAtLimit']));
  });
});

describeWithSchemas('the CRDs\' own rules (CEL, as the API server runs them)', () => {
  // The validator npm run check uses: schema defaults applied, then every x-kubernetes-validations rule.
  const covered = new Set(['NodePool', 'EC2NodeClass', 'Schedule', 'BackupStorageLocation', 'VolumeSnapshotClass']);
  const rules = { covers: (o: any) => covered.has(o.kind), check: (o: any) => schemaValidator().validate(o) };

  it.each(fixtureEnvironments().map((fx) => [fx.label, fx] as const))('admits every NodePool, EC2NodeClass and Velero object of %s', (_label, fx) => {
    const objects = objectsOf(fx).map((o) => o.obj).filter((o) => rules.covers(o));
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['NodePool', 'EC2NodeClass', 'Schedule']));
    expect(objects.flatMap((o) => rules.check(o).map((p) => `${o.kind}/${o.metadata.name}: ${p}`))).toEqual([]);
  });

  const objects = objectsOf(fixtureEnvironments()[0]).map((o) => o.obj);
  const copy = (kind: string) => JSON.parse(JSON.stringify(objects.find((o) => o.kind === kind)));

  it('refuses an EC2NodeClass with both a role and an instance profile', () => {
    const nodeClass = copy('EC2NodeClass');
    nodeClass.spec.instanceProfile = 'extra';
    expect(rules.check(nodeClass).join('\n')).toContain("must specify exactly one of ['role', 'instanceProfile']");
  });

  it('refuses a disruption budget with a schedule but no duration', () => {
    const pool = copy('NodePool');
    pool.spec.disruption.budgets = [{ nodes: '0', schedule: '0 8 * * *' }];
    expect(rules.check(pool).join('\n')).toContain("'schedule' must be set with 'duration'");
  });

  it('refuses a requirement on a restricted karpenter.sh label', () => {
    const pool = copy('NodePool');
    pool.spec.template.spec.requirements.push({ key: 'karpenter.sh/unknown', operator: 'In', values: ['x'] });
    expect(rules.check(pool).join('\n')).toContain('label domain "karpenter.sh" is restricted');
  });
});
