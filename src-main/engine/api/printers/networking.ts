// Ingress columns, after printIngress in pkg/printers/internalversion/printers.go (v1.30).
import type { Ingress, IngressClass } from 'kubernetes-types/networking/v1';
import type { PrinterColumn } from '../printers.js';
import { ageColumn, column, loadBalancerAddresses, nameColumn } from './format.js';

/** formatHosts: up to three hosts, `*` when no rule names one. */
export function formatHosts(ing: Ingress): string {
  const rules = ing.spec?.rules ?? [];
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (list.length === 0) return '*';
  const ret = list.join(',');
  // Upstream counts every rule beyond the third, with or without a host.
  return more ? `${ret} + ${rules.length - max} more...` : ret;
}

export function ingressColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<Ingress>(
      'CLASS',
      'string',
      'The name of the IngressClass resource that should be used for additional configuration',
      (i) => i.spec?.ingressClassName ?? '<none>',
    ),
    column<Ingress>(
      'HOSTS',
      'string',
      'Hosts that incoming requests are matched against before the ingress rule',
      formatHosts,
    ),
    column<Ingress>('ADDRESS', 'string', 'Address is a list containing ingress points for the load-balancer', (i) =>
      loadBalancerAddresses(i.status?.loadBalancer?.ingress),
    ),
    column<Ingress>('PORTS', 'string', 'Ports of TLS configurations that open', (i) =>
      (i.spec?.tls ?? []).length > 0 ? '80, 443' : '80',
    ),
    ageColumn(),
  ];
}

/** printIngressClass: NAME, CONTROLLER, PARAMETERS (`Kind.group/name`), AGE. */
export function ingressClassColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<IngressClass>(
      'CONTROLLER',
      'string',
      'Controller that is responsible for handling this class',
      (c) => c.spec?.controller ?? '',
    ),
    column<IngressClass>('PARAMETERS', 'string', 'A reference to a resource with additional parameters', (c) => {
      const p = c.spec?.parameters;
      if (!p) return '<none>';
      return `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name}`;
    }),
    ageColumn(),
  ];
}
