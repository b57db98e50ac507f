// resource.Quantity (k8s.io/apimachinery/pkg/api/resource/quantity.go): parsing, comparison and
// canonical formatting. Values are JS numbers in base units (cores, bytes), exact for everything
// a laptop cluster sees; `milli` rounds up the way Quantity.MilliValue() does.
//
//   <quantity>        ::= <signedNumber><suffix>
//   <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
//   <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
//   <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
//   <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E
//   <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>
// `1E` is therefore 10^18 (exa) while `1E3` is 1000.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value in base units: 0.1 for `100m`, 1073741824 for `1Gi`. */
  value: number;
  /** The value in thousandths, rounded up (MilliValue). */
  milli: number;
  /** The format the quantity was written in; formatting keeps it. */
  format: QuantityFormat;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const QUANTITY_RE = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+|[numkMGTPE])?$/;

/** Parse a quantity; numbers (as JSON may carry them) are taken as plain decimal values. */
export function parseQuantity(input: string | number): Quantity | null {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return null;
    return make(input, 'DecimalSI');
  }
  const m = QUANTITY_RE.exec(input.trim() === input ? input : '');
  if (!m) return null;
  const [, num, suffix = ''] = m;
  if (suffix in BINARY) return make(Number(num) * BINARY[suffix], 'BinarySI');
  if (suffix in DECIMAL) return make(decimal(num, DECIMAL[suffix]), 'DecimalSI');
  return make(decimal(num, Number(suffix.slice(1))), 'DecimalExponent');
}

/** `num × 10^exp`, correctly rounded (parseFloat of the scientific string, not a multiplication). */
function decimal(num: string, exp: number): number {
  return Number.parseFloat(`${num}e${exp}`);
}

function make(value: number, format: QuantityFormat): Quantity | null {
  if (!Number.isFinite(value)) return null;
  const value0 = value === 0 ? 0 : value; // no -0
  return { value: value0, milli: roundUp(value0 * 1000), format };
}

function roundUp(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) < 1e-6 * Math.max(1, Math.abs(x)) ? r : Math.ceil(x);
}

function toQuantity(q: Quantity | string | number): Quantity {
  if (typeof q === 'object') return q;
  const parsed = parseQuantity(q);
  if (!parsed)
    throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  return parsed;
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b` (Quantity.Cmp). Throws on junk. */
export function compareQuantity(a: Quantity | string | number, b: Quantity | string | number): -1 | 0 | 1 {
  const x = toQuantity(a).value;
  const y = toQuantity(b).value;
  const tolerance = 1e-12 * Math.max(Math.abs(x), Math.abs(y));
  if (Math.abs(x - y) <= tolerance) return 0;
  return x < y ? -1 : 1;
}

/**
 * The canonical string for a value (Quantity.String()): the largest suffix that keeps the
 * mantissa an integer. BinarySI falls back to DecimalSI for values that are not whole multiples
 * of a power of 1024, as upstream does for fractional binary values.
 */
export function formatQuantity(value: number, format: QuantityFormat = 'DecimalSI'): string {
  if (value === 0) return '0';
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (format === 'BinarySI' && Number.isInteger(abs)) {
    for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
      if (abs >= BINARY[suffix] && abs % BINARY[suffix] === 0) return `${sign}${abs / BINARY[suffix]}${suffix}`;
    }
    if (abs < 1024) return `${sign}${abs}`;
  }
  // Work in nano units (integers) so that suffix choice does not depend on float noise.
  const nano = roundUp(abs * 1e9);
  const scales: [string, number][] = [
    ['E', 27],
    ['P', 24],
    ['T', 21],
    ['G', 18],
    ['M', 15],
    ['k', 12],
    ['', 9],
    ['m', 6],
    ['u', 3],
    ['n', 0],
  ];
  for (const [suffix, exp] of scales) {
    const unit = 10 ** exp;
    if (nano >= unit && isMultiple(nano, exp)) {
      const mantissa = format === 'DecimalExponent' ? nano / unit : Math.round(nano / unit);
      if (format === 'DecimalExponent' && suffix !== '') return `${sign}${mantissa}e${exp - 9}`;
      return `${sign}${mantissa}${suffix}`;
    }
  }
  return `${sign}${nano}n`;
}

function isMultiple(nano: number, exp: number): boolean {
  if (exp === 0) return true;
  // Use the decimal string so that big values stay exact.
  const digits = nano.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 0 });
  return digits.length > exp && /^0+$/.test(digits.slice(-exp));
}
