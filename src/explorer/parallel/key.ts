// Canonical order of parts of a search: a part's key precedes the keys of every part whose
// executions come after its own in the sequential search (lexicographic, a prefix first).
export type Key = readonly number[];

export function compareKeys(a: Key, b: Key): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
