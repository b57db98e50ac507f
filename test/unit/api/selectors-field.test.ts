import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src-main/engine/api/errors.js';
import { parseFieldSelector, selectableFields } from '../../../src-main/engine/api/selectors/index.js';

function rejection(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StatusError);
    return err as StatusError;
  }
  throw new Error('expected the selector to be rejected');
}

const pod = (name: string, phase: string, nodeName?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName, restartPolicy: 'Always', containers: [] },
  status: { phase, podIPs: [{ ip: '10.0.0.5' }] },
});

describe('field selectors (fields.ParseSelector)', () => {
  it('= and == select equal values, != the others', () => {
    const sel = parseFieldSelector('metadata.name=web,status.phase!=Running', 'Pod');
    expect(sel.matches(pod('web', 'Pending'))).toBe(true);
    expect(sel.matches(pod('web', 'Running'))).toBe(false);
    expect(sel.matches(pod('db', 'Pending'))).toBe(false);
    expect(parseFieldSelector('metadata.namespace==default', 'v1/Pod').matches(pod('x', 'Running'))).toBe(true);
  });

  it('a missing field compares as the empty string, so spec.nodeName= selects unscheduled pods', () => {
    const unscheduled = parseFieldSelector('spec.nodeName=', 'Pod');
    expect(unscheduled.matches(pod('a', 'Pending'))).toBe(true);
    expect(unscheduled.matches(pod('a', 'Pending', 'node-1'))).toBe(false);
  });

  it('booleans and counts compare as Kubernetes prints them', () => {
    expect(parseFieldSelector('spec.hostNetwork=false', 'Pod').matches(pod('a', 'Running'))).toBe(true);
    expect(parseFieldSelector('spec.unschedulable=true', 'Node').matches({ spec: { unschedulable: true } })).toBe(true);
    expect(parseFieldSelector('spec.unschedulable=false', 'Node').matches({ spec: {} })).toBe(true);
    expect(parseFieldSelector('status.successful=1', 'batch/v1/Job').matches({ status: { succeeded: 1 } })).toBe(true);
    expect(parseFieldSelector('status.replicas=0', 'apps/v1/ReplicaSet').matches({ status: {} })).toBe(true);
  });

  it('status.podIP falls back to the first of status.podIPs', () => {
    expect(parseFieldSelector('status.podIP=10.0.0.5', 'Pod').matches(pod('a', 'Running'))).toBe(true);
  });

  it('Event fields include involvedObject.*, reason, type and source (the source component)', () => {
    const event = {
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1' },
      reason: 'Scheduled',
      type: 'Normal',
      source: { component: 'default-scheduler' },
    };
    const sel = parseFieldSelector(
      'involvedObject.kind=Pod,involvedObject.name=web,reason=Scheduled,source=default-scheduler,type=Normal',
      'Event',
    );
    expect(sel.matches(event)).toBe(true);
  });

  it('escaped \\, \\= and \\\\ in values are unescaped and printed back escaped', () => {
    const sel = parseFieldSelector('metadata.name=a\\,b\\=c\\\\d', 'Secret');
    expect(sel.matches({ metadata: { name: 'a,b=c\\d' } })).toBe(true);
    expect(sel.toString()).toBe('metadata.name=a\\,b\\=c\\\\d');
    expect(parseFieldSelector(sel.toString(), 'Secret').matches({ metadata: { name: 'a,b=c\\d' } })).toBe(true);
  });

  it('an unsupported field is rejected with "field label not supported"', () => {
    const err = rejection(() => parseFieldSelector('foo.bar=1', 'Pod'));
    expect(err.code).toBe(400);
    expect(err.reason).toBe('BadRequest');
    expect(err.message).toBe('field label not supported: foo.bar');
    expect(rejection(() => parseFieldSelector('status.phase=Running', 'ConfigMap')).message).toBe(
      'field label not supported: status.phase',
    );
  });

  it('every kind selects by metadata.name and metadata.namespace; Secret also by type', () => {
    expect(selectableFields('example.com/v1/Widget')).toEqual(['metadata.name', 'metadata.namespace']);
    expect(parseFieldSelector('type=kubernetes.io/tls', 'Secret').matches({ type: 'kubernetes.io/tls' })).toBe(true);
  });

  it('malformed selectors are rejected saying what could not be understood', () => {
    expect(rejection(() => parseFieldSelector('metadata.name', 'Pod')).message).toBe(
      "invalid selector: 'metadata.name'; can't understand 'metadata.name'",
    );
    expect(rejection(() => parseFieldSelector('metadata.name=a=b', 'Pod')).message).toMatch(/unescaped "="/);
    expect(rejection(() => parseFieldSelector('metadata.name=a\\b', 'Pod')).message).toMatch(/invalid escape sequence/);
  });

  it('the empty selector matches everything; exact terms are extractable for index lookups', () => {
    expect(parseFieldSelector('', 'Pod').empty).toBe(true);
    expect(parseFieldSelector('', 'Pod').matches(pod('a', 'b'))).toBe(true);
    const sel = parseFieldSelector('spec.nodeName=n1,status.phase!=Failed,metadata.name==web', 'Pod');
    expect(sel.requiredEquals()).toEqual(
      new Map([
        ['spec.nodeName', 'n1'],
        ['metadata.name', 'web'],
      ]),
    );
  });
});
