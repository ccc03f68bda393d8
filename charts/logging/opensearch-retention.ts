/**
 * Retention on the AWS OpenSearch domain (logging.backend: opensearch): an Index State Management
 * policy that deletes each day's `logs-kubernetes-<env>-*` index after the environment's
 * `logging.retentionDays`. A job after every sync of the logging folder writes the policy, attaches
 * it to indices that existed before it, and moves managed indices to its latest version, with
 * requests signed (SigV4) by the Fluent Bit role, the one role that may reach the domain.
 */
import { Construct } from 'constructs';
import { EnvironmentNames, PLATFORM_NAMESPACES } from '../../config';
import { PostSyncJob } from '../lib/post-sync-job';
import { FLUENT_BIT_SERVICE_ACCOUNT } from './fluent-bit';

/** The ISM policy's id on the domain. */
export const RETENTION_POLICY_ID = 'logs-kubernetes-retention';

/** Index prefix Fluent Bit writes to (Logstash_Prefix): one index per day. */
export function opensearchIndexPrefix(names: EnvironmentNames): string {
  return `logs-kubernetes-${names.env}`;
}

/** The ISM policy: hot until `retentionDays` old, then deleted. New daily indices get it by template. */
export function retentionPolicy(names: EnvironmentNames): Record<string, unknown> {
  const days = names.environment.logging.retentionDays;
  return {
    policy: {
      description: `Delete ${opensearchIndexPrefix(names)} indices ${days} days after creation (logging.retentionDays)`,
      default_state: 'hot',
      states: [
        { name: 'hot', actions: [], transitions: [{ state_name: 'delete', conditions: { min_index_age: `${days}d` } }] },
        { name: 'delete', actions: [{ delete: {} }], transitions: [] },
      ],
      ism_template: [{ index_patterns: [`${opensearchIndexPrefix(names)}-*`], priority: 100 }],
    },
  };
}

/** The job's shell script (POSIX sh, curl >= 7.75 for --aws-sigv4). */
export function retentionScript(names: EnvironmentNames): string {
  const indices = `/_plugins/_ism/%s/${opensearchIndexPrefix(names)}-*`;
  return [
    'set -eu',
    'dir="${TMPDIR:-/tmp}"',
    // Pod Identity serves short-lived credentials over HTTP; they reach curl in a config file, never on its command line.
    'curl --silent --show-error --fail --retry 10 --retry-all-errors -H "Authorization: $(cat "$AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")" "$AWS_CONTAINER_CREDENTIALS_FULL_URI" > "$dir/credentials"',
    `field() { sed -n "s/.*\\"$1\\" *: *\\"\\([^\\"]*\\)\\".*/\\1/p" "$dir/credentials"; }`,
    `printf 'user = "%s:%s"\\nheader = "x-amz-security-token: %s"\\n' "$(field AccessKeyId)" "$(field SecretAccessKey)" "$(field Token)" > "$dir/aws"`,
    `os() { method=$1; path=$2; shift 2; curl --silent --show-error --globoff --retry 30 --retry-delay 10 --retry-all-errors --config "$dir/aws" --aws-sigv4 "aws:amz:${names.platform.aws.region}:es" -H 'Content-Type: application/json' -X "$method" "https://${names.logDomainEndpoint}$path" "$@"; echo; }`,
    // Updating a policy needs the version it replaces; creating one must not name any.
    `policy=/_plugins/_ism/policies/${RETENTION_POLICY_ID}`,
    'status=$(os GET "$policy" -o "$dir/current" -w \'%{http_code}\')',
    'case "$status" in',
    '  200*) query="?if_seq_no=$(sed -n \'s/.*"_seq_no" *: *\\([0-9]*\\).*/\\1/p\' "$dir/current")&if_primary_term=$(sed -n \'s/.*"_primary_term" *: *\\([0-9]*\\).*/\\1/p\' "$dir/current")" ;;',
    '  404*) query= ;;',
    '  *) cat "$dir/current"; exit 1 ;;',
    'esac',
    `os PUT "$policy$query" --fail-with-body --data-binary @- <<'EOF'\n${JSON.stringify(retentionPolicy(names))}\nEOF`,
    // Indices created before the policy existed (Fluent Bit ships from its first minute) get it too,
    // and managed ones move to this version (a changed retentionDays reaches old indices).
    `os POST "${indices.replace('%s', 'add')}" --fail-with-body --data-binary @- <<'EOF'\n${JSON.stringify({ policy_id: RETENTION_POLICY_ID })}\nEOF`,
    `os POST "${indices.replace('%s', 'change_policy')}" --fail-with-body --data-binary @- <<'EOF'\n${JSON.stringify({ policy_id: RETENTION_POLICY_ID })}\nEOF`,
    '',
  ].join('\n');
}

export interface OpenSearchRetentionProps {
  readonly names: EnvironmentNames;
}

export class OpenSearchRetention extends Construct {
  constructor(scope: Construct, id: string, props: OpenSearchRetentionProps) {
    super(scope, id);
    const { names } = props;
    new PostSyncJob(this, 'job', {
      name: 'log-retention',
      namespace: PLATFORM_NAMESPACES.logging,
      container: 'retention',
      script: retentionScript(names),
      // Fluent Bit's identity: its Pod Identity association gives the job the role that may call the domain.
      serviceAccountName: FLUENT_BIT_SERVICE_ACCOUNT,
    });
  }
}
