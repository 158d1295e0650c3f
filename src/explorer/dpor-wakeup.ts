// Wakeup trees (Abdulla et al., "Source Sets: A Foundation for Optimal Dynamic Partial Order
// Reduction", JACM 2017, section 6): the sequences still to explore after one prefix, kept so
// that no two of them lead to the same equivalence class.
import { conflicts, type Ev, type Relation, sameEvent } from './dpor-event.js';

export interface WakeupNode {
  readonly ev: Ev;
  /** continuations, in the order they will be explored */
  readonly children: WakeupNode[];
}

/**
 * Is `e` a weak initial of `w` (both after the same prefix)? Either e's thread first appears in
 * w with e itself and nothing before it in w conflicts with it, or the thread does not appear
 * and e commutes with all of w. Then some execution equivalent to a continuation of w starts with e.
 */
export function weakInitial(rel: Relation, e: Ev, w: readonly Ev[]): boolean {
  for (const x of w) {
    if (x.thread === e.thread) return sameEvent(x, e);
    if (conflicts(rel, x, e)) return false;
  }
  return true;
}

/**
 * Add `v` to the wakeup tree whose top level is `roots`, unless a sleeping event or an existing
 * branch already covers it. Returns whether the tree grew.
 */
export function insertWakeup(rel: Relation, roots: WakeupNode[], sleep: readonly Ev[], v: readonly Ev[]): boolean {
  for (const s of sleep) if (weakInitial(rel, s, v)) return false;
  let level = roots;
  let w = v;
  for (;;) {
    const next = level.find((c) => weakInitial(rel, c.ev, w));
    if (next === undefined) {
      level.push(chain(w));
      return true;
    }
    // a leaf that starts w (up to equivalence) will be explored, and its races cover the rest
    if (next.children.length === 0) return false;
    w = without(w, next.ev);
    if (w.length === 0) return false;
    level = next.children;
  }
}

/** Every root-to-leaf path of a forest. */
export function leafPaths(roots: readonly WakeupNode[]): Ev[][] {
  const out: Ev[][] = [];
  const walk = (n: WakeupNode, prefix: Ev[]): void => {
    const p = [...prefix, n.ev];
    if (n.children.length === 0) out.push(p);
    for (const c of n.children) walk(c, p);
  };
  for (const r of roots) walk(r, []);
  return out;
}

function chain(w: readonly Ev[]): WakeupNode {
  const root: WakeupNode = { ev: w[0]!, children: [] };
  let at = root;
  for (let i = 1; i < w.length; i++) {
    const n: WakeupNode = { ev: w[i]!, children: [] };
    at.children.push(n);
    at = n;
  }
  return root;
}

/** w without e's thread's first event (a weak initial not in w leaves it as it is). */
function without(w: readonly Ev[], e: Ev): readonly Ev[] {
  const i = w.findIndex((x) => x.thread === e.thread);
  return i < 0 ? w : [...w.slice(0, i), ...w.slice(i + 1)];
}
