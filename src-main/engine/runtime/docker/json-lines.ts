// Newline-delimited JSON as Docker streams it (pull progress, events): objects may be split
// across chunks, and several may arrive in one.

export async function* jsonLines<T>(source: AsyncIterable<Buffer | string>): AsyncGenerator<T> {
  let rest = '';
  for await (const chunk of source) {
    rest += chunk.toString();
    let newline: number;
    while ((newline = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, newline).trim();
      rest = rest.slice(newline + 1);
      if (line) yield JSON.parse(line) as T;
    }
  }
  if (rest.trim()) yield JSON.parse(rest) as T;
}
