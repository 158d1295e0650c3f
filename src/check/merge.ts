// Putting shard results back together: check that the files are the n shards of one run, then
// finish each scenario's search from all its ranges as if one process had explored them.
import { finishSearch, type RangeOutcome } from '../explorer/parallel/explore-parallel.js';
import type { SweepResult } from '../explorer/faults.js';
import { programRef } from '../scenarios/program-ref.js';
import { type CheckOptions, concludeScenario, faultPlanFor, type ScenarioOutcome } from './check.js';
import { optionsDiff } from './options-json.js';
import { checkProgressFits } from './progress-fits.js';
import { type RunFile, RunFileError } from './run-file.js';
import { scenarioOfRun } from './run-scenarios.js';
import { scenarioSource, searchSpecFor } from './search-spec.js';
import type { Scenario } from '../scenarios/scenario.js';

export interface ShardFile {
  readonly file: string;
  readonly run: RunFile;
}

export interface MergedRun {
  readonly options: CheckOptions;
  readonly outcomes: ScenarioOutcome[];
  /** the run's scenarios, found again from the shard files (built-ins by name, files by path and content) */
  readonly scenarios: Scenario[];
}

export async function mergeShards(shards: readonly ShardFile[]): Promise<MergedRun> {
  if (shards.length === 0) throw new RunFileError('merge: no shard files given');
  const first = shards[0]!;
  const n = first.run.shard?.count;
  const byIndex = new Map<number, string>();
  for (const { file, run } of shards) {
    if (run.shard === null) throw new RunFileError(`${file}: shard: not the result of a --shard run`);
    if (run.shard.count !== n) throw new RunFileError(`${file}: shard.count: ${run.shard.count}, but ${first.file} has ${n}: not shards of one run`);
    const other = byIndex.get(run.shard.index);
    if (other !== undefined) throw new RunFileError(`${file}: shard.index: shard ${run.shard.index}/${n} is also given as ${other}`);
    byIndex.set(run.shard.index, file);
    const same = (r: RunFile): string => JSON.stringify([r.scenarios, r.origins]);
    if (same(run) !== same(first.run)) {
      throw new RunFileError(`${file}: scenarios: differ from those of ${first.file}: not shards of one run`);
    }
    const diff = optionsDiff(run.options, first.run.options);
    if (diff.length > 0) throw new RunFileError(`${file}: options.${diff[0]}: differs from ${first.file}: shards must be run with the same options`);
  }
  const missing: number[] = [];
  for (let i = 1; i <= n!; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length > 0) {
    const listed = missing.slice(0, 10).map((i) => `${i}/${n}`).join(', ') + (missing.length > 10 ? ` and ${missing.length - 10} more` : '');
    throw new RunFileError(`merge: missing shard${missing.length > 1 ? 's' : ''} ${listed}`);
  }

  const opts = first.run.options;
  const scenarios = first.run.scenarios.map((name) => scenarioOfRun(name, first.run.origins, first.file));
  for (const { file, run } of shards) checkProgressFits(file, run, scenarios);
  const outcomes: ScenarioOutcome[] = [];
  for (const s of scenarios) {
    const name = s.name;
    const faults = faultPlanFor(s, opts);
    const ranges: RangeOutcome[] = [];
    const owner = new Map<number, string>();
    let sweep: SweepResult | null = null;
    let planSize: number | null = null;
    let elapsedMs = 0;
    for (const { file, run } of shards) {
      const p = run.progress.find((x) => x.name === name);
      if (p === undefined || p.status !== 'shard') throw new RunFileError(`${file}: progress: no finished result for scenario ${name}`);
      const part = p.part;
      if (part.kind === 'sweep') {
        if (sweep !== null) throw new RunFileError(`${file}: scenario ${name}: its fail_nth sweep is in two shards`);
        sweep = part.result;
      } else if (part.kind === 'search') {
        if (planSize !== null && part.planSize !== planSize) throw new RunFileError(`${file}: scenario ${name}: planSize ${part.planSize} differs from another shard's ${planSize}`);
        planSize = part.planSize;
        elapsedMs += part.elapsedMs;
        for (const r of part.ranges) {
          const other = owner.get(r.index);
          if (other !== undefined) throw new RunFileError(`${file}: scenario ${name}: range ${r.index} is also in ${other}`);
          owner.set(r.index, file);
          ranges.push(r);
        }
      }
    }
    if (faults.mode === 'nth') {
      if (sweep === null) throw new RunFileError(`merge: scenario ${name}: no shard has its fail_nth sweep`);
      outcomes.push(concludeScenario(s, sweep, faults, opts));
      continue;
    }
    if (planSize === null) throw new RunFileError(`merge: scenario ${name}: no shard has its search`);
    for (let i = 0; i < planSize; i++) {
      if (!owner.has(i)) throw new RunFileError(`merge: scenario ${name}: range ${i} of ${planSize} is in no shard`);
    }
    let result;
    try {
      const source = scenarioSource(programRef(s));
      result = await finishSearch(source, searchSpecFor(opts, faults), ranges, opts.maxExecutions, elapsedMs);
    } catch (e) {
      // executions the shards recorded do not replay: edited files, or another iommulab version
      throw new RunFileError(`merge: the shard results for ${name} do not fit this iommulab's scenario: ${(e as Error).message.split('\n')[0]}`);
    }
    outcomes.push(concludeScenario(s, result, faults, opts));
  }
  return { options: opts, outcomes, scenarios };
}
