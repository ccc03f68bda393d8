/** Synthesizes the cdktf app once per test file and gives typed access to each stack's JSON. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadPlatformConfig, PlatformNames } from '../../config';
import { buildInfra } from '../../infra/main';
import * as yaml from 'js-yaml';

import { EXAMPLE_CONFIG } from './files';

export interface SynthesizedInfra {
  readonly outdir: string;
  readonly names: PlatformNames;
  stack(name: string): any;
  /** All resources of a Terraform type in a stack, keyed by logical id. */
  resources(stack: string, type: string): Array<Record<string, any>>;
}

const synthesized = new Map<string, SynthesizedInfra>();

/** The Terraform of a config file, synthesized once per test file. */
export function synthesizeInfra(configFile = EXAMPLE_CONFIG): SynthesizedInfra {
  let infra = synthesized.get(configFile);
  if (!infra) synthesized.set(configFile, infra = synthesizeInfraUncached(configFile));
  return infra;
}

function synthesizeInfraUncached(configFile: string): SynthesizedInfra {
  const names = new PlatformNames(loadPlatformConfig(configFile));
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-'));
  buildInfra(names, outdir).synth();
  const cache = new Map<string, any>();
  const stack = (name: string) => {
    if (!cache.has(name)) cache.set(name, JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')));
    return cache.get(name);
  };
  return {
    outdir,
    names,
    stack,
    resources: (s, type) => Object.values(stack(s).resource?.[type] ?? {}) as Array<Record<string, any>>,
  };
}

/** The example config with a change applied, synthesized (for backend-dependent infrastructure). */
export function synthesizeInfraVariant(change: (doc: any) => void): SynthesizedInfra {
  const doc: any = yaml.load(fs.readFileSync(EXAMPLE_CONFIG, 'utf8'));
  change(doc);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'platform-')), 'platform.yaml');
  fs.writeFileSync(file, yaml.dump(doc));
  return synthesizeInfra(file);
}

/** Every IAM-style policy document in a stack: inline role policies, trust policies, key and bucket policies. */
export function policyDocuments(stackJson: any): Array<{ where: string; kind: 'identity' | 'trust' | 'resource'; doc: any }> {
  const out: Array<{ where: string; kind: 'identity' | 'trust' | 'resource'; doc: any }> = [];
  const add = (where: string, kind: 'identity' | 'trust' | 'resource', text: unknown) => {
    if (typeof text === 'string') out.push({ where, kind, doc: JSON.parse(text) });
  };
  for (const [type, byId] of Object.entries<any>(stackJson.resource ?? {})) {
    for (const [id, r] of Object.entries<any>(byId)) {
      if (type === 'aws_iam_role_policy') add(`${type}.${id}`, 'identity', r.policy);
      if (type === 'aws_iam_role') add(`${type}.${id}`, 'trust', r.assume_role_policy);
      if (type === 'aws_kms_key' || type === 'aws_s3_bucket_policy') add(`${type}.${id}`, 'resource', r.policy);
    }
  }
  return out;
}
