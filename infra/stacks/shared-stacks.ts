/** Stacks shared by all environments: the Terraform state bucket and the container registry. */
import { Construct } from 'constructs';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { PlatformNames } from '../../config';
import { ContainerRegistry } from '../registry';
import { StateBucket } from '../state-bucket';
import { configureAwsStack, requireTerraform } from './environment-stack';

/** Applied once, first, with local state: it creates the bucket every other stack keeps its state in. */
export class StateBootstrapStack extends TerraformStack {
  constructor(scope: Construct, id: string, platform: PlatformNames) {
    super(scope, id);
    const { aws } = platform.platform;
    // Its own state cannot live in the bucket it creates: it stays in a local file,
    // cdktf.out/stacks/state-bootstrap/terraform.state-bootstrap.tfstate. Keep that file (README: first deploy).
    new LocalBackend(this, { path: 'terraform.state-bootstrap.tfstate' });
    requireTerraform(this);
    new AwsProvider(this, 'aws', { region: aws.region, allowedAccountIds: [aws.accountId] });
    const state = new StateBucket(this, 'state', { bucketName: platform.stateBucket, keyAlias: platform.stateKeyAlias });
    new TerraformOutput(this, 'state_bucket', { value: state.bucket.bucket });
    new TerraformOutput(this, 'state_kms_key_arn', { value: state.key.arn });
  }
}

export class RegistryStack extends TerraformStack {
  constructor(scope: Construct, id: string, platform: PlatformNames) {
    super(scope, id);
    configureAwsStack(this, platform, 'shared/registry.tfstate', {});
    const anyEnv = platform.environments[0];
    const repositories = platform.platform.teams.flatMap((t) => t.apps.map((a) => anyEnv.ecrRepository(t, a)));
    const registry = new ContainerRegistry(this, 'ecr', { repositories });
    new TerraformOutput(this, 'registry', { value: anyEnv.ecrRegistry() });
    new TerraformOutput(this, 'repository_urls', { value: registry.repositories.map((r) => r.repositoryUrl) });
  }
}
