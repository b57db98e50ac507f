import { parseArgs } from 'node:util';
import { defaultDataDir } from './data-dir.js';
import { layoutFor } from '../engine/network/subnet.js';

export const SERVE_USAGE = `Usage: npm run serve -- [options]

Runs the KubeDesk engine and its Kubernetes API without the desktop app.

Options:
  --data-dir DIR        where the cluster's store lives (default: ${defaultDataDir()})
  --api-port N          HTTPS Kubernetes API port (default 6443 if free, else the next free port; 0 = any)
  --ui-port N           web UI port (default: any free port)
  --ingress-port N      Ingress HTTP proxy port on 127.0.0.1 (default 8080; 0 = any)
  --ingress-https-port N  Ingress HTTPS port, opened when an Ingress has tls (default 8443; 0 = any)
  --host ADDR           address to listen on (default 127.0.0.1); a non-loopback address also
                        needs --insecure-expose
  --insecure-expose     allow --host to be a non-loopback address (anyone who can reach it and has
                        the token controls your cluster)
  --runtime KIND        docker (default: pods run on the local Docker engine) or simulated (no
                        containers: a playground node whose pods are modelled)
  --sandbox-image IMG   pod sandbox ("pause") image (default registry.k8s.io/pause:3.10; must be
                        present locally when no registry is reachable)
  --network-image IMG   image of kubedesk-netd, the cluster DNS server and Service proxy (default
                        node:22-alpine; any image with node and an \`ip\` command)
  --network-subnet CIDR IPv4 subnet of the cluster's Docker network (default: the first free
                        10.250–254.x.0/20); Service IPs come from its second quarter
  --simulated-nodes N   add N extra nodes backed by the simulated runtime (sim-1…sim-N) to try
                        multi-node scheduling, DaemonSets and node failure
  --stop-pods-on-exit   stop every pod's containers when serve exits (by default pods keep running
                        and the next start adopts them)
  --merge-kubeconfig    merge the kubedesk context into ~/.kube/config (or $KUBECONFIG) and make it
                        current; other entries are left untouched
  -h, --help            show this help`;

export interface ServeRun {
  kind: 'run';
  dataDir: string;
  apiPort?: number;
  uiPort?: number;
  ingressPort?: number;
  ingressHttpsPort?: number;
  host: string;
  insecureExpose: boolean;
  mergeKubeconfig: boolean;
  runtime: 'docker' | 'simulated';
  sandboxImage?: string;
  stopPodsOnExit: boolean;
  simulatedNodes: number;
  networkImage?: string;
  networkSubnet?: string;
}

export type ServeCommand = ServeRun | { kind: 'help' } | { kind: 'usage-error'; message: string };

function port(name: string, value: string | undefined): number | undefined | string {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    return `--${name} needs a port number from 0 to 65535, got ${JSON.stringify(value)}`;
  return Number(value);
}

/** Parses serve's command line; never throws, so the caller decides how to report and exit. */
export function parseServeArgs(argv: string[]): ServeCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' },
        'api-port': { type: 'string' },
        'ui-port': { type: 'string' },
        'ingress-port': { type: 'string' },
        'ingress-https-port': { type: 'string' },
        host: { type: 'string' },
        'insecure-expose': { type: 'boolean' },
        'merge-kubeconfig': { type: 'boolean' },
        runtime: { type: 'string' },
        'sandbox-image': { type: 'string' },
        'stop-pods-on-exit': { type: 'boolean' },
        'simulated-nodes': { type: 'string' },
        'network-image': { type: 'string' },
        'network-subnet': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // node:util's messages already name the offending flag ("Unknown option '--port'").
    return { kind: 'usage-error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: 'help' };
  const dataDir = values['data-dir'] as string | undefined;
  if (dataDir !== undefined && dataDir.trim() === '') {
    return { kind: 'usage-error', message: '--data-dir needs a folder path, got an empty string' };
  }
  const apiPort = port('api-port', values['api-port'] as string | undefined);
  if (typeof apiPort === 'string') return { kind: 'usage-error', message: apiPort };
  const uiPort = port('ui-port', values['ui-port'] as string | undefined);
  if (typeof uiPort === 'string') return { kind: 'usage-error', message: uiPort };
  const ingressPort = port('ingress-port', values['ingress-port'] as string | undefined);
  if (typeof ingressPort === 'string') return { kind: 'usage-error', message: ingressPort };
  const ingressHttpsPort = port('ingress-https-port', values['ingress-https-port'] as string | undefined);
  if (typeof ingressHttpsPort === 'string') return { kind: 'usage-error', message: ingressHttpsPort };
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const insecureExpose = values['insecure-expose'] === true;
  if (!isLoopbackHost(host) && !insecureExpose) {
    return {
      kind: 'usage-error',
      message: `--host ${host} is not a loopback address; add --insecure-expose if you really want the cluster reachable from other machines`,
    };
  }
  const runtime = (values.runtime as string | undefined) ?? 'docker';
  if (runtime !== 'docker' && runtime !== 'simulated') {
    return { kind: 'usage-error', message: `--runtime must be docker or simulated, got ${JSON.stringify(runtime)}` };
  }
  const sim = (values['simulated-nodes'] as string | undefined) ?? '0';
  if (!/^\d+$/.test(sim) || Number(sim) > 5000) {
    return {
      kind: 'usage-error',
      message: `--simulated-nodes needs a number from 0 to 5000, got ${JSON.stringify(sim)}`,
    };
  }
  const networkSubnet = values['network-subnet'] as string | undefined;
  if (networkSubnet !== undefined) {
    const layout = layoutFor(networkSubnet);
    if (typeof layout === 'string') return { kind: 'usage-error', message: `--network-subnet: ${layout}` };
  }
  const networkImage = values['network-image'] as string | undefined;
  if (networkImage !== undefined && networkImage.trim() === '') {
    return { kind: 'usage-error', message: '--network-image needs an image name, got an empty string' };
  }
  return {
    kind: 'run',
    ...(networkImage !== undefined ? { networkImage } : {}),
    ...(networkSubnet !== undefined ? { networkSubnet } : {}),
    simulatedNodes: Number(sim),
    runtime,
    sandboxImage: values['sandbox-image'] as string | undefined,
    stopPodsOnExit: values['stop-pods-on-exit'] === true,
    dataDir: dataDir ?? defaultDataDir(),
    apiPort,
    uiPort,
    ...(ingressPort !== undefined ? { ingressPort } : {}),
    ...(ingressHttpsPort !== undefined ? { ingressHttpsPort } : {}),
    host,
    insecureExpose,
    mergeKubeconfig: values['merge-kubeconfig'] === true,
  };
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
