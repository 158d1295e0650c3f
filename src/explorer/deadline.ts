// The search's deadline, for work between executions whose cost grows with an execution's
// length (race analysis, wakeup-tree insertion, bounded DPOR's extra points). Such work counts
// what it does here; the clock is read only every `every` units, so a loop pays a subtraction
// and a comparison per unit. Once the deadline has passed, the work throws DeadlineCut: the
// engine (engine.ts) ends the search there, incomplete, and the strategy, whose state is then
// half-updated, refuses to go on or to be saved.

/** Thrown out of a strategy's finished() when the deadline passed during its analysis. */
export class DeadlineCut extends Error {
  constructor() {
    super('the search reached its time limit during the analysis of an execution');
    this.name = 'DeadlineCut';
  }
}

export class Deadline {
  /** units of work left before the clock is read again */
  private left: number;

  /**
   * @param at performance.now() past which work stops (Infinity: never)
   * @param every units of work between two readings of the clock
   */
  constructor(
    readonly at: number,
    private readonly every = 4096,
  ) {
    this.left = every;
  }

  /** Count `units` of work; throws DeadlineCut once the deadline has passed. */
  tick(units = 1): void {
    if ((this.left -= units) > 0) return;
    this.left = this.every;
    if (performance.now() > this.at) throw new DeadlineCut();
  }

  /** Has the deadline passed? (reads the clock) */
  passed(): boolean {
    return performance.now() > this.at;
  }
}

/** No deadline: tick() never reads the clock more than once per `every` units, and never throws. */
export const noDeadline = new Deadline(Number.POSITIVE_INFINITY);
