// The two kinds of work a fuzzing process does, as plain data that crosses to a worker thread:
// searching one program (with its coverage), and triaging one signature.
import { iommuScenario } from '../scenarios/iommu/build.js';
import type { IommuScenarioSpec } from '../scenarios/iommu/spec.js';
import { type BlockProbe, type BlockReport } from './coverage.js';
import { searchProgram, type SearchOptions, type SearchOutcome } from './search.js';
import { triage, type TriageInput, type TriageOutput } from './triage.js';

export type Job =
  | { readonly type: 'search'; readonly spec: IommuScenarioSpec; readonly options: SearchOptions; readonly blocks: boolean }
  | { readonly type: 'triage'; readonly input: TriageInput };

export type JobResult =
  | { readonly type: 'search'; readonly outcome: SearchOutcome; readonly blocks: BlockReport }
  | { readonly type: 'triage'; readonly output: TriageOutput };

/** run one job in this thread; `probe` reads this thread's block coverage */
export async function runJob(job: Job, probe: () => Promise<BlockProbe>): Promise<JobResult> {
  if (job.type === 'triage') {
    const output = triage(job.input);
    // what triage ran is nobody's coverage: read and drop it
    if (job.input.config.coverage === 'blocks') await (await probe()).take();
    return { type: 'triage', output };
  }
  const p = job.blocks ? await probe() : null;
  if (p !== null) await p.take();
  const outcome = searchProgram(job.spec, iommuScenario(job.spec).program, job.options);
  const blocks = p === null ? {} : await p.take();
  return { type: 'search', outcome, blocks };
}
