/*
 * Which known word a typo meant (`rulez` for rules, `rigth` for right): for messages about
 * unknown keys. Pure.
 */

/** The known key a typo most likely meant: one or two edits away (a swap counts as one). */
export function nearest(key: string, known: readonly string[]): string | undefined {
  let best: { word: string; d: number } | undefined;
  for (const word of known) {
    const d = editDistance(key.toLowerCase(), word.toLowerCase());
    if (d <= 2 && d < word.length / 2 && (best === undefined || d < best.d)) best = { word, d };
  }
  return best?.word;
}

/** Levenshtein distance with adjacent swaps (optimal string alignment). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((d[i - 1] as number[])[j]! + 1, row[j - 1]! + 1, (d[i - 1] as number[])[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, (d[i - 2] as number[])[j - 2]! + 1);
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}
