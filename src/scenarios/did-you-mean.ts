// "did you mean" hints for misspelt names: the closest candidate by edit distance, if it is close
// enough that the hint helps rather than confuses.

/**
 * Edit distance counting a swap of two neighbours as one edit (optimal string alignment), and
 * case-insensitive: "nht" is one slip from "nth", "Attach" none from "attach".
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = [];
  for (let i = 0; i <= s.length; i++) d.push(Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[s.length]![t.length]!;
}

/** the candidate closest to `word`, when at most a third of it is wrong */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // an exact match is no misspelling; one that differs only in case is
  if (best === word) return undefined;
  // "E" for "D" is no hint; "ep2" for "ep0" and "atach" for "attach" are
  const allowed = Math.floor(word.length / 3);
  return bestDistance <= allowed ? best : undefined;
}

/** ` (did you mean "x"?)`, or nothing */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` (did you mean "${c}"?)`;
}
