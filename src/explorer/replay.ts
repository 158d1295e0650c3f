// Replaying a choice sequence. Strict replay is the `replay` command: every choice must be
// possible and used, or the schedule does not belong to this scenario. Lenient replay is the
// minimizer's: an impossible choice is skipped. Once the schedule is used up, both go on with
// the default choice, the one DFS tries first: the thread that ran last if it can, else the
// lowest-numbered runnable one. So "-" is the serial execution.
import { type Chooser, type Execution, FAIL, SUCCEED } from '../rt/execution.js';
import type { Thread } from '../rt/thread.js';
import type { Strategy } from './strategy.js';

export class ReplayMismatch extends Error {}

export class ReplayStrategy implements Strategy, Chooser {
  readonly name = 'replay';
  readonly exhaustive = false;
  private pos = 0;
  private used = false;

  constructor(
    private readonly choices: readonly number[],
    private readonly strict: boolean,
  ) {}

  next(): Chooser | null {
    if (this.used) return null;
    this.used = true;
    this.pos = 0;
    return this;
  }

  finished(exec: Execution): void {
    if (this.strict && this.pos < this.choices.length) {
      throw new ReplayMismatch(
        `the schedule has ${this.choices.length - this.pos} choice(s) left over after the execution ended at step ${exec.steps}`,
      );
    }
  }

  pickThread(enabled: readonly Thread[], exec: Execution): Thread {
    while (this.pos < this.choices.length) {
      const c = this.choices[this.pos++]!;
      for (const t of enabled) if (t.idx === c) return t;
      if (this.strict) {
        const runnable = enabled.map((t) => t.idx).join(', ');
        throw new ReplayMismatch(
          c === FAIL || c === SUCCEED
            ? `choice ${this.pos} is ${c === FAIL ? 'F' : 'S'} (an allocation outcome) but step ${exec.steps} is a scheduling choice between threads ${runnable}`
            : `choice ${this.pos} picks thread ${c}, which is not runnable at step ${exec.steps} (runnable: ${runnable})`,
        );
      }
    }
    const last = exec.last;
    return last !== null && enabled.includes(last) ? last : enabled[0]!;
  }

  pickFail(exec: Execution): boolean {
    const c = this.choices[this.pos];
    if (c === FAIL || c === SUCCEED) {
      this.pos++;
      return c === FAIL;
    }
    if (this.strict && c !== undefined) {
      throw new ReplayMismatch(
        `choice ${this.pos + 1} picks thread ${c}, but allocation ${exec.allocations} at step ${exec.steps} is a choice between S and F`,
      );
    }
    // past the end of the schedule (or skipped by the minimizer): the allocation succeeds
    return false;
  }
}
