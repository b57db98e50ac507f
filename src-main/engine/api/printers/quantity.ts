// resource.Quantity's canonical string (apimachinery/pkg/api/resource, CanonicalizeBytes), which is
// what upstream printers show for capacities and HPA values: `1024Mi` prints as `1Gi`, `0.5` as
// `500m`, `1e3` stays `1e3`. Unparseable input is shown as given.

type Format = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX = new Map(Object.entries(DECIMAL).map(([s, e]) => [e, s]));
const BINARY_SUFFIX = new Map(Object.entries(BINARY).map(([s, e]) => [e, s]));

interface Parsed {
  /** value = mantissa × 10^scale */
  mantissa: bigint;
  scale: number;
  format: Format;
}

function parse(text: string): Parsed | undefined {
  const m = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d+)|([a-zA-Z]*))$/.exec(text.trim());
  if (!m) return undefined;
  const [, sign, number, exp, suffix = ''] = m;
  const [int, frac = ''] = number.split('.');
  let mantissa = BigInt((int || '0') + frac);
  let scale = -frac.length;
  let format: Format;
  if (exp !== undefined) {
    format = 'DecimalExponent';
    scale += Number(exp.slice(1));
  } else if (suffix in BINARY) {
    format = 'BinarySI';
    mantissa *= 1n << BigInt(BINARY[suffix]);
  } else if (suffix in DECIMAL) {
    format = 'DecimalSI';
    scale += DECIMAL[suffix];
  } else {
    return undefined;
  }
  if (sign === '-') mantissa = -mantissa;
  // Quantities keep nano precision; smaller fractions round up (away from zero).
  if (scale < -9) {
    const div = 10n ** BigInt(-9 - scale);
    const q = mantissa / div;
    mantissa = q * div === mantissa ? q : q + (mantissa < 0n ? -1n : 1n);
    scale = -9;
  }
  return { mantissa, scale, format };
}

function removeFactors(value: bigint, base: bigint): { value: bigint; times: number } {
  let times = 0;
  while (value !== 0n && value % base === 0n) {
    value /= base;
    times++;
  }
  return { value, times };
}

/** The canonical form of a quantity string, e.g. `formatQuantity('1024Mi') === '1Gi'`. */
export function formatQuantity(text: string | number | undefined): string {
  if (text === undefined) return '0';
  const q = parse(String(text));
  if (!q) return String(text);
  if (q.mantissa === 0n) return '0';
  let format = q.format;
  let integer: bigint | undefined;
  if (format === 'BinarySI') {
    // Between -1024 and 1024 exclusive, or not a whole number: shown as DecimalSI.
    const exact = q.scale >= 0 || q.mantissa % 10n ** BigInt(-q.scale) === 0n;
    integer = q.scale >= 0 ? q.mantissa * 10n ** BigInt(q.scale) : q.mantissa / 10n ** BigInt(-q.scale);
    if (!exact || (integer > -1024n && integer < 1024n)) format = 'DecimalSI';
  }
  if (format === 'BinarySI' && integer !== undefined) {
    const { value, times } = removeFactors(integer, 1024n);
    const suffix = BINARY_SUFFIX.get(times * 10);
    if (suffix !== undefined) return `${value}${suffix}`;
    return `${value * 1024n ** BigInt(times - 6)}Ei`;
  }
  const removed = removeFactors(q.mantissa, 10n);
  let amount = removed.value;
  let exponent = q.scale + removed.times;
  // Make the exponent a multiple of 3 (Go's % keeps the sign of the dividend).
  const rem = exponent % 3;
  if (rem === 1 || rem === -2) {
    amount *= 10n;
    exponent -= 1;
  } else if (rem === 2 || rem === -1) {
    amount *= 100n;
    exponent -= 2;
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${amount}` : `${amount}e${exponent}`;
  const suffix = DECIMAL_SUFFIX.get(exponent);
  return suffix !== undefined ? `${amount}${suffix}` : `${amount}e${exponent}`;
}
