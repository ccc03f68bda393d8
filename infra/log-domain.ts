/**
 * AWS OpenSearch domain for logs (logging.backend: opensearch): private, encrypted, TLS 1.2+, reached
 * at a custom endpoint in the environment zone so the charts know its name before it exists.
 */
import { Construct } from 'constructs';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { OpensearchDomain } from '@cdktf/provider-aws/lib/opensearch-domain';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { EnvironmentNames, parseQuantity } from '../config';

export interface LogDomainProps {
  readonly names: EnvironmentNames;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly subnetIds: string[];
  readonly kmsKeyArn: string;
  /** Route53 zone of the environment domain: the custom endpoint and its certificate live there. */
  readonly zoneId: string;
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
    const endpoint = props.names.logDomainEndpoint;
    const certificate = new AcmCertificate(this, 'certificate', {
      domainName: endpoint,
      validationMethod: 'DNS',
      lifecycle: { createBeforeDestroy: true },
    });
    const proof = certificate.domainValidationOptions.get(0);
    const proofRecord = new Route53Record(this, 'certificate-validation', {
      zoneId: props.zoneId,
      name: proof.resourceRecordName,
      type: proof.resourceRecordType,
      records: [proof.resourceRecordValue],
      ttl: 300,
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, 'certificate-valid', {
      certificateArn: certificate.arn,
      validationRecordFqdns: [proofRecord.fqdn],
    });
    this.domain = new OpensearchDomain(this, 'domain', {
      // At most 28 characters: the schema refuses configs whose name would not fit (no silent truncation).
      domainName: props.names.logDomainName,
      engineVersion: 'OpenSearch_2.19',
      clusterConfig: {
        instanceType: props.instanceType ?? 'r6g.large.search',
        instanceCount: prod ? 3 : 1,
        zoneAwarenessEnabled: prod,
        zoneAwarenessConfig: prod ? { availabilityZoneCount: 3 } : undefined,
      },
      // logging.storage per data node, as the ECK store sizes its volumes.
      ebsOptions: { ebsEnabled: true, volumeType: 'gp3', volumeSize: Math.ceil(parseQuantity(props.names.environment.logging.storage) / 2 ** 30) },
      vpcOptions: { subnetIds: prod ? props.subnetIds : [props.subnetIds[0]], securityGroupIds: [sg.id] },
      encryptAtRest: { enabled: true, kmsKeyId: props.kmsKeyArn },
      nodeToNodeEncryption: { enabled: true },
      domainEndpointOptions: {
        enforceHttps: true,
        tlsSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07',
        customEndpointEnabled: true,
        customEndpoint: endpoint,
        customEndpointCertificateArn: validation.certificateArn,
      },
    });
    new Route53Record(this, 'endpoint', {
      zoneId: props.zoneId,
      name: endpoint,
      type: 'CNAME',
      records: [this.domain.endpoint],
      ttl: 300,
    });
  }
}
