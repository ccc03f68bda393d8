/**
 * Centralized logging: every container's logs leave every node for the store chosen in
 * platform.yaml, with retention per environment, least-privileged users and Kibana behind SSO.
 * The setup job's script runs for real under sh, against a stand-in curl that records each call.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseQuantity, PLATFORM_NAMESPACES } from '../config';
import { KIBANA_URL, LOG_STORE_USERS, LOG_STORE_URL, RETENTION_POLICY_ID, retentionScript } from '../charts/logging';
import { helmApplication, helmValues, named, ofKind } from './harness/platform';
import { synthesizeInfra } from './harness/infra';
import { FixtureEnvironment, fixtureEnvironments, objectsOf } from './harness/fixtures';

const withBackend = (backend: string) => fixtureEnvironments().filter((e) => e.names.platform.logging.backend === backend);


/** `[SECTION]` blocks of a classic-mode Fluent Bit config as key/value lists. */
function sections(config: string): Array<{ name: string; keys: Array<[string, string]> }> {
  return config.split(/^\[/m).filter((s) => s.trim()).map((block) => {
    const [head, ...lines] = block.trim().split('\n');
    return { name: head.replace(']', ''), keys: lines.map((l) => l.trim()).filter(Boolean).map((l) => l.split(/\s+(.*)/s).slice(0, 2) as [string, string]) };
  });
}
const get = (keys: Array<[string, string]>, key: string) => keys.filter(([k]) => k === key).map(([, v]) => v);

describe.each(withBackend('elasticsearch'))('logging in $label (elasticsearch backend)', (fixtureEnv: FixtureEnvironment) => {
  const { names } = fixtureEnv;
  const env = names.env;
  const objects = objectsOf(fixtureEnv);
  const fluentBit = helmValues(objects, 'fluent-bit');
  const job = named(objects, 'Job', 'log-store-setup');
  const script: string = job.spec.template.spec.containers[0].command[2];

  /** Run the setup script with a curl that records method, URL and body, one JSON line per call. */
  function runSetupScript(): { calls: Array<{ args: string[]; body: any }>; auth: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-setup-'));
    const log = path.join(dir, 'calls');
    // One line per argument, then the body on one line: a call reads back exactly as curl got it.
    fs.writeFileSync(path.join(dir, 'curl'), `#!/bin/sh\nfor a in "$@"; do printf 'ARG %s\\n' "$a"; done >> "${log}"\nprintf 'BODY ' >> "${log}"\ncat >> "${log}"\nprintf '\\n' >> "${log}"\n`, { mode: 0o755 });
    execFileSync('/bin/sh', ['-c', script], {
      env: { PATH: `${dir}:/usr/bin:/bin`, TMPDIR: dir, ELASTIC_PASSWORD: 'Sup3rUser', FLUENT_BIT_PASSWORD: 'fb-pass', LOGS_VIEWER_PASSWORD: 'viewer-pass', EXPORTER_PASSWORD: 'exporter-pass' },
    });
    const calls: Array<{ args: string[]; body: any }> = [];
    let args: string[] = [];
    for (const line of fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
      if (line.startsWith('ARG ')) args.push(line.slice(4));
      else { calls.push({ args, body: JSON.parse(line.slice(5)) }); args = []; }
    }
    return { calls, auth: fs.readFileSync(path.join(dir, 'es-auth'), 'utf8') };
  }
  const { calls, auth } = runSetupScript();
  const call = (p: string, base = LOG_STORE_URL) => calls.find((c) => c.args.includes(`${base}${p}`))!;

  it('runs Fluent Bit on every node, whatever its taints, before anything else is evicted', () => {
    expect(fluentBit.kind).toBe('DaemonSet');
    expect(fluentBit.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(fluentBit.priorityClassName).toBe('system-node-critical');
    expect(fluentBit.resources.limits.memory).toBeDefined();
  });

  it('collects every container\'s log with its Kubernetes metadata, and the kubelet\'s', () => {
    const inputs = sections(fluentBit.config.inputs);
    const tail = inputs.find((s) => get(s.keys, 'Name')[0] === 'tail')!;
    expect(get(tail.keys, 'Path')).toEqual(['/var/log/containers/*.log']);
    expect(get(tail.keys, 'multiline.parser')).toEqual(['cri']);
    expect(get(tail.keys, 'storage.type')).toEqual(['filesystem']);
    expect(inputs.some((s) => get(s.keys, 'Systemd_Filter')[0] === '_SYSTEMD_UNIT=kubelet.service')).toBe(true);
    const kube = sections(fluentBit.config.filters).find((s) => get(s.keys, 'Name')[0] === 'kubernetes')!;
    expect(get(kube.keys, 'Match')).toEqual(['kube.*']);
    expect(get(kube.keys, 'Labels')).toEqual(['On']);
    const modify = sections(fluentBit.config.filters).find((s) => get(s.keys, 'Name')[0] === 'modify')!;
    expect(get(modify.keys, 'Set')).toEqual([`cluster ${names.clusterName}`, `environment ${env}`]);
  });

  // Fluent Bit's modify filter: Set overwrites a key, Add only fills one that is missing.
  const modifyRecord = (keys: Array<[string, string]>, record: Record<string, unknown>) => {
    const out = { ...record };
    for (const [op, arg] of keys) {
      const [k, ...v] = arg.split(' ');
      if (op === 'Set' || (op === 'Add' && !(k in out))) out[k] = v.join(' ');
    }
    return out;
  };
  it('stamps cluster and environment over whatever an app logs (a dev app logging environment: prod does not pass for prod)', () => {
    const modify = sections(fluentBit.config.filters).find((s) => get(s.keys, 'Name')[0] === 'modify')!;
    const ops = modify.keys.filter(([k]) => k === 'Set' || k === 'Add');
    const hostile = modifyRecord(ops, { message: 'payment captured', environment: 'spoofed-prod', cluster: 'spoofed-cluster' });
    expect(hostile).toMatchObject({ environment: env, cluster: names.clusterName });
    const benign = modifyRecord(ops, { message: 'payment captured' });
    expect(benign).toEqual({ message: 'payment captured', environment: env, cluster: names.clusterName });
  });

  it('buffers on the node\'s disk so a store outage or restart loses nothing', () => {
    const service = sections(fluentBit.config.service)[0];
    expect(get(service.keys, 'storage.path')[0]).toMatch(/^\/var\/lib\/fluent-bit\//);
    const state = fluentBit.daemonSetVolumes.find((v: any) => v.name === 'state');
    expect(state.hostPath.path).toBe('/var/lib/fluent-bit');
    expect(fluentBit.daemonSetVolumeMounts.find((m: any) => m.name === 'varlog').readOnly).toBe(true);
  });

  it('ships everything to Elasticsearch over verified TLS as the append-only shipper user', () => {
    const [output, ...more] = sections(fluentBit.config.outputs);
    expect(more).toEqual([]);
    expect(Object.fromEntries(output.keys)).toMatchObject({
      Match: '*', Name: 'es', Host: 'logs-es-http.log-store.svc', Port: '9200',
      tls: 'On', 'tls.verify': 'On', HTTP_User: LOG_STORE_USERS.shipper.name,
      HTTP_Passwd: '${FLUENT_BIT_PASSWORD}', Index: `logs-kubernetes-${env}`,
    });
    expect(fluentBit.env).toEqual([{ name: 'FLUENT_BIT_PASSWORD', valueFrom: { secretKeyRef: { name: 'log-shipper', key: 'password' } } }]);
    const shipperSecret = ofKind(objects, 'ExternalSecret').find((e) => e.metadata.name === 'log-shipper');
    expect(shipperSecret.metadata.namespace).toBe(PLATFORM_NAMESPACES.logging);
    expect(shipperSecret.spec.data.map((d: any) => d.remoteRef.key).sort())
      .toEqual([names.platformSecret('cert-manager/private-ca'), names.platformSecret('logging/users')]);
  });

  it('keeps logs for the environment\'s retentionDays', () => {
    const template = call('/_index_template/logs-kubernetes').body;
    expect(template.index_patterns).toEqual(['logs-kubernetes-*']);
    expect(template.data_stream).toEqual({});
    expect(template.template.lifecycle.data_retention).toBe(`${names.environment.logging.retentionDays}d`);
  });

  it('asks for replicas only where there are nodes to hold them, so the store can be green', () => {
    const es = named(objects, 'Elasticsearch', 'logs');
    const nodes = es.spec.nodeSets.reduce((n: number, s: any) => n + s.count, 0);
    const replicas = call('/_index_template/logs-kubernetes').body.template.settings.number_of_replicas;
    expect(replicas).toBeLessThan(nodes);
    expect(nodes).toBe(names.environment.production ? 3 : 1);
  });

  it('sizes each Elasticsearch node\'s disk from logging.storage, on the encrypted gp3 class', () => {
    const [data] = named(objects, 'Elasticsearch', 'logs').spec.nodeSets[0].volumeClaimTemplates;
    expect(data.spec.resources.requests.storage).toBe(names.environment.logging.storage);
    expect(data.spec.storageClassName).toBe('gp3');
  });

  it('creates users with the least privilege each needs, passwords from the backend', () => {
    expect(call('/_security/role/log-shipper').body.indices).toEqual([{ names: ['logs-kubernetes-*'], privileges: ['create_doc', 'auto_configure'] }]);
    expect(call('/_security/role/log-reader').body.indices).toEqual([{ names: ['logs-kubernetes-*'], privileges: ['read', 'view_index_metadata'] }]);
    expect(call('/_security/role/log-store-monitor').body.indices).toEqual([{ names: ['*'], privileges: ['monitor'] }]);
    expect(call('/_security/user/fluent-bit').body).toEqual({ password: 'fb-pass', roles: ['log-shipper'] });
    expect(call('/_security/user/logs-viewer').body).toEqual({ password: 'viewer-pass', roles: ['log-reader'] });
    expect(call('/_security/user/log-store-exporter').body).toEqual({ password: 'exporter-pass', roles: ['log-store-monitor'] });
    for (const c of calls.filter((c) => c.args.some((a) => a.startsWith(LOG_STORE_URL)))) {
      expect(c.args).toEqual(expect.arrayContaining(['--cacert', '/ca/ca.crt', '--fail-with-body', 'PUT']));
    }
    // The superuser's password reaches curl through a config file, never its command line.
    expect(auth).toBe('user = "elastic:Sup3rUser"\n');
    for (const c of calls) expect(c.args.join(' ')).not.toContain('Sup3rUser');
  });

  it('gives Kibana a data view over the log streams, so Discover works on first visit', () => {
    const dataView = call('/api/data_views/data_view', KIBANA_URL);
    expect(dataView.args).toEqual(expect.arrayContaining(['POST', 'kbn-xsrf: true', '--fail-with-body', '--cacert']));
    expect(dataView.body.data_view).toMatchObject({ title: 'logs-kubernetes-*', timeFieldName: '@timestamp' });
    expect(dataView.body.override).toBe(true);
  });

  it('serves Elasticsearch and Kibana with private-CA certificates for their service names', () => {
    for (const [kind, service] of [['Elasticsearch', 'logs-es-http'], ['Kibana', 'logs-kb-http']]) {
      const cert = named(objects, 'Certificate', `${service}-tls`);
      expect(cert.spec.issuerRef).toEqual({ kind: 'ClusterIssuer', name: 'private-ca' });
      expect(cert.spec.dnsNames).toContain(`${service}.log-store.svc`);
      expect(named(objects, kind, 'logs').spec.http.tls.certificate.secretName).toBe(`${service}-tls`);
    }
    // The gateway re-encrypts to Kibana and verifies its certificate against the private CA.
    const backendTls = named(objects, 'BackendTLSPolicy', 'logs');
    expect(backendTls.spec).toEqual({
      targetRefs: [{ group: '', kind: 'Service', name: 'logs-kb-http' }],
      validation: { caCertificateRefs: [{ group: '', kind: 'Secret', name: 'logs-kb-http-tls' }], hostname: 'logs-kb-http.log-store.svc' },
    });
    expect(KIBANA_URL.startsWith('https://')).toBe(true);
  });

  it('puts Kibana behind SSO for admins, viewers and team developers, read-only inside', () => {
    const route = named(objects, 'HTTPRoute', 'logs');
    expect(route.spec.hostnames).toEqual([names.hostname('logs')]);
    const sso = named(objects, 'SecurityPolicy', 'logs-sso');
    expect(sso.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'logs' }]);
    const allowed: string[] = sso.spec.authorization.rules[0].principal.jwt.claims[0].values;
    const idp = names.platform.identity;
    expect(allowed.sort()).toEqual([...new Set([...idp.adminGroups, ...idp.viewerGroups, ...names.teams.flatMap((t) => t.groups)])].sort());
    const kibana = named(objects, 'Kibana', 'logs');
    const anonymous = kibana.spec.config['xpack.security.authc.providers'].anonymous.sso;
    expect(anonymous.credentials.username).toBe(LOG_STORE_USERS.reader.name);
    expect(anonymous.order).toBe(0);
  });

  it('exports cluster health for LogStoreNotGreen as the monitor-only user over verified TLS', () => {
    const exporter = helmValues(objects, 'elasticsearch-exporter');
    expect(exporter.es.uri).toBe(LOG_STORE_URL);
    expect(exporter.es.ssl).toMatchObject({ enabled: true, ca: { path: '/ssl/ca.crt' } });
    expect(exporter.es.sslSkipVerify).toBeUndefined();
    expect(exporter.env.ES_USERNAME).toBe(LOG_STORE_USERS.exporter.name);
    expect(exporter.serviceMonitor.enabled).toBe(true);
  });
});

describe.each(withBackend('opensearch'))('logging in $label (AWS OpenSearch backend)', (fixtureEnv: FixtureEnvironment) => {
  const { names } = fixtureEnv;
  const objects = objectsOf(fixtureEnv);
  const fluentBit = helmValues(objects, 'fluent-bit');

  it('runs no Elasticsearch, Kibana or ECK in the cluster', () => {
    expect(ofKind(objects, 'Elasticsearch')).toEqual([]);
    expect(ofKind(objects, 'Kibana')).toEqual([]);
    expect(helmValues(objects, 'eck-operator')).toBeUndefined();
  });

  it('ships with requests signed by the fluent-bit role that infra binds to the same service account', () => {
    const identity = names.workloadIdentity('fluent-bit');
    expect(fluentBit.serviceAccount.name).toBe(identity.serviceAccount);
    expect(helmApplication(objects, 'fluent-bit').destination.namespace).toBe(identity.namespace);
    const [output] = sections(fluentBit.config.outputs);
    expect(Object.fromEntries(output.keys)).toMatchObject({
      Name: 'opensearch', Host: names.logDomainEndpoint, Port: '443', tls: 'On', 'tls.verify': 'On',
      AWS_Auth: 'On', AWS_Region: names.platform.aws.region,
    });
  });

  it('gets from infra a domain whose custom endpoint is the host Fluent Bit ships to', () => {
    const infra = synthesizeInfra(fixtureEnv.fixture.file);
    const [domain] = infra.resources(names.env, 'aws_opensearch_domain');
    expect(domain.domain_endpoint_options).toMatchObject({ custom_endpoint_enabled: true, custom_endpoint: names.logDomainEndpoint, enforce_https: true });
    expect(domain.vpc_options).toBeDefined();
    const cname = infra.resources(names.env, 'aws_route53_record').find((r) => r.type === 'CNAME');
    expect(cname?.name).toBe(names.logDomainEndpoint);
    const [association] = infra.resources(names.env, 'aws_eks_pod_identity_association').filter((a) => a.service_account === 'fluent-bit');
    expect(association.namespace).toBe(PLATFORM_NAMESPACES.logging);
  });

  it('sizes each data node\'s EBS volume from logging.storage, in whole GiB', () => {
    const [domain] = synthesizeInfra(fixtureEnv.fixture.file).resources(names.env, 'aws_opensearch_domain');
    expect(domain.ebs_options.volume_size).toBe(Math.ceil(parseQuantity(names.environment.logging.storage) / 2 ** 30));
    expect(domain.domain_name).toBe(names.logDomainName);
  });

  /** Run the retention job's script with a curl that answers like Pod Identity and the domain, recording every call. */
  function runRetentionScript(policyExists: boolean): { calls: Array<{ args: string[]; body?: any }>; config: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-retention-'));
    const log = path.join(dir, 'calls');
    fs.writeFileSync(path.join(dir, 'token'), 'pod-identity-token');
    fs.writeFileSync(path.join(dir, 'curl'), [
      '#!/bin/sh',
      `for a in "$@"; do printf 'ARG %s\\n' "$a"; done >> "${log}"`,
      'out=; prev=; for a in "$@"; do [ "$prev" = "-o" ] && out=$a; prev=$a; done',
      'case "$*" in',
      `  *169.254.170.23*) printf '{"AccessKeyId":"ASIAFAKEFAKEFAKE0000","SecretAccessKey":"fake-secret","Token":"fake-session","Expiration":"2030-01-01T00:00:00Z"}' ;;`,
      `  *"-X GET"*) if [ "${policyExists ? 1 : 0}" = 1 ]; then printf '{"_id":"x","_version":3,"_seq_no":7,"_primary_term":2,"policy":{}}' > "$out"; printf 200; else printf '{"status":404}' > "$out"; printf 404; fi ;;`,
      `  *) printf 'BODY ' >> "${log}"; cat >> "${log}"; printf '\\n' >> "${log}"; printf '{}' ;;`,
      'esac',
      `printf 'END\\n' >> "${log}"`,
      '',
    ].join('\n'), { mode: 0o755 });
    execFileSync('/bin/sh', ['-c', retentionScript(names)], {
      env: { PATH: `${dir}:/usr/bin:/bin`, TMPDIR: dir, AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/credentials', AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: path.join(dir, 'token') },
    });
    const calls: Array<{ args: string[]; body?: any }> = [];
    let current: { args: string[]; body?: any } = { args: [] };
    for (const line of fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
      if (line.startsWith('ARG ')) current.args.push(line.slice(4));
      else if (line.startsWith('BODY ')) current.body = JSON.parse(line.slice(5));
      else { calls.push(current); current = { args: [] }; }
    }
    return { calls, config: fs.readFileSync(path.join(dir, 'aws'), 'utf8') };
  }
  const url = (p: string) => `https://${names.logDomainEndpoint}${p}`;

  it('deletes each day\'s index after retentionDays, by an ISM policy that new indices get by template', () => {
    const { calls } = runRetentionScript(false);
    const put = calls.find((c) => c.args.includes('PUT'))!;
    expect(put.args).toContain(url(`/_plugins/_ism/policies/${RETENTION_POLICY_ID}`));
    const policy = put.body.policy;
    expect(policy.states.find((st: any) => st.name === 'hot').transitions).toEqual([{ state_name: 'delete', conditions: { min_index_age: `${names.environment.logging.retentionDays}d` } }]);
    expect(policy.states.find((st: any) => st.name === 'delete').actions).toEqual([{ delete: {} }]);
    // The template's pattern is the index Fluent Bit writes (Logstash_Prefix, one index a day).
    const prefix = Object.fromEntries(sections(fluentBit.config.outputs)[0].keys).Logstash_Prefix;
    expect(policy.ism_template[0].index_patterns).toEqual([`${prefix}-*`]);
  });

  it('attaches the policy to indices older than it, and moves managed ones to its latest version', () => {
    const { calls } = runRetentionScript(false);
    for (const api of ['add', 'change_policy']) {
      const call = calls.find((c) => c.args.includes(url(`/_plugins/_ism/${api}/logs-kubernetes-${names.env}-*`)))!;
      expect(call.body).toEqual({ policy_id: RETENTION_POLICY_ID });
    }
  });

  it('updates an existing policy at the version it read (ISM refuses a blind overwrite)', () => {
    const update = runRetentionScript(true).calls.find((c) => c.args.includes('PUT'))!;
    expect(update.args).toContain(url(`/_plugins/_ism/policies/${RETENTION_POLICY_ID}?if_seq_no=7&if_primary_term=2`));
    const create = runRetentionScript(false).calls.find((c) => c.args.includes('PUT'))!;
    expect(create.args).toContain(url(`/_plugins/_ism/policies/${RETENTION_POLICY_ID}`));
  });

  it('signs every domain request with the Pod Identity credentials, which never appear on a command line', () => {
    const { calls, config } = runRetentionScript(false);
    const domainCalls = calls.filter((c) => c.args.some((a) => a.startsWith(`https://${names.logDomainEndpoint}`)));
    expect(domainCalls.length).toBe(4);
    for (const c of domainCalls) expect(c.args).toEqual(expect.arrayContaining(['--aws-sigv4', `aws:amz:${names.platform.aws.region}:es`]));
    expect(config).toBe('user = "ASIAFAKEFAKEFAKE0000:fake-secret"\nheader = "x-amz-security-token: fake-session"\n');
    for (const c of calls) expect(c.args.join(' ')).not.toMatch(/fake-secret|fake-session/);
  });

  it('runs the retention job as Fluent Bit\'s service account, the one with the domain role', () => {
    const job = named(objects, 'Job', 'log-retention');
    expect(job.metadata.namespace).toBe(names.workloadIdentity('fluent-bit').namespace);
    expect(job.spec.template.spec.serviceAccountName).toBe(names.workloadIdentity('fluent-bit').serviceAccount);
  });
});
