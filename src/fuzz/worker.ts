// A fuzzing worker thread: runs the jobs it is sent (jobs.ts), one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { probeOfThread } from './coverage.js';
import type { Job, JobResult } from './jobs.js';

const data = workerData as { sourceMaps?: boolean; blocks?: boolean } | null;
// stacks in reports read as on the main thread (.ts lines when it maps them)
if (data?.sourceMaps === true) process.setSourceMapsEnabled(true);
// the probe first, the model after: a function compiled before precise coverage starts has no
// block counters (coverage.ts)
if (data?.blocks === true) await probeOfThread();
const { runJob } = await import('./jobs.js');

const queue: Array<{ id: number; job: Job }> = [];
parentPort!.on('message', (m: { id: number; job: Job }) => {
  queue.push(m);
  if (queue.length === 1) void drain();
});

async function drain(): Promise<void> {
  while (queue.length > 0) {
    const m = queue[0]!;
    let reply: { id: number; result?: JobResult; error?: string };
    try {
      reply = { id: m.id, result: await runJob(m.job, probeOfThread) };
    } catch (e) {
      reply = { id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    parentPort!.postMessage(reply);
    queue.shift();
  }
}
