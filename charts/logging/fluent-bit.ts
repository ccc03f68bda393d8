/**
 * Fluent Bit as a DaemonSet on every node: tails every container's log (and the kubelet's journal),
 * adds Kubernetes metadata, buffers on the node's disk, and ships to the log store. Apps need no
 * configuration: whatever a container writes to stdout/stderr is collected.
 */
import { EnvironmentNames, HELM_CHARTS, PLATFORM_NAMESPACES } from '../../config';
import { HelmRelease, SYNC_WAVE } from '../lib/platform-chart';

/** Fluent Bit's service account; infra binds the OpenSearch write role to it (config/names.ts). */
export const FLUENT_BIT_SERVICE_ACCOUNT = 'fluent-bit';
/** Node folder for Fluent Bit's read positions and its filesystem buffer: survives pod restarts. */
const STATE_DIR = '/var/lib/fluent-bit';

/** Where the logs go: one [OUTPUT] section plus what the pod needs to reach it. */
export interface LogOutput {
  /** The [OUTPUT] section's keys, in order. */
  readonly settings: Array<[string, string | number]>;
  readonly env?: Array<Record<string, unknown>>;
  readonly volumes?: Array<Record<string, unknown>>;
  readonly volumeMounts?: Array<Record<string, unknown>>;
}

/** Render one classic-mode section: `[NAME]` then indented `Key Value` lines. */
export function fluentBitSection(name: string, settings: Array<[string, string | number]>): string {
  const width = Math.max(...settings.map(([k]) => k.length)) + 1;
  return `[${name}]\n${settings.map(([k, v]) => `    ${k.padEnd(width)}${v}`).join('\n')}\n`;
}

export interface FluentBitProps {
  readonly names: EnvironmentNames;
  readonly output: LogOutput;
  /**
   * Most disk a node may hold of logs not yet shipped; beyond it the oldest chunks are dropped
   * (and FluentBitDroppingLogs fires).
   * @default 5G
   */
  readonly bufferLimit?: string;
}

export function fluentBitRelease(props: FluentBitProps): HelmRelease {
  const { names, output } = props;
  const service = fluentBitSection('SERVICE', [
    ['Daemon', 'Off'],
    ['Flush', 1],
    ['Log_Level', 'info'],
    ['Parsers_File', '/fluent-bit/etc/parsers.conf'],
    ['HTTP_Server', 'On'],
    ['HTTP_Listen', '0.0.0.0'],
    ['HTTP_Port', 2020],
    ['Health_Check', 'On'],
    // Chunks go to the node's disk first, so a log store outage or a restart loses nothing.
    ['storage.path', `${STATE_DIR}/buffer`],
    ['storage.sync', 'normal'],
    ['storage.backlog.mem_limit', '16M'],
    ['storage.metrics', 'On'],
  ]);
  const inputs = [
    fluentBitSection('INPUT', [
      ['Name', 'tail'],
      ['Tag', 'kube.*'],
      ['Path', '/var/log/containers/*.log'],
      // EKS nodes run containerd, which writes the CRI log format.
      ['multiline.parser', 'cri'],
      ['DB', `${STATE_DIR}/tail.db`],
      ['DB.locking', 'true'],
      ['Mem_Buf_Limit', '50MB'],
      ['Skip_Long_Lines', 'On'],
      ['Refresh_Interval', 10],
      ['storage.type', 'filesystem'],
    ]),
    fluentBitSection('INPUT', [
      ['Name', 'systemd'],
      ['Tag', 'host.*'],
      ['Systemd_Filter', '_SYSTEMD_UNIT=kubelet.service'],
      ['DB', `${STATE_DIR}/journal.db`],
      ['Read_From_Tail', 'On'],
      ['storage.type', 'filesystem'],
    ]),
  ].join('\n');
  const filters = [
    fluentBitSection('FILTER', [
      ['Name', 'kubernetes'],
      ['Match', 'kube.*'],
      // JSON logs become fields; an app can pick a parser or opt out with pod annotations.
      ['Merge_Log', 'On'],
      ['Keep_Log', 'Off'],
      ['K8S-Logging.Parser', 'On'],
      ['K8S-Logging.Exclude', 'On'],
      ['Labels', 'On'],
      ['Annotations', 'Off'],
      ['Buffer_Size', '256k'],
    ]),
    fluentBitSection('FILTER', [
      ['Name', 'modify'],
      ['Match', '*'],
      // Set, not Add (which keeps a key already there): Merge_Log lifts an app's JSON fields to the
      // top of the record, so a team logging {"environment": "prod"} from dev would pass for prod.
      ['Set', `cluster ${names.clusterName}`],
      ['Set', `environment ${names.env}`],
    ]),
  ].join('\n');
  const outputs = fluentBitSection('OUTPUT', [
    ['Match', '*'],
    ...output.settings,
    ['Retry_Limit', 30],
    ['storage.total_limit_size', props.bufferLimit ?? '5G'],
  ]);

  return {
    name: 'fluent-bit',
    namespace: PLATFORM_NAMESPACES.logging,
    chart: HELM_CHARTS.fluentBit,
    wave: SYNC_WAVE.controllers,
    podSecurity: 'privileged', // reads the node's /var/log and keeps its state on the node
    values: {
      kind: 'DaemonSet',
      serviceAccount: { create: true, name: FLUENT_BIT_SERVICE_ACCOUNT },
      rbac: { create: true },
      // Every node, whatever its taints: a node without the agent is a node whose logs are lost.
      tolerations: [{ operator: 'Exists' }],
      priorityClassName: 'system-node-critical',
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      serviceMonitor: { enabled: true },
      env: output.env ?? [],
      extraVolumes: output.volumes ?? [],
      extraVolumeMounts: output.volumeMounts ?? [],
      daemonSetVolumes: [
        { name: 'varlog', hostPath: { path: '/var/log' } },
        { name: 'state', hostPath: { path: STATE_DIR, type: 'DirectoryOrCreate' } },
        { name: 'etcmachineid', hostPath: { path: '/etc/machine-id', type: 'File' } },
      ],
      daemonSetVolumeMounts: [
        { name: 'varlog', mountPath: '/var/log', readOnly: true },
        { name: 'state', mountPath: STATE_DIR },
        { name: 'etcmachineid', mountPath: '/etc/machine-id', readOnly: true },
      ],
      config: { service, inputs, filters, outputs, customParsers: '' },
    },
  };
}
