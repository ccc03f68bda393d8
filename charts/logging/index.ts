/**
 * Centralized logging with no developer effort: Fluent Bit on every node ships every container's
 * logs, with Kubernetes metadata, to the store chosen in platform.yaml (`logging.backend`):
 * Elasticsearch and Kibana run by ECK in the cluster, or the AWS OpenSearch domain infra creates.
 */
import { Construct } from 'constructs';
import { EnvironmentNames } from '../../config';
import { PlatformChart, PlatformChartProps, SYNC_WAVE } from '../lib/platform-chart';
import { fluentBitRelease, LogOutput } from './fluent-bit';
import { elasticsearchExporterRelease, elasticsearchOutput, eckOperatorRelease, ElasticLogStore } from './elastic-log-store';
import { opensearchIndexPrefix, OpenSearchRetention } from './opensearch-retention';

export * from './fluent-bit';
export * from './elastic-log-store';
export * from './opensearch-retention';

/**
 * Fluent Bit's output to the AWS OpenSearch domain: signed with the fluent-bit Pod Identity role,
 * daily indices. The domain's custom endpoint is known before apply (config/names.ts).
 */
export function opensearchOutput(names: EnvironmentNames): LogOutput {
  return {
    settings: [
      ['Name', 'opensearch'],
      ['Host', names.logDomainEndpoint],
      ['Port', 443],
      ['tls', 'On'],
      ['tls.verify', 'On'],
      ['AWS_Auth', 'On'],
      ['AWS_Region', names.platform.aws.region],
      ['Logstash_Format', 'On'],
      ['Logstash_Prefix', opensearchIndexPrefix(names)],
      ['Suppress_Type_Name', 'On'],
      ['Replace_Dots', 'On'],
      ['Trace_Error', 'On'],
    ],
  };
}

export class LoggingChart extends PlatformChart {
  readonly wave = SYNC_WAVE.platformResources;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, props);
    const { names } = this;

    if (names.platform.logging.backend === 'opensearch') {
      this.addRelease(fluentBitRelease({ names, output: opensearchOutput(names) }));
      new OpenSearchRetention(this, 'retention', { names });
      return;
    }

    this.addRelease(eckOperatorRelease(names.environment.production));
    this.addRelease(elasticsearchExporterRelease());
    this.addRelease(fluentBitRelease({ names, output: elasticsearchOutput(names) }));
    // Every engineer reads logs: the platform's and every team's (one store, no per-team split).
    new ElasticLogStore(this, 'store', {
      names,
      readerGroups: names.engineerGroups,
    });
  }
}
