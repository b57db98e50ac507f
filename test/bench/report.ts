// Benchmark reporting: every figure is printed beside a baseline measured in the same run, as a
// ratio, with the target it must meet.

export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  /** Target as text, and whether the value meets it. */
  target?: { text: string; met: boolean };
}

export const figures: Figure[] = [];

export function report(f: Figure): void {
  figures.push(f);
  const ratio = f.baseline
    ? ` | baseline ${fmt(f.baseline.value)} ${f.unit} (${f.baseline.name}) | ratio ${(f.value / f.baseline.value).toFixed(2)}×`
    : '';
  const target = f.target ? ` | target ${f.target.text}: ${f.target.met ? 'MET' : 'MISSED'}` : '';
  console.log(`  ${f.name}: ${fmt(f.value)} ${f.unit}${ratio}${target}`);
}

function fmt(n: number): string {
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

export function summary(): void {
  const missed = figures.filter((f) => f.target && !f.target.met);
  console.log(
    `\n${figures.length} figures, ${missed.length} target(s) missed${missed.length ? ': ' + missed.map((f) => f.name).join(', ') : ''}`,
  );
}
