import { describe, it, expect } from 'vitest';
import { applyDefaults } from '../../../src-main/engine/api/defaults/index.js';
import { validateCreate, validateUpdate } from '../../../src-main/engine/api/validation/index.js';
import type { KubeObject } from '../../../src-main/engine/api/types.js';

type Spec = Record<string, unknown>;
const template = (spec: Spec = {}, labels: Record<string, string> = { app: 'web' }) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'web', image: 'nginx:1' }], ...spec },
});
function make(apiVersion: string, kind: string, spec: Spec, name = 'web'): KubeObject {
  const obj: KubeObject = { apiVersion, kind, metadata: { name, namespace: 'default' }, spec };
  applyDefaults(obj);
  return obj;
}
const deploy = (spec: Spec) =>
  make('apps/v1', 'Deployment', { selector: { matchLabels: { app: 'web' } }, template: template(), ...spec });
const msgs = (obj: KubeObject, old?: KubeObject) =>
  (old ? validateUpdate(obj, old) : validateCreate(obj)).map((c) => `${c.field}: ${c.message}`);

describe('Deployment validation (pkg/apis/apps/validation)', () => {
  it('accepts a defaulted deployment', () => {
    expect(msgs(deploy({}))).toEqual([]);
  });

  it('requires a selector', () => {
    expect(msgs(deploy({ selector: undefined }))).toEqual(['spec.selector: Required value']);
  });

  it('rejects an empty selector', () => {
    expect(msgs(deploy({ selector: {} }))).toEqual([
      'spec.selector: Invalid value: {}: empty selector is invalid for deployment',
    ]);
  });

  it('requires the selector to match the template labels', () => {
    expect(msgs(deploy({ selector: { matchLabels: { app: 'api' } } }))).toEqual([
      'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    ]);
  });

  it('validates matchExpressions operators and values', () => {
    const sel = (e: Spec) => deploy({ selector: { matchLabels: { app: 'web' }, matchExpressions: [e] } });
    expect(msgs(sel({ key: 'tier', operator: 'In', values: [] }))).toContain(
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    );
    expect(msgs(sel({ key: 'tier', operator: 'Exists', values: ['x'] }))).toContain(
      "spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
    );
    expect(msgs(sel({ key: 'tier', operator: 'Near' }))).toContain(
      'spec.selector.matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator',
    );
    expect(msgs(sel({ key: 'tier', operator: 'DoesNotExist' }))).toEqual([]);
  });

  it('validates matchLabels as labels', () => {
    expect(msgs(deploy({ selector: { matchLabels: { app: 'we b' } } }))[0]).toMatch(
      /^spec.selector.matchLabels: Invalid value: "we b": a valid label/,
    );
  });

  it('requires non-negative replicas and revisionHistoryLimit', () => {
    expect(msgs(deploy({ replicas: -1 }))).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    ]);
    expect(msgs(deploy({ revisionHistoryLimit: -1 }))).toEqual([
      'spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('requires the template restartPolicy to be Always', () => {
    expect(msgs(deploy({ template: template({ restartPolicy: 'Never' }) }))).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });

  it('requires container images in templates', () => {
    expect(
      msgs(deploy({ template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web' }] } } })),
    ).toEqual(['spec.template.spec.containers[0].image: Required value']);
  });

  it('rejects maxUnavailable and maxSurge both 0, bad percentages and more than 100%', () => {
    const ru = (rollingUpdate: Spec) => deploy({ strategy: { type: 'RollingUpdate', rollingUpdate } });
    expect(msgs(ru({ maxUnavailable: 0, maxSurge: 0 }))).toEqual([
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
    ]);
    expect(msgs(ru({ maxUnavailable: '0%', maxSurge: '0%' }))).toEqual([
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0',
    ]);
    expect(msgs(ru({ maxUnavailable: 'half', maxSurge: 1 }))).toEqual([
      "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"half\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ]);
    expect(msgs(ru({ maxUnavailable: '150%', maxSurge: 1 }))).toEqual([
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
    ]);
    expect(msgs(ru({ maxUnavailable: -1, maxSurge: 1 }))).toEqual([
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('forbids rollingUpdate with the Recreate strategy and unknown strategy types', () => {
    expect(msgs(deploy({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }))).toEqual([
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ]);
    expect(msgs(deploy({ strategy: { type: 'BlueGreen' } }))).toEqual([
      'spec.strategy.type: Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"',
    ]);
  });

  it('requires progressDeadlineSeconds to exceed minReadySeconds', () => {
    expect(msgs(deploy({ minReadySeconds: 600 }))).toEqual([
      'spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds',
    ]);
  });

  it('keeps the selector immutable on update', () => {
    const old = deploy({});
    const next = deploy({
      selector: { matchLabels: { app: 'web', v: '2' } },
      template: template({}, { app: 'web', v: '2' }),
    });
    expect(msgs(next, old)).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable',
    ]);
    expect(msgs(deploy({ replicas: 5 }), old)).toEqual([]);
  });
});

describe('ReplicaSet, DaemonSet and StatefulSet validation (pkg/apis/apps/validation)', () => {
  const sel = { selector: { matchLabels: { app: 'web' } }, template: template() };

  it('accepts defaulted workloads', () => {
    expect(msgs(make('apps/v1', 'ReplicaSet', { ...sel }))).toEqual([]);
    expect(msgs(make('apps/v1', 'DaemonSet', { ...sel }))).toEqual([]);
    expect(msgs(make('apps/v1', 'StatefulSet', { ...sel, serviceName: 'web' }))).toEqual([]);
  });

  it('names the kind in the empty-selector message', () => {
    expect(msgs(make('apps/v1', 'DaemonSet', { ...sel, selector: {} }))).toEqual([
      'spec.selector: Invalid value: {}: empty selector is invalid for daemonset',
    ]);
    expect(msgs(make('apps/v1', 'StatefulSet', { ...sel, selector: {} }))).toEqual([
      'spec.selector: Invalid value: {}: empty selector is invalid for statefulset',
    ]);
  });

  it('requires ReplicaSet replicas to be non-negative and templates to restart Always', () => {
    expect(msgs(make('apps/v1', 'ReplicaSet', { ...sel, replicas: -2 }))).toEqual([
      'spec.replicas: Invalid value: -2: must be greater than or equal to 0',
    ]);
    expect(msgs(make('apps/v1', 'DaemonSet', { ...sel, template: template({ restartPolicy: 'OnFailure' }) }))).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    ]);
  });

  it('checks DaemonSet rolling update and StatefulSet policies', () => {
    expect(
      msgs(
        make('apps/v1', 'DaemonSet', {
          ...sel,
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } },
        }),
      ),
    ).toEqual([
      'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
    ]);
    expect(msgs(make('apps/v1', 'StatefulSet', { ...sel, podManagementPolicy: 'Random' }))).toEqual([
      'spec.podManagementPolicy: Unsupported value: "Random": supported values: "OrderedReady", "Parallel"',
    ]);
    expect(
      msgs(
        make('apps/v1', 'StatefulSet', {
          ...sel,
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: -1 } },
        }),
      ),
    ).toEqual(['spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0']);
  });

  it('keeps selectors immutable and forbids StatefulSet spec changes beyond the allowed fields', () => {
    const old = make('apps/v1', 'StatefulSet', { ...sel, serviceName: 'web' });
    expect(msgs(make('apps/v1', 'StatefulSet', { ...sel, serviceName: 'web', replicas: 3 }), old)).toEqual([]);
    expect(msgs(make('apps/v1', 'StatefulSet', { ...sel, serviceName: 'other' }), old)).toEqual([
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
    const rsOld = make('apps/v1', 'ReplicaSet', { ...sel });
    const rsNew = make('apps/v1', 'ReplicaSet', {
      selector: { matchLabels: { app: 'x' } },
      template: template({}, { app: 'x' }),
    });
    expect(msgs(rsNew, rsOld)).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"app":"x"}}: field is immutable',
    ]);
  });
});

describe('Job and CronJob validation (pkg/apis/batch/validation)', () => {
  const jobTemplate = (spec: Spec = {}) => template({ restartPolicy: 'Never', ...spec }, { job: 'x' });
  const job = (spec: Spec) => make('batch/v1', 'Job', { template: jobTemplate(), ...spec }, 'pi');
  const cron = (spec: Spec, name = 'nightly') =>
    make(
      'batch/v1',
      'CronJob',
      { schedule: '0 3 * * *', jobTemplate: { spec: { template: jobTemplate() } }, ...spec },
      name,
    );

  it('accepts a defaulted job without a selector (the apiserver generates it)', () => {
    expect(msgs(job({}))).toEqual([]);
  });

  it('requires non-negative counts and a positive activeDeadlineSeconds', () => {
    expect(
      msgs(
        job({
          completions: -1,
          parallelism: -1,
          backoffLimit: -1,
          ttlSecondsAfterFinished: -1,
          activeDeadlineSeconds: 0,
        }),
      ),
    ).toEqual([
      'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
      'spec.completions: Invalid value: -1: must be greater than or equal to 0',
      'spec.activeDeadlineSeconds: Invalid value: 0: must be greater than zero',
      'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
      'spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('checks completionMode and requires completions for Indexed jobs', () => {
    expect(msgs(job({ completionMode: 'Sometimes' }))).toEqual([
      'spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"',
    ]);
    expect(msgs(job({ completionMode: 'Indexed', parallelism: 2 }))).toEqual([
      'spec.completions: Required value: when completion mode is Indexed',
    ]);
  });

  it('requires the template restartPolicy to be OnFailure or Never', () => {
    expect(msgs(job({ template: jobTemplate({ restartPolicy: 'Always' }) }))).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ]);
    expect(msgs(job({ template: template({}, { job: 'x' }) }))).toEqual([
      'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]);
  });

  it('checks a given selector against the template labels', () => {
    expect(msgs(job({ selector: { matchLabels: { job: 'y' } }, manualSelector: true }))).toEqual([
      'spec.template.metadata.labels: Invalid value: {"job":"x"}: `selector` does not match template `labels`',
    ]);
  });

  it('keeps the template and completions immutable on update', () => {
    const old = job({});
    expect(msgs(job({ completions: 3 }), old)).toEqual(['spec.completions: Invalid value: 3: field is immutable']);
    const changed = job({ template: jobTemplate({ activeDeadlineSeconds: 10 }) });
    expect(msgs(changed, old)[0]).toMatch(/^spec.template: Invalid value: .*: field is immutable$/);
  });

  it('accepts a defaulted cronjob and validates its job template', () => {
    expect(msgs(cron({}))).toEqual([]);
    expect(msgs(cron({ jobTemplate: { spec: { template: template({ restartPolicy: 'Always' }) } } }))).toEqual([
      'spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ]);
  });

  it('requires a valid schedule and reports the parser error', () => {
    expect(msgs(cron({ schedule: '' }))).toEqual(['spec.schedule: Required value']);
    expect(msgs(cron({ schedule: '61 * * * *' }))).toEqual([
      'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
    ]);
    expect(msgs(cron({ schedule: '@every 1h' }))).toEqual([]);
    expect(msgs(cron({ schedule: '@every soon' }))).toEqual([
      'spec.schedule: Invalid value: "@every soon": failed to parse duration @every soon: time: invalid duration "soon"',
    ]);
  });

  it('forbids TZ in the schedule in favour of timeZone', () => {
    expect(msgs(cron({ schedule: 'TZ=UTC 0 3 * * *' }))).toEqual([
      'spec.schedule: Invalid value: "TZ=UTC 0 3 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    ]);
  });

  it('requires timeZone to be a known IANA zone', () => {
    expect(msgs(cron({ timeZone: 'Europe/Paris' }))).toEqual([]);
    expect(msgs(cron({ timeZone: 'Mars/Olympus' }))).toEqual([
      'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
    ]);
    expect(msgs(cron({ timeZone: 'Local' }))).toEqual([
      'spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
    ]);
  });

  it('checks concurrencyPolicy, deadlines and history limits', () => {
    expect(
      msgs(
        cron({
          concurrencyPolicy: 'Sometimes',
          startingDeadlineSeconds: -1,
          successfulJobsHistoryLimit: -1,
          failedJobsHistoryLimit: -1,
        }),
      ),
    ).toEqual([
      'spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0',
      'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
      'spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
      'spec.failedJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('limits cronjob names to 52 characters', () => {
    const name = 'a'.repeat(53);
    expect(msgs(cron({}, name))).toEqual([
      `metadata.name: Invalid value: "${name}": must be no more than 52 characters`,
    ]);
  });
});
