/**
 * Backups that restore: Velero with its storage location, the EBS snapshot class and the
 * environment's schedule, and the alerts that fire when a backup fails or the last good one is
 * older than the schedule allows. The restore runbook is in the README (Restore from a backup).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { cronMaxGapMinutes, PLATFORM_NAMESPACES } from '../../config';
import { PlatformChart, PlatformChartProps, SYNC_WAVE } from '../lib/platform-chart';
import { LABELS } from '../lib/labels';
import { backupAlertGroups } from '../monitoring/backup-alerts';
import { BACKUP_SCHEDULE, veleroRelease, VeleroBackups } from './velero';

export * from './velero';

/** Time a backup may take after its scheduled start before it counts as late. */
export const BACKUP_GRACE_SECONDS = 3600;

/** The oldest the last successful backup may be: the schedule's longest gap plus the grace. */
export function backupMaxAgeSeconds(schedule: string): number {
  const gap = cronMaxGapMinutes(schedule);
  if (gap === undefined) throw new Error(`backup schedule "${schedule}" never runs`);
  return gap * 60 + BACKUP_GRACE_SECONDS;
}

export class BackupChart extends PlatformChart {
  readonly wave = SYNC_WAVE.platformResources;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, props);
    const { names } = this;
    this.addRelease(veleroRelease());
    new VeleroBackups(this, 'velero', { names });

    new ApiObject(this, 'backup-alerts', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'backup-alerts', namespace: PLATFORM_NAMESPACES.monitoring, labels: { [LABELS.partOf]: 'k8s-platform' } },
      spec: { groups: backupAlertGroups({ schedule: BACKUP_SCHEDULE, maxAgeSeconds: backupMaxAgeSeconds(names.environment.backup.schedule) }) },
    });
  }
}
