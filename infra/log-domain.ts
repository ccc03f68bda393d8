/** AWS OpenSearch domain for logs (logging.backend: opensearch): private, encrypted, TLS 1.2+. */
import { Construct } from 'constructs';
import { OpensearchDomain } from '@cdktf/provider-aws/lib/opensearch-domain';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { EnvironmentNames } from '../config';

export interface LogDomainProps {
  readonly names: EnvironmentNames;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly subnetIds: string[];
  readonly kmsKeyArn: string;
  /** @default r6g.large.search, three data nodes in production, one elsewhere */
  readonly instanceType?: string;
}

export class LogDomain extends Construct {
  readonly domain: OpensearchDomain;

  constructor(scope: Construct, id: string, props: LogDomainProps) {
    super(scope, id);
    const prod = props.names.environment.production;
    const sg = new SecurityGroup(this, 'sg', {
      name: `${props.names.clusterName}-logs`,
      description: 'HTTPS to the log domain from inside the VPC',
      vpcId: props.vpcId,
      ingress: [{ fromPort: 443, toPort: 443, protocol: 'tcp', cidrBlocks: [props.vpcCidr], description: 'HTTPS from the VPC' }],
    });
    this.domain = new OpensearchDomain(this, 'domain', {
      domainName: `${props.names.clusterName}-logs`.slice(0, 28),
      engineVersion: 'OpenSearch_2.19',
      clusterConfig: {
        instanceType: props.instanceType ?? 'r6g.large.search',
        instanceCount: prod ? 3 : 1,
        zoneAwarenessEnabled: prod,
        zoneAwarenessConfig: prod ? { availabilityZoneCount: 3 } : undefined,
      },
      ebsOptions: { ebsEnabled: true, volumeType: 'gp3', volumeSize: prod ? 200 : 50 },
      vpcOptions: { subnetIds: prod ? props.subnetIds : [props.subnetIds[0]], securityGroupIds: [sg.id] },
      encryptAtRest: { enabled: true, kmsKeyId: props.kmsKeyArn },
      nodeToNodeEncryption: { enabled: true },
      domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' },
    });
  }
}
