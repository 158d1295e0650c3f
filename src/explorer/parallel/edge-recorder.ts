// lockdep for a part of a search. The lockdep graph accumulates over a whole search in its
// canonical order, so a part explored alone (by a worker, a shard, after a resume) cannot know
// which cycles the edges of earlier parts close. It records instead the first occurrence of each
// dependency in the part, with the execution that made it, and reports no cycle; merging parts
// in order then rebuilds the graph of the sequential search exactly (lockdep-merge.ts).
import { type LockEdge, LockdepGraph } from '../../rt/lockdep.js';

export interface EdgeRecord {
  readonly held: string;
  readonly taken: string;
  readonly info: LockEdge;
  /** 1-based execution of the part that first took `taken` while holding `held` */
  readonly execution: number;
  /** that execution's choices, to run it again */
  readonly choices: readonly number[];
  /** milliseconds into the search when it was recorded (an inversion it closes is reported with this time) */
  readonly ms: number;
}

export class EdgeRecorder extends LockdepGraph {
  readonly records: EdgeRecord[] = [];
  private readonly seen = new Set<number>();
  /** records of the running execution, completed with its choices when it ends */
  private open: Array<Omit<EdgeRecord, 'choices' | 'ms'>> = [];
  /** 1-based number of the running execution */
  execution = 0;

  constructor(private readonly clock: () => number = () => 0) {
    super();
  }

  override addEdge(held: number, taken: number, info: LockEdge): null {
    const key = held * 65536 + taken;
    if (this.seen.has(key)) return null;
    this.seen.add(key);
    this.open.push({ held: this.classNames[held]!, taken: this.classNames[taken]!, info, execution: this.execution });
    return null;
  }

  /** It reports no cycle, so adding never would. */
  override closesCycle(): boolean {
    return false;
  }

  /** The running execution ended with these choices. */
  close(choices: readonly number[]): void {
    if (this.open.length === 0) return;
    const c = choices.slice();
    const ms = this.clock();
    for (const r of this.open) this.records.push({ ...r, choices: c, ms });
    this.open = [];
  }
}
