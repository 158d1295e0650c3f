// One pool of slots shared by several searches at once (check runs scenarios side by side).
// Whenever a slot may have come free, every search is offered the free slots in rank order (the
// earliest scenario first), and only when they have left some unused does the owner hear
// `onIdle`, to start another search. onIdle comes after the promise callbacks queued so far, so
// a search that ended and goes on at once (the next point of a fail_nth sweep) is back first.
// Which search gets a slot changes only how fast results come, never what they are.
import type { SlicePool, SliceTask } from './pool.js';
import type { SliceOutcome } from './slice.js';

export interface PoolClient {
  /** start slices while the pool has free slots and the search has parts; notice its end */
  fill(): void;
}

export class SharedPool {
  private busy = 0;
  private idleQueued = false;
  private readonly clients: Array<{ readonly rank: number; readonly client: PoolClient }> = [];
  private pumping = false;
  private again = false;

  constructor(
    readonly pool: SlicePool,
    private readonly onIdle: () => void = () => {},
  ) {}

  get size(): number {
    return this.pool.size;
  }

  /** slots no slice runs in */
  get free(): number {
    return this.pool.size - this.busy;
  }

  /** Take part in the sharing; returns how to leave. Equal ranks are served in joining order. */
  join(client: PoolClient, rank: number): () => void {
    const entry = { rank, client };
    let i = this.clients.length;
    while (i > 0 && this.clients[i - 1]!.rank > rank) i--;
    this.clients.splice(i, 0, entry);
    return () => {
      const j = this.clients.indexOf(entry);
      if (j >= 0) this.clients.splice(j, 1);
    };
  }

  run(task: SliceTask): Promise<SliceOutcome> {
    this.busy++;
    return this.pool.run(task).finally(() => this.busy--);
  }

  /** Offer the free slots around: to every search in rank order, then to the owner. */
  pump(): void {
    if (this.pumping) {
      // a search ended or started while slots were being handed out: go round once more
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        for (const c of [...this.clients]) c.client.fill();
      } while (this.again);
    } finally {
      this.pumping = false;
    }
    if (this.free > 0 && !this.idleQueued) {
      this.idleQueued = true;
      setImmediate(() => {
        this.idleQueued = false;
        if (this.free > 0) this.onIdle();
      });
    }
  }
}
