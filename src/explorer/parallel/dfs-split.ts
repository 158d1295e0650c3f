// Cutting a DFS frontier into parts. A state covers the subtree under its frames plus, at each
// frame from the deepest up to `floor`, the untried options after its index; each of those is
// a part of its own, and DFS order is the lexicographic order of the frame indexes.
import type { DfsState } from '../dfs.js';
import { bool, DataError, int, intList, list, obj } from './data.js';
import type { Key } from './key.js';

export function dfsKey(s: DfsState): Key {
  return s.frames.map((f) => f.index);
}

export function splitDfs(s: DfsState): DfsState[] {
  const n = s.frames.length;
  if (n === s.floor) return [s];
  const parts: DfsState[] = [{ frames: s.frames, floor: n, pruned: s.pruned }];
  for (let d = n - 1; d >= s.floor; d--) {
    const f = s.frames[d]!;
    for (let j = f.index + 1; j < f.options.length; j++) {
      parts.push({ frames: [...s.frames.slice(0, d), { options: f.options, index: j }], floor: d + 1, pruned: s.pruned });
    }
  }
  return parts;
}

export function checkDfsState(v: unknown, path: string): void {
  const o = obj(v, path);
  const frames = list(o.frames, `${path}.frames`);
  frames.forEach((f, i) => {
    const p = `${path}.frames[${i}]`;
    const fo = obj(f, p);
    const options = intList(fo.options, `${p}.options`);
    if (options.length === 0) throw new DataError(`${p}.options: expected at least one option`);
    const index = int(fo.index, `${p}.index`);
    if (index >= options.length) throw new DataError(`${p}.index: ${index} is past the last option`);
  });
  const floor = int(o.floor, `${path}.floor`);
  if (floor > frames.length) throw new DataError(`${path}.floor: ${floor} is deeper than the ${frames.length} frames`);
  bool(o.pruned, `${path}.pruned`);
}
