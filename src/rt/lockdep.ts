// lockdep: the order in which lock classes are taken, accumulated over every execution of a
// search, so an ABBA inversion is reported even by an execution that did not deadlock.

export interface LockEdge {
  /** where the dependency was first seen, for the report */
  readonly thread: string;
  readonly heldLabel: string;
  readonly takenLabel: string;
}

export class LockdepGraph {
  private readonly classIds = new Map<string, number>();
  readonly classNames: string[] = [];
  /** adjacency: class -> classes taken while it was held */
  private readonly next: number[][] = [];
  private readonly edges = new Map<number, LockEdge>();

  classOf(name: string): number {
    let id = this.classIds.get(name);
    if (id === undefined) {
      id = this.classNames.length;
      this.classIds.set(name, id);
      this.classNames.push(name);
      this.next.push([]);
    }
    return id;
  }

  /**
   * Record "held -> taken". Returns the dependency chain taken -> ... -> held when the new
   * edge closes a cycle (the inversion lockdep reports), otherwise null.
   */
  addEdge(held: number, taken: number, info: LockEdge): LockEdge[] | null {
    const key = held * 65536 + taken;
    if (this.edges.has(key)) return null;
    this.edges.set(key, info);
    this.next[held]!.push(taken);
    // An edge is added once per search, so each inversion is reported once, like lockdep.
    return this.findPath(taken, held);
  }

  /**
   * Would adding these dependencies, in order, close a cycle (an inversion addEdge would
   * report)? Nothing is added: the ones that are new are taken out again.
   */
  closesCycle(edges: ReadonlyArray<{ readonly held: number; readonly taken: number; readonly info: LockEdge }>): boolean {
    const added: number[] = [];
    let cycle = false;
    for (const e of edges) {
      const key = e.held * 65536 + e.taken;
      if (this.edges.has(key)) continue;
      this.edges.set(key, e.info);
      this.next[e.held]!.push(e.taken);
      added.push(key);
      if (this.findPath(e.taken, e.held) !== null) {
        cycle = true;
        break;
      }
    }
    for (let i = added.length - 1; i >= 0; i--) {
      const key = added[i]!;
      this.edges.delete(key);
      this.next[Math.floor(key / 65536)]!.pop();
    }
    return cycle;
  }

  private findPath(from: number, to: number): LockEdge[] | null {
    const seen = new Set<number>([from]);
    const stack: Array<{ node: number; path: LockEdge[] }> = [{ node: from, path: [] }];
    while (stack.length > 0) {
      const { node, path } = stack.pop()!;
      for (const n of this.next[node]!) {
        const edge = this.edges.get(node * 65536 + n)!;
        if (n === to) return [...path, edge];
        if (!seen.has(n)) {
          seen.add(n);
          stack.push({ node: n, path: [...path, edge] });
        }
      }
    }
    return null;
  }
}
