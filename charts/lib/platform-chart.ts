/**
 * Base of every concern's chart. A chart owns one folder of dist/<env>/ (its id) and declares the
 * upstream Helm charts its concern needs; the gitops chart turns both into Argo CD Applications.
 */
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvironmentNames, HelmChartSource } from '../../config';

/** Argo CD sync waves: namespaces, then operators and their CRDs, then their custom resources, then apps. */
export const SYNC_WAVE = {
  /** Operators whose CRDs other charts' values switch on (ServiceMonitor): before every other chart. */
  monitoringCrds: -4,
  namespaces: -3,
  operators: -2,
  controllers: -1,
  platformResources: 0,
  teams: 1,
} as const;

/** Pod Security level of a platform namespace. Node agents need host access; everything else is fenced. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** An upstream Helm chart installed by an Argo CD Application with typed values. */
export interface HelmRelease {
  readonly name: string;
  readonly namespace: string;
  readonly chart: HelmChartSource;
  readonly values: Record<string, unknown>;
  readonly wave: number;
  /** Pod Security level enforced on the namespace. */
  readonly podSecurity: PodSecurityLevel;
  /** CRDs too large for client-side apply's annotation need server-side apply. @default false */
  readonly serverSideApply?: boolean;
}

export interface PlatformChartProps {
  readonly names: EnvironmentNames;
}

export abstract class PlatformChart extends Chart {
  readonly names: EnvironmentNames;
  /** Upstream charts this concern installs. */
  readonly releases: HelmRelease[] = [];
  /** Sync wave of this chart's own folder. */
  abstract readonly wave: number;
  /** Argo CD project of the Application that syncs this folder. @default the platform project */
  readonly project?: string;
  /** Default namespace of that Application. @default argocd */
  readonly destinationNamespace?: string;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    this.names = props.names;
  }

  protected addRelease(release: HelmRelease): void {
    this.releases.push(release);
  }

  /**
   * Custom resources whose CRD an operator installs in the same sync must not fail Argo CD's dry
   * run on the very first sync.
   */
  markCustomResources(): void {
    for (const obj of this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
      if (obj.apiGroup.includes('.') && !obj.apiGroup.endsWith('k8s.io')) {
        obj.metadata.addAnnotation('argocd.argoproj.io/sync-options', 'SkipDryRunOnMissingResource=true');
      }
    }
  }
}
