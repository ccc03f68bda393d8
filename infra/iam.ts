/** IAM policy documents as typed data, so tests can read back exactly what a role may do. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string[];
  readonly Resource?: string[];
  readonly Principal?: Record<string, string | string[]>;
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export function policyDocument(statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** Resource-policy statement refusing every request to `resources` that does not come over TLS. */
export function denyInsecureTransport(service: 's3' | 'sqs', resources: string[]): PolicyStatement {
  return { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: { AWS: '*' }, Action: [`${service}:*`], Resource: resources, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
}

/**
 * Trust policy for an AWS service. `conditions` narrow it to this account's resources (the
 * confused-deputy guard AWS recommends: aws:SourceAccount, aws:SourceArn).
 */
export function serviceTrust(service: string, conditions?: PolicyStatement['Condition']): string {
  return policyDocument([{ Effect: 'Allow', Principal: { Service: service }, Action: ['sts:AssumeRole'], ...(conditions ? { Condition: conditions } : {}) }]);
}

/**
 * Services that set aws:SourceAccount (and aws:SourceArn) when they assume a role, so a trust policy
 * for them must check it (confused-deputy guard). EC2 and EKS cluster roles are guarded by
 * iam:PassRole instead, which works only within the account.
 */
export const SERVICES_WITH_SOURCE_CONDITIONS = ['pods.eks.amazonaws.com', 'vpc-flow-logs.amazonaws.com'];

export const awsManagedPolicy = (name: string) => `arn:aws:iam::aws:policy/${name}`;
