// A fuzzing worker thread: runs the jobs it is sent (jobs.ts), one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { BlockProbe } from './coverage.js';
import { type Job, runJob } from './jobs.js';

// stacks in reports read as on the main thread (.ts lines when it maps them)
if ((workerData as { sourceMaps?: boolean } | null)?.sourceMaps === true) process.setSourceMapsEnabled(true);

let probe: BlockProbe | null = null;
async function probeOf(): Promise<BlockProbe> {
  if (probe === null) {
    probe = new BlockProbe();
    await probe.start();
  }
  return probe;
}

parentPort!.on('message', (m: { id: number; job: Job }) => {
  runJob(m.job, probeOf)
    .then((result) => parentPort!.postMessage({ id: m.id, result }))
    .catch((e: unknown) => parentPort!.postMessage({ id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
});
