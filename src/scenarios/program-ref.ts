// The plain string a worker thread is given to find a scenario's program (resolve.ts): a
// built-in's name, or for a scenario file the content hash, scenario name and absolute path,
// so the worker reads the same file and refuses one that changed under the run.
import type { Scenario, ScenarioOrigin } from './scenario.js';

const prefix = 'file:';

export interface FileRef extends ScenarioOrigin {
  readonly name: string;
}

/** file:SHA256:NAME:PATH (a scenario name has no colon; the path is the rest) */
export function programRef(s: Scenario): string {
  return s.origin === undefined ? s.name : `${prefix}${s.origin.sha256}:${s.name}:${s.origin.file}`;
}

export function parseFileRef(ref: string): FileRef | null {
  const m = /^file:([0-9a-f]{64}):([^:]+):(.+)$/s.exec(ref);
  return m === null ? null : { sha256: m[1]!, name: m[2]!, file: m[3]! };
}
