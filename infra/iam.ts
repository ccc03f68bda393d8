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

/** Trust policy for EKS Pod Identity: only the Pod Identity agent of this account may assume the role. */
export function podIdentityTrust(accountId: string): string {
  return policyDocument([{
    Effect: 'Allow',
    Principal: { Service: 'pods.eks.amazonaws.com' },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
  }]);
}

export function serviceTrust(service: string): string {
  return policyDocument([{ Effect: 'Allow', Principal: { Service: service }, Action: ['sts:AssumeRole'] }]);
}

export const awsManagedPolicy = (name: string) => `arn:aws:iam::aws:policy/${name}`;
