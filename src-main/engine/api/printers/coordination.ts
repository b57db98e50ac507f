// Lease columns, after printLease in pkg/printers/internalversion/printers.go (v1.30).
import type { Lease } from 'kubernetes-types/coordination/v1';
import type { PrinterColumn } from '../printers.js';
import { ageColumn, column, nameColumn } from './format.js';

export function leaseColumns(): PrinterColumn[] {
  return [
    nameColumn(),
    column<Lease>(
      'HOLDER',
      'string',
      'holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.',
      (l) => l.spec?.holderIdentity ?? '',
    ),
    ageColumn(),
  ];
}
