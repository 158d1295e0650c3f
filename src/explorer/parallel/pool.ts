// Where slices run: in this thread (one worker: no threads to start, nothing to copy), or on
// worker threads. The coordinator never gives a pool more slices than it has idle slots.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ModelError } from '../../rt/violation.js';
import { loadProgram, type ProgramSource } from './program-source.js';
import { runSlice, type SearchSpec, type SliceBudget, type SliceOutcome } from './slice.js';

export interface SliceTask {
  readonly source: ProgramSource;
  readonly search: SearchSpec;
  readonly state: unknown;
  readonly budget: SliceBudget;
}

export interface SlicePool {
  readonly size: number;
  run(task: SliceTask): Promise<SliceOutcome>;
  /** stop every thread; slices under way are abandoned */
  close(): Promise<void>;
}

export function defaultWorkers(): number {
  return availableParallelism();
}

export function makePool(workers: number): SlicePool {
  return workers <= 1 ? new InProcessPool() : new WorkerPool(workers);
}

/**
 * Runs slices on this thread, letting the event loop turn between them (timers, signals). A
 * slice waits for the next turn of the loop; close() drops those still waiting, so that a search
 * stopped with a slice queued (Ctrl-C, a failed checkpoint, another scenario's error) leaves no
 * work to run after its caller has returned.
 */
export class InProcessPool implements SlicePool {
  readonly size = 1;
  private readonly queued = new Map<NodeJS.Immediate, (e: Error) => void>();
  private closed = false;

  run(task: SliceTask): Promise<SliceOutcome> {
    if (this.closed) return Promise.reject(new Error('the slice pool is closed'));
    return new Promise((resolve, reject) => {
      const id = setImmediate(() => {
        this.queued.delete(id);
        loadProgram(task.source)
          .then((program) => {
            // (the program may have loaded after close())
            if (this.closed) throw new Error('the slice pool is closed');
            resolve(runSlice(program, task.search, task.state, task.budget));
          })
          .catch(reject);
      });
      this.queued.set(id, reject);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [id, reject] of this.queued) {
      clearImmediate(id);
      reject(new Error('the slice pool is closed'));
    }
    this.queued.clear();
  }
}

interface Slot {
  readonly worker: Worker;
  job: { resolve: (o: SliceOutcome) => void; reject: (e: Error) => void } | null;
}

export class WorkerPool implements SlicePool {
  private readonly slots: Slot[] = [];
  /** slices waiting for a worker (a stopped coordinator's slices may still hold them) */
  private readonly queue: Array<{ task: SliceTask; resolve: (o: SliceOutcome) => void; reject: (e: Error) => void }> = [];
  private failure: Error | null = null;

  constructor(readonly size: number) {
    const url = new URL('./worker.js', import.meta.url);
    for (let i = 0; i < size; i++) {
      const worker = new Worker(url, { workerData: { sourceMaps: process.sourceMapsEnabled } });
      const slot: Slot = { worker, job: null };
      worker.on('message', (m: { outcome?: SliceOutcome; error?: string; modelError?: string }) => {
        const job = slot.job;
        slot.job = null;
        worker.unref();
        const next = this.queue.shift();
        if (next !== undefined) this.start(slot, next.task, next.resolve, next.reject);
        if (job === null) return;
        if (m.modelError !== undefined) job.reject(new ModelError(m.modelError));
        else if (m.error !== undefined) job.reject(new Error(m.error));
        else job.resolve(m.outcome!);
      });
      worker.on('error', (e) => this.fail(e));
      worker.on('exit', (code) => {
        if (slot.job !== null) this.fail(new Error(`a worker thread exited (code ${code}) during a slice`));
      });
      worker.unref();
      this.slots.push(slot);
    }
  }

  run(task: SliceTask): Promise<SliceOutcome> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const slot = this.slots.find((s) => s.job === null);
      if (slot === undefined) this.queue.push({ task, resolve, reject });
      else this.start(slot, task, resolve, reject);
    });
  }

  private start(slot: Slot, task: SliceTask, resolve: (o: SliceOutcome) => void, reject: (e: Error) => void): void {
    slot.job = { resolve, reject };
    slot.worker.ref();
    slot.worker.postMessage(task);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const q of this.queue.splice(0)) q.reject(e);
    for (const s of this.slots) {
      const job = s.job;
      s.job = null;
      job?.reject(e);
    }
  }

  async close(): Promise<void> {
    for (const s of this.slots) s.job = null;
    this.queue.length = 0;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
