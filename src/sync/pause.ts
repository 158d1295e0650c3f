// Pause points: named places in model code where a scenario can hold a thread until another
// thread lets it go, the way a race reproducer injects a delay (an msleep() or a kprobe). A point
// nobody armed costs nothing and yields nothing, so the model runs exactly as without it.
import { current } from '../rt/current.js';
import type { Gen } from '../rt/thread.js';
import { type Completion, complete, waitForCompletion } from './completion.js';

interface Armed {
  readonly reached: Completion;
  readonly resume: Completion;
}

/** the key of this module's execution-local state (the armed points: copied with a world snapshot) */
const armedKey = {};

function armed(): Map<string, Armed> | undefined {
  return current.locals.get(armedKey) as Map<string, Armed> | undefined;
}

/** arm `name` for the running execution (call from setup): reaching it posts `reached`, then waits for `resume` */
export function armPausePoint(name: string, reached: Completion, resume: Completion): void {
  let m = armed();
  if (m === undefined) {
    m = new Map();
    current.locals.set(armedKey, m);
  }
  m.set(name, { reached, resume });
}

/** a pause point: only an armed one yields (each is taken once) */
export function* pausePoint(name: string): Gen {
  const m = armed();
  const p = m?.get(name);
  if (p === undefined) return;
  m!.delete(name);
  yield* complete(p.reached);
  yield* waitForCompletion(p.resume);
}
