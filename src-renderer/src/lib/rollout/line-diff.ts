// A side-by-side line diff of two texts (the YAML of two revisions' pod templates), from their
// longest common subsequence. Templates are small (tens to hundreds of lines), so the O(n·m)
// table is fine; above LIMIT lines per side the texts are compared line by line instead.

export interface DiffRow {
  left?: { line: number; text: string };
  right?: { line: number; text: string };
  kind: 'same' | 'removed' | 'added' | 'changed';
}

const LIMIT = 2000;

export function sideBySide(a: string, b: string): DiffRow[] {
  const left = a.split('\n');
  const right = b.split('\n');
  if (left.at(-1) === '') left.pop();
  if (right.at(-1) === '') right.pop();
  if (left.length > LIMIT || right.length > LIMIT) return pairwise(left, right);
  const n = left.length;
  const m = right.length;
  // lcs[i][j]: length of the LCS of left[i..] and right[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = left[i] === right[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const rows: DiffRow[] = [];
  let removed: DiffRow[] = [];
  let added: DiffRow[] = [];
  // A run of removals next to a run of additions is shown as changed lines side by side.
  const flush = () => {
    const k = Math.max(removed.length, added.length);
    for (let x = 0; x < k; x++) {
      const l = removed[x]?.left;
      const r = added[x]?.right;
      rows.push({ left: l, right: r, kind: l && r ? 'changed' : l ? 'removed' : 'added' });
    }
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && left[i] === right[j]) {
      flush();
      rows.push({ left: { line: i + 1, text: left[i] }, right: { line: j + 1, text: right[j] }, kind: 'same' });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      added.push({ right: { line: j + 1, text: right[j] }, kind: 'added' });
      j++;
    } else {
      removed.push({ left: { line: i + 1, text: left[i] }, kind: 'removed' });
      i++;
    }
  }
  flush();
  return rows;
}

function pairwise(left: string[], right: string[]): DiffRow[] {
  return Array.from({ length: Math.max(left.length, right.length) }, (_, k) => {
    const l = k < left.length ? { line: k + 1, text: left[k] } : undefined;
    const r = k < right.length ? { line: k + 1, text: right[k] } : undefined;
    const kind = l && r ? (l.text === r.text ? 'same' : 'changed') : l ? 'removed' : 'added';
    return { left: l, right: r, kind };
  });
}
