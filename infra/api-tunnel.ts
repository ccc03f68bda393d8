/**
 * The network path to a private API endpoint (`apiAccess.mode: ssm-tunnel`): one small instance in a
 * private subnet that AWS Systems Manager port-forwards through. It has no inbound rules, no SSH key
 * and no public address; a deployer with ssm:StartSession on it runs
 * `aws ssm start-session --document-name AWS-StartPortForwardingSessionToRemoteHost` and reaches the
 * endpoint at https://127.0.0.1:<localPort>. Authentication to Kubernetes stays the deployer's own
 * IAM identity (an access entry), so the instance holds no cluster rights.
 */
import { Construct } from 'constructs';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { awsManagedPolicy, serviceTrust } from './iam';

export interface ApiTunnelProps {
  /** Name of the instance, its role, instance profile and security group (names.apiTunnelName). */
  readonly name: string;
  readonly vpcId: string;
  /** A private subnet (egress through NAT reaches the Systems Manager endpoints). */
  readonly subnetId: string;
  /** The cluster's security group: the tunnel may reach its port 443. */
  readonly clusterSecurityGroupId: string;
  readonly kmsKeyArn: string;
  /** @default t3.micro */
  readonly instanceType?: string;
}

/** Public SSM parameter with the current AL2023 AMI: patched images without a pinned id to age. */
const AL2023_AMI_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

export class ApiTunnel extends Construct {
  readonly instance: Instance;

  constructor(scope: Construct, id: string, props: ApiTunnelProps) {
    super(scope, id);
    const role = new IamRole(this, 'role', {
      name: props.name,
      // EC2 sets no source keys for instance roles; only this account's PassRole can attach it.
      assumeRolePolicy: serviceTrust('ec2.amazonaws.com'),
    });
    const ssm = new IamRolePolicyAttachment(this, 'ssm', { role: role.name, policyArn: awsManagedPolicy('AmazonSSMManagedInstanceCore') });
    const profile = new IamInstanceProfile(this, 'profile', { name: props.name, role: role.name });

    const sg = new SecurityGroup(this, 'sg', { name: props.name, description: 'SSM tunnel to the private API endpoint: no inbound', vpcId: props.vpcId });
    // Outbound HTTPS only: the Systems Manager endpoints (through NAT) and the API endpoint.
    new VpcSecurityGroupEgressRule(this, 'https-out', { securityGroupId: sg.id, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0', description: 'SSM endpoints and the EKS API' });
    new VpcSecurityGroupIngressRule(this, 'api-from-tunnel', {
      securityGroupId: props.clusterSecurityGroupId, referencedSecurityGroupId: sg.id, ipProtocol: 'tcp', fromPort: 443, toPort: 443,
      description: 'Kubernetes API from the SSM tunnel',
    });

    const ami = new DataAwsSsmParameter(this, 'ami', { name: AL2023_AMI_PARAMETER });
    this.instance = new Instance(this, 'instance', {
      ami: ami.value,
      instanceType: props.instanceType ?? 't3.micro',
      subnetId: props.subnetId,
      vpcSecurityGroupIds: [sg.id],
      iamInstanceProfile: profile.name,
      associatePublicIpAddress: false,
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      rootBlockDevice: { volumeType: 'gp3', encrypted: true, kmsKeyId: props.kmsKeyArn },
      tags: { Name: props.name },
      // A new AMI must not replace the tunnel in the middle of a deploy; replace it deliberately.
      lifecycle: { ignoreChanges: ['ami'] },
      dependsOn: [ssm],
    });
  }
}
