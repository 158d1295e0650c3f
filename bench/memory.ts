// Memory of long exhaustive searches: the heap retained after 1e5 and after 1e6 executions of
// one search (a small program whose tree is far bigger than that), for the sequential engine
// and for the sliced search of `check` (coordinator and slices in this thread). Run with
//   node --expose-gc dist/bench/memory.js [executions]
// It must not grow with the number of executions.
import { DfsStrategy } from '../src/explorer/dfs.js';
import { explore } from '../src/explorer/engine.js';
import { Coordinator, wholeRange } from '../src/explorer/parallel/coordinator.js';
import { familyFor } from '../src/explorer/parallel/family.js';
import { InProcessPool, type SlicePool, WorkerPool } from '../src/explorer/parallel/pool.js';
import type { Chooser, Execution } from '../src/rt/execution.js';
import { noFaults } from '../src/rt/execution.js';
import type { Strategy } from '../src/explorer/strategy.js';
import { programNamed, programsModule } from './programs.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const total = Number(process.argv[2] ?? 1_000_000);
const marks = [total / 10, total];
const program = programNamed('counter-4-2-unlocked')!;

function heapMiB(): number {
  gc!();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Samples the heap when the search passes each mark. */
class Sampling implements Strategy {
  readonly samples: string[] = [];
  private n = 0;
  constructor(private readonly inner: Strategy) {}
  get name(): string {
    return this.inner.name;
  }

  get exhaustive(): boolean {
    return this.inner.exhaustive;
  }

  next(): Chooser | null {
    if (marks.includes(this.n)) this.samples.push(`${this.n} executions: ${heapMiB().toFixed(2)} MiB`);
    this.n++;
    return this.inner.next();
  }

  finished(exec: Execution): void {
    this.inner.finished(exec);
  }
}

const seq = new Sampling(new DfsStrategy());
explore(program, seq, { maxExecutions: total + 1, timeLimitMs: 3_600_000 });
console.log(`sequential explore(): ${seq.samples.join(', ')}`);

const spec = { strategy: { kind: 'dfs', preemptionBound: null } as const, faults: noFaults, warnFails: true, maxSteps: 1e5, recordOps: false };
const source = { module: programsModule, name: 'counter-4-2-unlocked' };
for (const inner of [new InProcessPool(), new WorkerPool(2)]) {
  const samples: string[] = [];
  let executions = 0;
  let next = 0;
  let maxDone = 0;
  const pool: SlicePool = {
    size: inner.size,
    close: () => inner.close(),
    run: async (t) => {
      const out = await inner.run(t);
      executions += out.result.executions;
      while (next < marks.length && executions >= marks[next]!) samples.push(`~${marks[next++]} executions: ${heapMiB().toFixed(2)} MiB`);
      maxDone = Math.max(maxDone, ...c.snapshot().map((r) => r.done.length));
      return out;
    },
  };
  const limits = { maxExecutions: total, deadline: Infinity, sliceMs: 200 };
  const c: Coordinator = new Coordinator(source, spec, [wholeRange(familyFor(spec.strategy))], limits);
  await c.run(pool);
  await pool.close();
  const size = JSON.stringify(c.snapshot()).length;
  console.log(`sliced search on ${inner.size} worker(s), main thread: ${samples.join(', ')}; at most ${maxDone} slices waiting; checkpoint ${size} bytes`);
}
