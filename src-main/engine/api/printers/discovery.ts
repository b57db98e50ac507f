// EndpointSlice columns, after printEndpointSlice in pkg/printers/internalversion/printers.go
// (v1.30): NAME ADDRESSTYPE PORTS ENDPOINTS AGE.
import type { EndpointPort, EndpointSlice, Endpoint } from 'kubernetes-types/discovery/v1';
import type { PrinterColumn } from '../printers.js';
import { ageColumn, column, nameColumn } from './format.js';

const MAX_LISTED = 3;

/** listWithMoreString: up to three items, `+ N more...` beyond, `<unset>` when empty. */
function listWithMore(items: string[]): string {
  const shown = items.slice(0, MAX_LISTED).join(',');
  if (items.length > MAX_LISTED) return `${shown} + ${items.length - MAX_LISTED} more...`;
  return shown === '' ? '<unset>' : shown;
}

/** formatDiscoveryPorts: the port numbers; a port without a number shows its name, or `*` ("all ports"). */
export function formatDiscoveryPorts(ports: EndpointPort[] | undefined): string {
  return listWithMore((ports ?? []).map((p) => (p.port != null ? String(p.port) : (p.name ?? '*'))));
}

/** formatDiscoveryEndpoints: every address of every endpoint, in order. */
export function formatDiscoveryEndpoints(endpoints: Endpoint[] | undefined): string {
  return listWithMore((endpoints ?? []).flatMap((e) => e.addresses ?? []));
}

export function endpointSliceColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<EndpointSlice>(
      'ADDRESSTYPE',
      'string',
      'The type of address carried by this EndpointSlice.',
      (s) => s.addressType ?? '',
    ),
    column<EndpointSlice>('PORTS', 'string', 'Ports of the endpoints in this slice.', (s) =>
      formatDiscoveryPorts(s.ports),
    ),
    column<EndpointSlice>('ENDPOINTS', 'string', 'Addresses of the endpoints in this slice.', (s) =>
      formatDiscoveryEndpoints(s.endpoints),
    ),
    ageColumn(),
  ];
}
