// `iommulab run FILE|NAME`: one execution of a scenario and its whole trace. Without --seed it
// is the serial execution (each thread runs until it blocks or ends, like `replay SCENARIO -`);
// --seed N picks a schedule at random from seed N. Either way the report leads with the replay
// key of the execution it shows.
import { type CheckOptions, defaultCheckOptions, faultPlanFor } from '../check/check.js';
import { exitCodes } from '../check/exit-codes.js';
import { replayOptions } from '../check/replay-command.js';
import { RandomStrategy } from '../explorer/random.js';
import { ReplayStrategy } from '../explorer/replay.js';
import { runWith } from '../explorer/run-once.js';
import { encodeSchedule, faultsFor } from '../explorer/schedule.js';
import { executionReport, replayTarget } from '../report/text.js';
import { displayPath } from '../scenarios/file/display-path.js';
import { scenarioOfArg } from './scenario-args.js';

export interface RunFlags {
  seed?: number;
  faults: CheckOptions['faults'];
  maxFailures: number;
  faultPhases: CheckOptions['faultPhases'];
  faultSites: CheckOptions['faultSites'];
  skipFaultSites: CheckOptions['skipFaultSites'];
  warnFails: boolean;
  maxSteps: number;
  timeLimit: number;
}

export function runScenarioOnce(name: string, flags: RunFlags): number {
  const s = scenarioOfArg(name);
  const options: CheckOptions = {
    ...defaultCheckOptions,
    faults: flags.faults,
    maxFailures: flags.maxFailures,
    faultPhases: flags.faultPhases,
    faultSites: flags.faultSites,
    skipFaultSites: flags.skipFaultSites,
    warnFails: flags.warnFails,
    maxSteps: flags.maxSteps,
  };
  const searched = faultPlanFor(s, options);
  // one execution of a fail_nth sweep is the one where nothing fails (a point of it: `replay nN/...`)
  const faults = faultsFor({ choices: [] }, searched);
  const chooser = flags.seed === undefined ? new ReplayStrategy([], false).next()! : new RandomStrategy(flags.seed, 1).next()!;
  const exec = runWith(s.program, chooser, {
    faults,
    warnFails: flags.warnFails,
    trace: true,
    maxSteps: flags.maxSteps,
    deadline: performance.now() + flags.timeLimit * 1000,
  });
  const target = replayTarget({ scenario: s.name, ...(s.origin && { file: displayPath(s.origin.file) }) });
  const how = flags.seed === undefined ? 'the serial schedule' : `the schedule of seed ${flags.seed}`;
  console.log(`run: ${s.name}, one execution along ${how}`);
  // the key replays this execution with the options that decide which allocations may fail
  console.log(executionReport(target, encodeSchedule({ choices: exec.choices }), exec, replayOptions(options)));
  if (exec.violations.length > 0) return exitCodes.notAsExpected;
  if (exec.truncated !== null) {
    const limit = exec.truncated === 'steps' ? `--max-steps ${flags.maxSteps}` : `--time-limit ${flags.timeLimit} s`;
    console.error(`iommulab: the execution was cut at ${limit} before it ended (not a kernel report; exit ${exitCodes.incomplete})`);
    return exitCodes.incomplete;
  }
  return exitCodes.ok;
}
