/**
 * VPC over three availability zones: private subnets for nodes and pods, public subnets only for
 * load balancers, NAT per AZ where an AZ outage must not cut egress (production), one otherwise.
 */
import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { cidrRange } from '../config';
import { policyDocument, serviceTrust } from './iam';

export interface NetworkProps {
  readonly name: string;
  readonly cidr: string;
  /** Cluster name, for the subnet tags the AWS Load Balancer integration discovers subnets by. */
  readonly clusterName: string;
  /** One NAT gateway per AZ. @default false (one shared NAT) */
  readonly natPerAz?: boolean;
  /** Flow log retention in days. @default 30 */
  readonly flowLogRetentionDays?: number;
  /** KMS key that encrypts the flow log group. */
  readonly kmsKeyArn: string;
  /** @default 3 */
  readonly availabilityZones?: number;
  /** Account and region, for the flow-log role's confused-deputy conditions. */
  readonly accountId: string;
  readonly region: string;
}

/** The `index`-th block of `newBits` more bits inside `cidr`: subnetCidr('10.0.0.0/16', 2, 1) = '10.0.64.0/18'. */
export function subnetCidr(cidr: string, newBits: number, index: number): string {
  const range = cidrRange(cidr);
  if (!range) throw new Error(`invalid CIDR ${cidr}`);
  const prefix = Number(cidr.split('/')[1]) + newBits;
  const start = range[0] + index * 2 ** (32 - prefix);
  const ip = [24, 16, 8, 0].map((s) => Math.floor(start / 2 ** s) % 256).join('.');
  return `${ip}/${prefix}`;
}

export class Network extends Construct {
  readonly vpc: Vpc;
  readonly privateSubnets: Subnet[] = [];
  readonly publicSubnets: Subnet[] = [];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const azCount = props.availabilityZones ?? 3;
    const azs = new DataAwsAvailabilityZones(this, 'azs', {
      state: 'available',
      filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
    });
    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: props.name },
    });
    // The default security group allows all traffic between its members; take every rule away so
    // nothing that lands in it by accident can talk (CIS AWS 5.4).
    new DefaultSecurityGroup(this, 'default-sg', { vpcId: this.vpc.id, ingress: [], egress: [], tags: { Name: `${props.name}-default-deny` } });
    const igw = new InternetGateway(this, 'igw', { vpcId: this.vpc.id, tags: { Name: props.name } });
    const publicRoutes = new RouteTable(this, 'public-routes', {
      vpcId: this.vpc.id,
      route: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }],
      tags: { Name: `${props.name}-public` },
    });

    const clusterTag = { [`kubernetes.io/cluster/${props.clusterName}`]: 'shared' };
    const nats: NatGateway[] = [];
    for (let i = 0; i < azCount; i++) {
      const az = Fn.element(azs.names, i);
      // Private: the first three quarters (a /18 each in a /16) hold nodes and pods (VPC CNI uses VPC IPs).
      const priv = new Subnet(this, `private-${i}`, {
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: subnetCidr(props.cidr, 2, i),
        tags: { Name: `${props.name}-private-${i}`, 'kubernetes.io/role/internal-elb': '1', ...clusterTag },
      });
      // Public: small blocks in the last quarter, for load balancers and NAT only.
      const pub = new Subnet(this, `public-${i}`, {
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: subnetCidr(props.cidr, 4, 12 + i),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.name}-public-${i}`, 'kubernetes.io/role/elb': '1', ...clusterTag },
      });
      new RouteTableAssociation(this, `public-${i}-routes`, { subnetId: pub.id, routeTableId: publicRoutes.id });
      this.privateSubnets.push(priv);
      this.publicSubnets.push(pub);

      if (i === 0 || props.natPerAz) {
        const eip = new Eip(this, `nat-${i}-ip`, { domain: 'vpc', tags: { Name: `${props.name}-nat-${i}` } });
        nats.push(new NatGateway(this, `nat-${i}`, {
          allocationId: eip.allocationId,
          subnetId: pub.id,
          tags: { Name: `${props.name}-nat-${i}` },
          dependsOn: [igw],
        }));
      }
      const routes = new RouteTable(this, `private-${i}-routes`, {
        vpcId: this.vpc.id,
        route: [{ cidrBlock: '0.0.0.0/0', natGatewayId: nats[props.natPerAz ? i : 0].id }],
        tags: { Name: `${props.name}-private-${i}` },
      });
      new RouteTableAssociation(this, `private-${i}-routes-assoc`, { subnetId: priv.id, routeTableId: routes.id });
    }

    // Flow logs: the record of who talked to whom, for incident response.
    const flowLogs = new CloudwatchLogGroup(this, 'flow-log-group', {
      name: `/aws/vpc/${props.name}/flow-logs`,
      retentionInDays: props.flowLogRetentionDays ?? 30,
      kmsKeyId: props.kmsKeyArn,
    });
    const flowRole = new IamRole(this, 'flow-log-role', {
      name: `${props.name}-vpc-flow-logs`,
      // Only VPC Flow Logs acting for this account's flow logs may assume it.
      assumeRolePolicy: serviceTrust('vpc-flow-logs.amazonaws.com', {
        StringEquals: { 'aws:SourceAccount': props.accountId },
        ArnLike: { 'aws:SourceArn': `arn:aws:ec2:${props.region}:${props.accountId}:vpc-flow-log/*` },
      }),
    });
    new IamRolePolicy(this, 'flow-log-policy', {
      role: flowRole.id,
      name: 'write-flow-logs',
      policy: policyDocument([{
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: [flowLogs.arn, `${flowLogs.arn}:*`],
      }]),
    });
    new FlowLog(this, 'flow-log', {
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: flowLogs.arn,
      iamRoleArn: flowRole.arn,
      maxAggregationInterval: 60,
    });
  }
}
