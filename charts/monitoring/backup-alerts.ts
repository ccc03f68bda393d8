/**
 * Alerts that keep backups restorable: a scheduled backup that failed or partly failed, the last
 * good backup older than the schedule allows, and Velero not running. The age limit depends on the
 * environment's schedule, so charts/backup builds these groups per environment.
 */
import { AlertGroup, rule } from './alert-rules';

export interface BackupAlertProps {
  /** Name of the Velero Schedule (the `schedule` label of Velero's metrics). */
  readonly schedule: string;
  /**
   * Oldest the last successful backup may be, in seconds: the longest gap the cron expression leaves
   * between two runs, plus the time a backup may take.
   */
  readonly maxAgeSeconds: number;
}

export function backupAlertGroups(props: BackupAlertProps): AlertGroup[] {
  const sel = `schedule="${props.schedule}"`;
  const maxAge = props.maxAgeSeconds;
  const hours = Math.round((maxAge / 3600) * 10) / 10;
  return [{
    name: 'platform.backup',
    rules: [
      rule('BackupFailed', 'warning', '5m',
        `max by (schedule) (velero_backup_last_status{${sel}}) == 0`,
        'The last backup of schedule {{ $labels.schedule }} failed',
        '`velero backup describe --details` on the newest backup names the cause. The previous backups are still there; the next run retries.'),
      rule('BackupPartiallyFailed', 'warning', '5m',
        `sum by (schedule) (increase(velero_backup_partial_failure_total{${sel}}[1h])) > 0`,
        'A backup of schedule {{ $labels.schedule }} finished with errors',
        'Some objects or volume snapshots are missing from it; `velero backup logs` lists them.'),
      // Either the newest success is too old, or Velero has been up that long without one.
      rule('BackupTooOld', 'critical', '10m',
        `(time() - max(velero_backup_last_successful_timestamp{${sel}}) > ${maxAge})`
          + ` or ((min(time() - process_start_time_seconds{job="velero"}) > ${maxAge}) unless max(velero_backup_last_successful_timestamp{${sel}}))`,
        `No successful backup of ${props.schedule} in over ${hours} hours`,
        'The schedule should have produced one by now: a restore would lose everything since the last good backup. Check BackupFailed, the backup location (`velero backup-location get`) and the velero logs.'),
      rule('VeleroAbsent', 'critical', '15m',
        'absent(up{job="velero"} == 1)',
        'Velero is not running',
        'No backups are taken while it is down.'),
    ],
  }];
}
