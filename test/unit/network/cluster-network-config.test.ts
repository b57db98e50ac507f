// The main-process side of the cluster network: netd's config from Services/Endpoints/Pods, the
// kubelet-style Service env vars and pod DNS settings, and the subnet layout.
import { describe, expect, it } from 'vitest';
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1';
import { buildNetdConfig } from '../../../src-main/engine/network/netd-config.js';
import { serviceEnvVars, servicesForPod } from '../../../src-main/engine/network/service-env.js';
import { podDnsConfig } from '../../../src-main/engine/network/pod-dns.js';
import { defaultSubnetCandidates, layoutFor } from '../../../src-main/engine/network/subnet.js';
import { parseServeArgs } from '../../../src-main/server/serve-args.js';

const svc = (name: string, spec: Service['spec'], ns = 'default'): Service => ({
  metadata: { name, namespace: ns },
  spec,
});

const eps = (name: string, subsets: Endpoints['subsets'], ns = 'default'): Endpoints => ({
  metadata: { name, namespace: ns },
  subsets,
});

describe('netd config', () => {
  it('a ClusterIP Service gets an A record for its FQDN and a proxy entry with only the ready addresses on the target port', () => {
    const config = buildNetdConfig(
      {
        services: [svc('web', { clusterIP: '10.96.0.12', ports: [{ port: 80, targetPort: 9376 }] })],
        endpoints: [
          eps('web', [
            {
              addresses: [{ ip: '10.250.8.3' }, { ip: '10.250.8.4' }],
              notReadyAddresses: [{ ip: '10.250.8.5' }],
              ports: [{ port: 9376, protocol: 'TCP' }],
            },
          ]),
        ],
        pod: () => undefined,
      },
      '10.96.0.0/12',
    );
    expect(config.records.a).toEqual({ 'web.default.svc.cluster.local': ['10.96.0.12'] });
    expect(config.services).toEqual([
      {
        name: 'default/web:80',
        ip: '10.96.0.12',
        port: 80,
        protocol: 'TCP',
        affinityTimeoutSeconds: 0,
        backends: [
          { ip: '10.250.8.3', port: 9376 },
          { ip: '10.250.8.4', port: 9376 },
        ],
      },
    ]);
  });

  it('multi-port Services match endpoint ports by name (named targetPorts resolve per pod)', () => {
    const config = buildNetdConfig(
      {
        services: [
          svc('app', {
            clusterIP: '10.96.0.20',
            ports: [
              { name: 'http', port: 80, targetPort: 'web' },
              { name: 'metrics', port: 9090, targetPort: 9090 },
            ],
          }),
        ],
        endpoints: [
          eps('app', [
            {
              addresses: [{ ip: '10.250.8.3' }],
              ports: [
                { name: 'http', port: 8080 },
                { name: 'metrics', port: 9090 },
              ],
            },
            { addresses: [{ ip: '10.250.8.4' }], ports: [{ name: 'http', port: 8081 }] },
          ]),
        ],
        pod: () => undefined,
      },
      '10.96.0.0/12',
    );
    expect(config.services.map((s) => [s.port, s.backends])).toEqual([
      [
        80,
        [
          { ip: '10.250.8.3', port: 8080 },
          { ip: '10.250.8.4', port: 8081 },
        ],
      ],
      [9090, [{ ip: '10.250.8.3', port: 9090 }]],
    ]);
  });

  it('sessionAffinity ClientIP carries its timeout, defaulting to three hours', () => {
    const config = buildNetdConfig(
      {
        services: [
          svc('a', { clusterIP: '10.96.0.30', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] }),
          svc('b', {
            clusterIP: '10.96.0.31',
            sessionAffinity: 'ClientIP',
            sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } },
            ports: [{ port: 80 }],
          }),
        ],
        endpoints: [],
        pod: () => undefined,
      },
      '10.96.0.0/12',
    );
    expect(config.services.map((s) => s.affinityTimeoutSeconds)).toEqual([10800, 60]);
  });

  it('a headless Service resolves to its ready pod IPs, StatefulSet pods by hostname, and gets no proxy', () => {
    const pods: Pod[] = [
      { metadata: { name: 'db-0', namespace: 'data' }, spec: { containers: [], hostname: 'db-0', subdomain: 'db' } },
    ];
    const config = buildNetdConfig(
      {
        services: [
          svc('db', { clusterIP: 'None', ports: [{ port: 5432 }] }, 'data'),
          svc('none-ready', { clusterIP: 'None' }, 'data'),
        ],
        endpoints: [
          eps(
            'db',
            [
              {
                addresses: [
                  { ip: '10.250.8.7', targetRef: { kind: 'Pod', name: 'db-0', namespace: 'data' } },
                  { ip: '10.250.8.8', hostname: 'db-1' },
                ],
                notReadyAddresses: [{ ip: '10.250.8.9', hostname: 'db-2' }],
              },
            ],
            'data',
          ),
        ],
        pod: (ns, name) => pods.find((p) => p.metadata!.namespace === ns && p.metadata!.name === name),
      },
      '10.96.0.0/12',
    );
    expect(config.records.a).toEqual({
      'db.data.svc.cluster.local': ['10.250.8.7', '10.250.8.8'],
      'db-0.db.data.svc.cluster.local': ['10.250.8.7'],
      'db-1.db.data.svc.cluster.local': ['10.250.8.8'],
      'none-ready.data.svc.cluster.local': [],
    });
    expect(config.services).toEqual([]);
  });

  it('an ExternalName Service becomes a CNAME without a trailing dot', () => {
    const config = buildNetdConfig(
      {
        services: [svc('ext', { type: 'ExternalName', externalName: 'Example.ORG.' })],
        endpoints: [],
        pod: () => undefined,
      },
      '10.96.0.0/12',
    );
    expect(config.records.cname).toEqual({ 'ext.default.svc.cluster.local': 'example.org' });
    expect(config.records.a).toEqual({});
  });
});

describe('Service environment variables', () => {
  const web = svc('my-web', {
    clusterIP: '10.96.0.12',
    ports: [
      { name: 'http', port: 80, protocol: 'TCP' },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ],
  });

  it('a Service gives the _SERVICE_HOST/_PORT and Docker-link variables, named like the kubelet names them', () => {
    expect(serviceEnvVars([web])).toEqual([
      { name: 'MY_WEB_SERVICE_HOST', value: '10.96.0.12' },
      { name: 'MY_WEB_SERVICE_PORT', value: '80' },
      { name: 'MY_WEB_SERVICE_PORT_HTTP', value: '80' },
      { name: 'MY_WEB_SERVICE_PORT_DNS', value: '53' },
      { name: 'MY_WEB_PORT', value: 'tcp://10.96.0.12:80' },
      { name: 'MY_WEB_PORT_80_TCP', value: 'tcp://10.96.0.12:80' },
      { name: 'MY_WEB_PORT_80_TCP_PROTO', value: 'tcp' },
      { name: 'MY_WEB_PORT_80_TCP_PORT', value: '80' },
      { name: 'MY_WEB_PORT_80_TCP_ADDR', value: '10.96.0.12' },
      { name: 'MY_WEB_PORT_53_UDP', value: 'udp://10.96.0.12:53' },
      { name: 'MY_WEB_PORT_53_UDP_PROTO', value: 'udp' },
      { name: 'MY_WEB_PORT_53_UDP_PORT', value: '53' },
      { name: 'MY_WEB_PORT_53_UDP_ADDR', value: '10.96.0.12' },
    ]);
  });

  it('headless and ExternalName Services give none', () => {
    expect(
      serviceEnvVars([
        svc('h', { clusterIP: 'None', ports: [{ port: 80 }] }),
        svc('e', { type: 'ExternalName', externalName: 'x.org' }),
      ]),
    ).toEqual([]);
  });

  it('a pod sees its namespace’s Services, and only default/kubernetes with enableServiceLinks: false', () => {
    const all = [
      web,
      svc('other', { clusterIP: '10.96.0.13', ports: [{ port: 1 }] }, 'team'),
      svc('kubernetes', { clusterIP: '10.96.0.1', ports: [{ port: 443 }] }),
    ];
    const pod = (ns: string, links?: boolean): Pod => ({
      metadata: { name: 'p', namespace: ns },
      spec: { containers: [], ...(links === undefined ? {} : { enableServiceLinks: links }) },
    });
    expect(servicesForPod(pod('default'), all).map((s) => s.metadata!.name)).toEqual(['my-web', 'kubernetes']);
    expect(servicesForPod(pod('team'), all).map((s) => s.metadata!.name)).toEqual(['other', 'kubernetes']);
    expect(servicesForPod(pod('team', false), all).map((s) => s.metadata!.name)).toEqual(['kubernetes']);
  });
});

describe('pod DNS settings', () => {
  const pod = (spec: Partial<Pod['spec']> = {}, ns = 'shop'): Pod => ({
    metadata: { name: 'p', namespace: ns },
    spec: { containers: [], ...spec },
  });

  it('ClusterFirst points at the cluster DNS with the namespace search path and ndots:5', () => {
    expect(podDnsConfig(pod(), '10.250.0.2')).toEqual({
      servers: ['10.250.0.2'],
      search: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      options: ['ndots:5'],
    });
  });

  it('dnsConfig is appended, options replacing ones of the same name; Default and no cluster DNS leave the resolver alone', () => {
    expect(
      podDnsConfig(
        pod({
          dnsConfig: {
            nameservers: ['1.1.1.1'],
            searches: ['corp.example'],
            options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
          },
        }),
        '10.250.0.2',
      ),
    ).toEqual({
      servers: ['10.250.0.2', '1.1.1.1'],
      search: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'],
      options: ['ndots:2', 'edns0'],
    });
    expect(podDnsConfig(pod({ dnsPolicy: 'Default' }), '10.250.0.2')).toEqual({});
    expect(podDnsConfig(pod(), undefined)).toEqual({});
    expect(podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['9.9.9.9'] } }), '10.250.0.2')).toEqual({
      servers: ['9.9.9.9'],
    });
  });
});

describe('cluster network subnet', () => {
  it('a subnet is split: gateway .1, netd .2, on-link Service IPs in the second quarter, pods in the upper half', () => {
    expect(layoutFor('10.250.0.0/20')).toEqual({
      subnet: '10.250.0.0/20',
      gateway: '10.250.0.1',
      netdIP: '10.250.0.2',
      podRange: '10.250.8.0/21',
      serviceCIDR: '10.250.4.0/22',
    });
    expect(layoutFor('192.168.7.0/24')).toMatchObject({ serviceCIDR: '192.168.7.64/26', podRange: '192.168.7.128/25' });
    // A subnet in 10.96.0.0/12 is fine now: Service IPs come from the subnet itself.
    expect(layoutFor('10.100.0.0/16')).toMatchObject({ serviceCIDR: '10.100.64.0/18', podRange: '10.100.128.0/17' });
  });

  it('a subnet that is malformed or too small is refused with a reason', () => {
    expect(layoutFor('10.250.0.0')).toMatch(/not an IPv4 CIDR/);
    expect(layoutFor('10.250.0.0/29')).toMatch(/prefix length/);
  });

  it('the default candidates are /20s in 10.250–254', () => {
    const candidates = defaultSubnetCandidates();
    expect(candidates[0]).toBe('10.250.0.0/20');
    expect(candidates).toHaveLength(80);
    for (const c of candidates) expect(typeof layoutFor(c)).toBe('object');
  });
});

describe('serve flags for the cluster network', () => {
  it('--network-image and --network-subnet reach the run command; a bad subnet is a usage error naming the flag', () => {
    expect(parseServeArgs(['--network-image', 'my/netd:1', '--network-subnet', '10.251.0.0/20'])).toMatchObject({
      kind: 'run',
      networkImage: 'my/netd:1',
      networkSubnet: '10.251.0.0/20',
    });
    const bad = parseServeArgs(['--network-subnet', '10.250.0.0/29']);
    expect(bad).toEqual({
      kind: 'usage-error',
      message:
        "--network-subnet: network subnet 10.250.0.0/29 must have a prefix length from /8 to /26 (room for pods and KubeDesk's own addresses)",
    });
  });
});
