// A worker thread: runs the slices it is sent, one at a time, and posts each outcome back.
import { parentPort, workerData } from 'node:worker_threads';
import { ModelError } from '../../rt/violation.js';
import type { SliceTask } from './pool.js';
import { loadProgram } from './program-source.js';
import { runSlice } from './slice.js';

// stacks in reports must read the same as on the main thread (.ts lines when it maps them)
if ((workerData as { sourceMaps?: boolean } | null)?.sourceMaps === true) process.setSourceMapsEnabled(true);

parentPort!.on('message', (task: SliceTask) => {
  loadProgram(task.source)
    .then((program) => parentPort!.postMessage({ outcome: runSlice(program, task.search, task.state, task.budget) }))
    .catch((e: unknown) => {
      const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      // a model bug is reported as such (exit 70), so its kind must cross the thread boundary
      parentPort!.postMessage(e instanceof ModelError ? { error, modelError: e.message } : { error });
    });
});
