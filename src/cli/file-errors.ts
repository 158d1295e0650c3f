// A scenario file's problems reach the command from this thread (a ScenarioFileError) or from a
// worker thread that found the file changed under the run (an Error carrying the worker's stack,
// whose first line is "ScenarioFileError: ..."). Either way the user sees the problems, no stack.
import { ScenarioFileError } from '../scenarios/file/file-error.js';

const fromWorker = /^ScenarioFileError: ([^]*?)(?:\n\s+at |$)/;

/** the text to print, or null when `e` is not about a scenario file */
export function scenarioFileError(e: unknown): string | null {
  if (e instanceof ScenarioFileError) return e.message;
  if (!(e instanceof Error)) return null;
  const m = fromWorker.exec(e.message);
  return m === null ? null : m[1]!;
}
