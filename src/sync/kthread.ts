// kthread_run() and cond_resched(): starting threads and offering a scheduling point.
import { current } from '../rt/current.js';
import { type Op, OpKind } from '../rt/op.js';
import type { Gen } from '../rt/thread.js';

const spawnOp: Op = Object.freeze({ kind: OpKind.Spawn, obj: null, field: null, verb: 'kthread_run' });
const yieldOp: Op = Object.freeze({ kind: OpKind.Yield, obj: null, field: null, verb: 'cond_resched' });

/** kthread_run(): start `body` as a new thread; it runs when the scheduler picks it. */
export function* kthreadRun(name: string, body: () => Gen<unknown>): Gen {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  yield spawnOp;
  exec.spawn(name, body());
}

/** cond_resched(): let another thread run here, touching nothing. */
export function* condResched(): Gen {
  const exec = current;
  if (exec.tracing) exec.noteSite();
  yield yieldOp;
}
