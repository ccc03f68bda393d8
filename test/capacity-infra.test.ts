/**
 * The AWS side of capacity and recovery, for every fixture config: Karpenter's node role, access
 * entry, interruption queue, event rules and discovery tags; the controller's policy; the backup
 * bucket and Velero's policy. Names must be the ones the charts use (config/names.ts).
 */
import { EKS_ADDONS, EnvironmentNames } from '../config';
import { INTERRUPTION_EVENTS } from '../infra/karpenter';
import { fixtures } from './harness/fixtures';
import { synthesizeInfra } from './harness/infra';

describe.each(fixtures().map((f) => ({ label: f.name, file: f.file })))('$label', ({ file }) => {
  const infra = synthesizeInfra(file);

  describe.each(infra.names.environments.map((names) => ({ env: names.env, names })))('environment $env', ({ env, names }: { env: string; names: EnvironmentNames }) => {
    const res = (type: string) => infra.resources(env, type);
    const stack = infra.stack(env);
    const ref = (type: string, r: Record<string, any>) => Object.entries<any>(stack.resource[type]).find(([, v]) => v === r)![0];
    const roleByName = (name: string) => res('aws_iam_role').find((r) => r.name === name)!;
    const inlinePolicy = (roleName: string) => {
      const role = ref('aws_iam_role', roleByName(roleName));
      const p = res('aws_iam_role_policy').find((x) => String(x.role).includes(`aws_iam_role.${role}.`));
      return JSON.parse(p!.policy);
    };

    it('gives Karpenter\'s nodes the role the EC2NodeClass names, with an EC2_LINUX access entry', () => {
      const role = roleByName(names.karpenterNodeRoleName);
      expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: 'ec2.amazonaws.com' });
      const entry = res('aws_eks_access_entry').find((e) => e.type === 'EC2_LINUX')!;
      expect(entry.principal_arn).toBe(`\${aws_iam_role.${ref('aws_iam_role', role)}.arn}`);
      const attached = res('aws_iam_role_policy_attachment').filter((a) => a.role === `\${aws_iam_role.${ref('aws_iam_role', role)}.name}`).map((a) => a.policy_arn.split('/').pop());
      expect(attached.sort()).toEqual(['AmazonEC2ContainerRegistryPullOnly', 'AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonSSMManagedInstanceCore']);
    });

    it('sends every interruption event to the queue the controller reads', () => {
      const queue = res('aws_sqs_queue').find((q) => q.name === names.karpenterInterruptionQueue)!;
      expect(queue).toMatchObject({ sqs_managed_sse_enabled: true, message_retention_seconds: 300 });
      const queueArn = `\${aws_sqs_queue.${ref('aws_sqs_queue', queue)}.arn}`;
      const patterns = res('aws_cloudwatch_event_rule').map((r) => JSON.parse(r.event_pattern)['detail-type'][0]).sort();
      expect(patterns).toEqual(INTERRUPTION_EVENTS.map((e) => e.detailType).sort());
      expect(res('aws_cloudwatch_event_target').map((t) => t.arn)).toEqual(INTERRUPTION_EVENTS.map(() => queueArn));
      const policy = JSON.parse(res('aws_sqs_queue_policy')[0].policy);
      expect(policy.Statement).toEqual(expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]));
    });

    it('tags every private subnet and the cluster security group for Karpenter\'s discovery', () => {
      const tags = res('aws_ec2_tag');
      const { key, value } = names.karpenterDiscoveryTag;
      expect(tags.every((t) => t.key === key && t.value === value)).toBe(true);
      const privateSubnets = Object.entries<any>(stack.resource.aws_subnet).filter(([, s]) => s.tags['kubernetes.io/role/internal-elb'] === '1').map(([id]) => `\${aws_subnet.${id}.id}`);
      expect(tags.map((t) => t.resource_id)).toEqual(expect.arrayContaining(privateSubnets));
      expect(tags.map((t) => t.resource_id)).toContainEqual(expect.stringMatching(/vpc_config\[0\]\.cluster_security_group_id/));
      expect(tags).toHaveLength(privateSubnets.length + 1);
    });

    it('lets the controller pass only the node role, read only its queue, and launch only tagged for this cluster', () => {
      const doc = inlinePolicy(names.workloadIdentity('karpenter').roleName);
      const nodeRole = ref('aws_iam_role', roleByName(names.karpenterNodeRoleName));
      const sid = (s: string) => doc.Statement.find((x: any) => x.Sid === s);
      expect(sid('AllowPassingInstanceRole').Resource).toEqual([`\${aws_iam_role.${nodeRole}.arn}`]);
      expect(sid('AllowInterruptionQueueActions').Resource).toEqual([expect.stringMatching(/^\$\{aws_sqs_queue\..*\.arn\}$/)]);
      expect(sid('AllowScopedDeletion').Condition.StringEquals).toEqual({ [`aws:ResourceTag/kubernetes.io/cluster/${names.clusterName}`]: 'owned' });
      expect(sid('AllowScopedEC2InstanceActionsWithTags').Condition.StringEquals['aws:RequestTag/eks:eks-cluster-name']).toBe(names.clusterName);
    });

    it('installs the CSI snapshot controller (and its CRDs) that Velero\'s VolumeSnapshotClass needs, at a build of the cluster\'s version', () => {
      expect(EKS_ADDONS).toContain('snapshot-controller');
      expect(res('aws_eks_addon').find((a) => a.addon_name === 'snapshot-controller')?.addon_version).toBeDefined();
    });

    it('encrypts node volumes with the key behind the alias the EC2NodeClass names', () => {
      const aliases = res('aws_kms_alias').map((a) => a.name);
      expect(aliases).toContain(names.kmsKeyAlias);
    });

    it('keeps backups in a versioned, private, TLS-only bucket with its own key, safe from destroy', () => {
      const bucket = res('aws_s3_bucket').find((b) => b.bucket === names.backupBucket)!;
      expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
      const id = `\${aws_s3_bucket.${ref('aws_s3_bucket', bucket)}.id}`;
      const forBucket = (type: string) => res(type).filter((r) => r.bucket === id);
      expect(forBucket('aws_s3_bucket_versioning')[0].versioning_configuration.status).toBe('Enabled');
      const sse = forBucket('aws_s3_bucket_server_side_encryption_configuration')[0].rule[0].apply_server_side_encryption_by_default;
      expect(sse.sse_algorithm).toBe('aws:kms');
      // Not the environment key: that one is scheduled for deletion with the environment.
      const backupKey = sse.kms_master_key_id.match(/aws_kms_key\.([^.]+)\.arn/)[1];
      expect(stack.resource.aws_kms_key[backupKey].lifecycle).toEqual({ prevent_destroy: true });
      expect(res('aws_kms_alias').find((a) => a.name === names.kmsKeyAlias)!.target_key_id).not.toContain(backupKey);
      expect(forBucket('aws_s3_bucket_public_access_block')[0]).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
      expect(JSON.parse(forBucket('aws_s3_bucket_policy')[0].policy).Statement[0]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
      expect(forBucket('aws_s3_bucket_lifecycle_configuration')[0].rule.map((r: any) => r.id)).toEqual(['expire-old-versions', 'abort-incomplete-uploads']);
    });

    it('lets Velero reach only its bucket and its key', () => {
      const doc = inlinePolicy(names.workloadIdentity('velero').roleName);
      const resources = doc.Statement.flatMap((s: any) => s.Resource);
      expect(resources.length).toBeGreaterThan(0);
      for (const r of resources) expect(r).toMatch(/^\$\{aws_(s3_bucket|kms_key)\.backups_[^.]+\.arn\}(\/\*)?$/);
      expect(doc.Statement.flatMap((s: any) => s.Action).some((a: string) => a.startsWith('ec2:'))).toBe(false);
    });
  });
});
