import * as yaml from 'js-yaml';
import { KUBERNETES_VERSIONS, parsePlatformConfig, supportWarnings } from '../config';
import { exampleText, INVALID_CONFIGS } from './fixtures/invalid-configs';
import { fixtures } from './harness/fixtures';

const onVersion = (version: string) => {
  const doc: any = yaml.load(exampleText());
  for (const env of doc.environments) env.kubernetesVersion = version;
  return parsePlatformConfig(yaml.dump(doc));
};

describe('Kubernetes support table', () => {
  it('supports exactly the versions in EKS standard support (1.35, 1.36), each with its end date', () => {
    expect(Object.keys(KUBERNETES_VERSIONS).sort()).toEqual(['1.35', '1.36']);
    for (const { standardSupportEnds } of Object.values(KUBERNETES_VERSIONS)) expect(standardSupportEnds).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it.each(fixtures().map((f) => [f.name, f] as const))('runs every environment of %s on a supported version', (_n, f) => {
    for (const env of f.names.platform.environments) expect(Object.keys(KUBERNETES_VERSIONS)).toContain(env.kubernetesVersion);
  });

  it('refuses a version outside the table (a bad config case exists)', () => {
    expect(INVALID_CONFIGS.some((c) => c.rule.includes('Kubernetes version outside'))).toBe(true);
  });
});

describe('supportWarnings (npm run check)', () => {
  const config = onVersion('1.35');

  it('warns within 60 days of the end of standard support, naming the environment, version and date', () => {
    const warnings = supportWarnings(config, new Date('2027-02-01T12:00:00Z'));
    expect(warnings).toHaveLength(config.environments.length);
    expect(warnings[0]).toContain(`environment ${config.environments[0].name}`);
    expect(warnings[0]).toContain('Kubernetes 1.35 ends in 54 days (2027-03-27)');
  });

  it('stays quiet more than 60 days before the end', () => {
    expect(supportWarnings(config, new Date('2027-01-25T00:00:00Z'))).toEqual([]);
  });

  it('says when standard support has already ended', () => {
    expect(supportWarnings(config, new Date('2027-04-01T00:00:00Z'))[0]).toContain('ended on 2027-03-27');
  });

  it('warns only for the environments on the ending version', () => {
    expect(supportWarnings(onVersion('1.36'), new Date('2027-02-01T00:00:00Z'))).toEqual([]);
  });
});
