// Where jobs run: on worker threads, one job per thread at a time.
import { Worker } from 'node:worker_threads';
import type { Job, JobResult } from './jobs.js';

export interface JobPool {
  readonly size: number;
  /** slots with no job */
  readonly free: number;
  run(job: Job): Promise<JobResult>;
  close(): Promise<void>;
}

/**
 * Jobs run on worker threads, one job per thread at a time, a worker thread even for one worker:
 * its block coverage probe starts before any model code is compiled in it (worker.ts), so what
 * a program covers does not depend on what ran in the calling thread before the campaign.
 */
export function makeJobPool(workers: number, blocks: boolean): JobPool {
  return new WorkerJobs(Math.max(1, workers), blocks);
}

interface Slot {
  readonly worker: Worker;
  job: { readonly id: number; resolve: (r: JobResult) => void; reject: (e: Error) => void } | null;
}

class WorkerJobs implements JobPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;

  constructor(
    readonly size: number,
    blocks: boolean,
  ) {
    const url = new URL('./worker.js', import.meta.url);
    for (let i = 0; i < size; i++) {
      const worker = new Worker(url, { workerData: { sourceMaps: process.sourceMapsEnabled, blocks } });
      const slot: Slot = { worker, job: null };
      worker.on('message', (m: { id: number; result?: JobResult; error?: string }) => {
        const job = slot.job;
        if (job === null || job.id !== m.id) return;
        slot.job = null;
        worker.unref();
        if (m.error !== undefined) job.reject(new Error(m.error));
        else job.resolve(m.result!);
      });
      worker.on('error', (e) => {
        const job = slot.job;
        slot.job = null;
        job?.reject(e);
      });
      worker.unref();
      this.slots.push(slot);
    }
  }

  get free(): number {
    return this.slots.filter((s) => s.job === null).length;
  }

  run(job: Job): Promise<JobResult> {
    const slot = this.slots.find((s) => s.job === null);
    if (slot === undefined) return Promise.reject(new Error('fuzz pool: no free worker'));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      slot.job = { id, resolve, reject };
      slot.worker.ref();
      slot.worker.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    for (const s of this.slots) s.job = null;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
