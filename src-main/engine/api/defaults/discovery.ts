// Defaults of discovery.k8s.io/v1 (pkg/apis/discovery/v1/defaults.go).
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';

/** SetDefaults_EndpointPort: an unnamed port is named "", the protocol is TCP. */
export function defaultEndpointSlice(slice: EndpointSlice): void {
  for (const p of slice.ports ?? []) {
    if (p.name == null) p.name = '';
    if (!p.protocol) p.protocol = 'TCP';
  }
}
