// The command that replays a counterexample: `iommulab replay TARGET SCHEDULE [OPTIONS]`, with the
// options of the check that change what one execution does (so the key replays what it is
// printed with). The schedule itself says whether and where allocations fail (schedule.ts).
import { shellWord } from '../scenarios/file/display-path.js';
import type { CheckOptions } from './check.js';

export function replayCommand(target: string, schedule: string, options: readonly string[] = []): string {
  return ['iommulab replay', target, schedule, ...options].join(' ');
}

/** what `replay` is given for a scenario: its name, or FILE.yaml:NAME for a scenario file's */
export function replayTarget(o: { readonly scenario: string; readonly file?: string }): string {
  return o.file === undefined ? o.scenario : shellWord(`${o.file}:${o.scenario}`);
}

/** replay's default --max-steps (check.ts defaultCheckOptions.maxSteps; not imported: check.ts imports this file) */
export const replayDefaultMaxSteps = 100_000;

/** the replay options a check with these options needs */
export function replayOptions(opts: CheckOptions): string[] {
  const out: string[] = [];
  if (!opts.warnFails) out.push('--no-warn-fails');
  // a key found past the default step bound is cut there on replay
  if (opts.maxSteps > replayDefaultMaxSteps) out.push('--max-steps', String(opts.maxSteps));
  // which allocations may fail decides which are choices in the schedule
  if (opts.faults !== 'none') {
    if (opts.faultPhases.length !== 1 || opts.faultPhases[0] !== 'threads') out.push('--fault-phases', opts.faultPhases.join(','));
    if (opts.faultSites.length > 0) out.push('--fault-sites', shellWord(opts.faultSites.join(',')));
    if (opts.skipFaultSites.length > 0) out.push('--skip-fault-sites', shellWord(opts.skipFaultSites.join(',')));
  }
  return out;
}
