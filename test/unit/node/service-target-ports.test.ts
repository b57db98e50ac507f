import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../../src-main/engine/api/types.js';
import { serviceTargetPorts } from '../../../src-main/engine/node/service-target-ports.js';
import { sandboxPorts } from '../../../src-main/engine/node/sandbox.js';

const svc = (name: string, selector: Record<string, string> | undefined, ports: object[], type = 'ClusterIP') =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type, selector, ports } }) as unknown as KubeObject;

const pod: Pod = {
  metadata: { name: 'web-1', labels: { app: 'web', tier: 'front' } },
  spec: { containers: [{ name: 'main', image: 'app:1', ports: [{ name: 'http', containerPort: 8080 }] }] },
};

describe('Service target ports a sandbox publishes', () => {
  it('takes the numeric TCP target ports of the Services whose selector matches the pod', () => {
    const services = [
      svc('seed', { app: 'web' }, [{ port: 80, targetPort: 9376, protocol: 'TCP' }]),
      svc('named', { app: 'web' }, [{ port: 81, targetPort: 'http', protocol: 'TCP' }]),
      svc('udp', { app: 'web' }, [{ port: 53, targetPort: 5353, protocol: 'UDP' }]),
      svc('other', { app: 'db' }, [{ port: 5432, targetPort: 5432 }]),
      svc('external', undefined, [{ port: 443, targetPort: 443 }]),
      svc('both', { app: 'web', tier: 'front' }, [{ port: 90, targetPort: '9090' }]),
    ];
    expect(serviceTargetPorts(services, pod)).toEqual([9090, 9376]);
  });

  it('publishes them next to the declared ports, once each', () => {
    const ports = sandboxPorts(pod, [9376, 8080]);
    expect(ports.map((p) => `${p.containerPort}/${p.protocol}`)).toEqual(['8080/TCP', '9376/TCP']);
  });
});
