// A saved run's progress must be the progress of the search its options describe: a scenario
// whose search is a fail_nth sweep (under these options) has a sweep's progress, any other a
// search's, and a search's ranges are the ranges of its plan. An edit that slipped past the
// digest (run-file.ts) or a file from another iommulab would otherwise resume as another search.
import { faultPlanFor } from './check.js';
import type { RunFile } from './run-file.js';
import { RunFileError } from './run-file.js';
import type { Scenario } from '../scenarios/scenario.js';

export function checkProgressFits(file: string, run: RunFile, scenarios: readonly Scenario[]): void {
  run.progress.forEach((p, i) => {
    const s = scenarios.find((x) => x.name === p.name);
    if (s === undefined) return;
    const sweep = faultPlanFor(s, run.options).mode === 'nth';
    const at = `${file}: progress[${i}]`;
    const expected = sweep ? 'a fail_nth sweep' : 'a search';
    const misfit = (what: string): RunFileError =>
      new RunFileError(`${at}: ${what}, but with the options saved (faults: ${run.options.faults}) scenario ${s.name} is ${expected}: the file does not hold this run`);
    if (p.status === 'sweep' && !sweep) throw misfit('the progress of a fail_nth sweep');
    if (p.status === 'search' && sweep) throw misfit('the progress of a search');
    if (p.status === 'shard') {
      if (p.part.kind === 'sweep' && !sweep) throw misfit('a fail_nth sweep\'s result');
      if (p.part.kind === 'search' && sweep) throw misfit('a search\'s result');
    }
    let ranges: { planSize: number; indexes: number[] } | null = null;
    if (p.status === 'search') ranges = { planSize: p.planSize, indexes: p.ranges.map((r) => r.index) };
    if (p.status === 'shard' && p.part.kind === 'search') ranges = { planSize: p.part.planSize, indexes: p.part.ranges.map((r) => r.index) };
    if (ranges !== null) {
      if (run.shard === null && ranges.planSize !== 1) throw new RunFileError(`${at}.planSize: ${ranges.planSize}, but a run without --shard has one range`);
      ranges.indexes.forEach((x, j) => {
        if (x >= ranges.planSize) throw new RunFileError(`${at}: range index ${x} is past the plan's ${ranges.planSize} ranges`);
        if (ranges.indexes.indexOf(x) !== j) throw new RunFileError(`${at}: range ${x} is listed twice`);
      });
    }
  });
}
