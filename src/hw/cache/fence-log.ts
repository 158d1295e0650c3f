// Which invalidations each completed fence (SMMUv3 CMD_SYNC, VT-d wait descriptor) covered. An
// invalidation is complete only at its fence, and the hardware guarantees that a transaction that
// used an invalidated entry has finished when the fence completes. A DMA in the model is several
// steps (a config lookup, a TLB lookup, walk reads, fills), so a fence can complete in the middle
// of one: the DMA's last step reads this log and starts over if a fence completed an invalidation
// of something it used after it used it, which is the same as the transaction being issued after
// the fence. Every cache key has a generation, bumped by each invalidation that touches it; the
// fence records the generation it completed; the DMA remembers the generation it saw.
import { KObject } from '../../sync/index.js';

/** a cache key a DMA used and the generation it saw */
export interface UsedKey {
  readonly key: string;
  readonly gen: number;
}

export class FenceLog extends KObject {
  /** cache key -> highest generation a completed fence covered */
  private readonly completed = new Map<string, number>();
  /** fences completed */
  fences = 0;

  constructor(readonly unitName: string) {
    super();
  }

  override get label(): string {
    return `${this.unitName}.fence`;
  }

  /** the fence completed these invalidations (keys with the generation they reached) */
  complete(keys: readonly UsedKey[]): void {
    this.fences++;
    for (const k of keys) if ((this.completed.get(k.key) ?? -1) < k.gen) this.completed.set(k.key, k.gen);
  }

  /** did a completed fence invalidate something `used` after it was used? */
  overtook(used: readonly UsedKey[]): boolean {
    for (const u of used) if ((this.completed.get(u.key) ?? -1) > u.gen) return true;
    return false;
  }
}
