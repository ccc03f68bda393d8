/**
 * Backups: Velero writes to the bucket infra creates, as the identity infra binds, snapshots every
 * volume the platform's storage classes provision, runs on the configured schedule and retention,
 * and its alerts fire when a backup fails or is older than that schedule allows (promtool).
 */
import { cronMaxGapMinutes, HELM_CHARTS, IMAGES } from '../config';
import { BACKUP_GRACE_SECONDS, BACKUP_LOCATION, BACKUP_SCHEDULE, backupMaxAgeSeconds } from '../charts/backup';
import { backupAlertGroups } from '../charts/monitoring/backup-alerts';
import { BACKUP_ALERT_CASES, DAILY_MAX_AGE_SECONDS } from './fixtures/capacity-alert-cases';
import { fixtureEnvironments, objectsOf } from './harness/fixtures';
import { havePromtool, promtoolTestRules } from './harness/promtool';
import { helmSources } from './harness/helm-sources';

describe.each(fixtureEnvironments())('backups in $label', (fx) => {
  const { names } = fx;
  const objects = objectsOf(fx);
  const of = (kind: string) => objects.filter((o) => o.obj.kind === kind).map((o) => o.obj);
  const velero = helmSources(objects).find((h) => h.source.chart === HELM_CHARTS.velero.chart)!;
  const values = velero.source.helm.valuesObject;

  it('runs the pinned Velero as the service account infra binds to the backup role', () => {
    expect(velero.source.targetRevision).toBe(HELM_CHARTS.velero.version);
    const identity = names.workloadIdentity('velero');
    expect([velero.namespace, values.serviceAccount.server.name]).toEqual([identity.namespace, identity.serviceAccount]);
    expect(values.credentials.useSecret).toBe(false);
    expect(values.initContainers.map((c: any) => c.image)).toEqual([IMAGES.veleroPluginForAws]);
    expect(values.configuration.features).toContain('EnableCSI');
  });

  it('stores backups in the environment bucket as the one default location', () => {
    const locations = of('BackupStorageLocation');
    expect(locations).toHaveLength(1);
    expect(locations[0].metadata).toMatchObject({ name: BACKUP_LOCATION, namespace: velero.namespace });
    expect(locations[0].spec).toMatchObject({ provider: 'aws', default: true, objectStorage: { bucket: names.backupBucket }, config: { region: names.platform.aws.region } });
    expect(values.configuration.defaultBackupStorageLocation).toBe(BACKUP_LOCATION);
  });

  it('has a Velero snapshot class for the driver of every StorageClass the platform provisions with', () => {
    const classes = of('VolumeSnapshotClass').filter((c) => c.metadata.labels?.['velero.io/csi-volumesnapshot-class'] === 'true');
    const drivers = of('StorageClass').map((s) => s.provisioner);
    expect(drivers.length).toBeGreaterThan(0);
    for (const driver of drivers) expect(classes.filter((c) => c.driver === driver)).toHaveLength(1);
    // Retain: deleting a namespace (or restoring it elsewhere) must not delete the EBS snapshots with it.
    for (const c of classes) expect(c.deletionPolicy).toBe('Retain');
  });

  it('backs up every namespace and its volumes on the configured schedule and retention', () => {
    const schedules = of('Schedule');
    expect(schedules.map((s) => s.metadata.name)).toEqual([BACKUP_SCHEDULE]);
    expect(schedules[0].spec.schedule).toBe(names.environment.backup.schedule);
    expect(schedules[0].spec.template).toMatchObject({
      includedNamespaces: ['*'], snapshotVolumes: true, storageLocation: BACKUP_LOCATION, ttl: names.environment.backup.ttl,
    });
  });

  it('alerts when the last good backup is older than the schedule\'s longest gap plus the grace', () => {
    const rule = of('PrometheusRule').find((r) => r.metadata.name === 'backup-alerts');
    const tooOld = rule.spec.groups.flatMap((g: any) => g.rules).find((r: any) => r.alert === 'BackupTooOld');
    const maxAge = cronMaxGapMinutes(names.environment.backup.schedule)! * 60 + BACKUP_GRACE_SECONDS;
    expect(tooOld.expr).toContain(`> ${maxAge}`);
    expect(tooOld.expr).toContain(`schedule="${BACKUP_SCHEDULE}"`);
  });
});

describe('backup age limit', () => {
  it('allows a daily schedule 25 hours and a six-hourly one 7 hours', () => {
    expect(backupMaxAgeSeconds('0 3 * * *')).toBe(DAILY_MAX_AGE_SECONDS);
    expect(backupMaxAgeSeconds('0 */6 * * *')).toBe(7 * 3600);
  });
});

(havePromtool ? describe : describe.skip)('backup alerts (promtool)', () => {
  const groups = backupAlertGroups({ schedule: BACKUP_SCHEDULE, maxAgeSeconds: DAILY_MAX_AGE_SECONDS });

  it('has a firing and a healthy case for every backup alert', () => {
    expect([...new Set(BACKUP_ALERT_CASES.map((c) => c.alert))].sort()).toEqual(groups.flatMap((g) => g.rules.map((r) => r.alert)).sort());
  });

  it('fires each alert on its series and stays silent on healthy ones', () => {
    expect(promtoolTestRules(groups, BACKUP_ALERT_CASES)).toContain('SUCCESS');
  });
});
