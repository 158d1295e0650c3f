// iommulab command line: check, merge, replay, list.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { type CheckOptions, defaultCheckOptions, faultPlanFor, strategyNames } from '../check/check.js';
import { RunFileError } from '../check/run-file.js';
import { scenarioOfRun } from '../check/run-scenarios.js';
import { parseShard, type Shard } from '../check/shard.js';
import { patchRegistry } from '../core/patches.js';
import { defaultSliceMs } from '../explorer/parallel/explore-parallel.js';
import { defaultWorkers } from '../explorer/parallel/pool.js';
import { ReplayMismatch } from '../explorer/replay.js';
import { ModelError } from '../rt/violation.js';
import { runOnce } from '../explorer/run-once.js';
import { decodeSchedule, faultsFor, ScheduleSyntaxError } from '../explorer/schedule.js';
import { executionReport, replayTarget } from '../report/text.js';
import { displayPath } from '../scenarios/file/display-path.js';
import { builtinScenarios, iommuDriverNames } from '../scenarios/registry.js';
import { readCheckpoint, refuseToOverwrite, runCheckRequest, UsageError } from './check-command.js';
import { scenarioFileError } from './file-errors.js';
import { runMerge } from './merge.js';
import { scenarioOfArg, scenariosOfArgs, scenariosOfFiles, withDriverOverride } from './scenario-args.js';

function int(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    if (n > max) throw new InvalidArgumentError(`${name} must be an integer <= ${max}`);
    return n;
  };
}

/** seeds are 32-bit: a larger one would silently run the same search as some smaller one */
const maxSeed = 0xffffffff;

function seconds(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a number of seconds > 0`);
    return n;
  };
}

function shardArg(v: string): Shard {
  const s = parseShard(v);
  if (s === null) throw new InvalidArgumentError('--shard must be i/n with 1 <= i <= n, e.g. 2/3');
  return s;
}

interface CheckFlags {
  json?: boolean;
  verbose?: boolean;
  strategy?: CheckOptions['strategy'];
  seed: number;
  executions: number;
  preemptionBound?: number;
  depth: number;
  faults: CheckOptions['faults'];
  maxFailures: number;
  warnFails: boolean;
  maxExecutions: number;
  timeLimit: number;
  minimize: boolean;
  workers: number;
  shard?: Shard;
  out?: string;
  checkpoint?: string;
  checkpointEvery: number;
  resume?: string;
  driver?: string;
}

/** Flags that define the search: a resumed run takes them from its checkpoint. */
const searchFlags = [
  'strategy', 'seed', 'executions', 'preemptionBound', 'depth', 'faults', 'maxFailures', 'warnFails', 'maxExecutions',
  'timeLimit', 'minimize', 'shard', 'driver',
];

async function runCheck(names: string[], flags: CheckFlags, cmd: Command): Promise<number> {
  const common = {
    workers: flags.workers,
    sliceMs: defaultSliceMs,
    json: flags.json === true,
    verbose: flags.verbose === true,
    out: flags.out ?? null,
    checkpointEveryMs: flags.checkpointEvery * 1000,
  };
  if (flags.resume !== undefined) {
    const given = searchFlags.filter((f) => cmd.getOptionValueSource(f) === 'cli');
    if (names.length > 0 || given.length > 0) {
      throw new UsageError(`--resume takes the scenarios and options from the checkpoint; do not give ${names.length > 0 ? 'scenario names' : `--${kebab(given[0]!)}`}`);
    }
    const saved = readCheckpoint(flags.resume);
    if (saved.shard !== null && flags.out === undefined && flags.json !== true) {
      throw new UsageError(`${flags.resume} is a --shard run, which writes its result as JSON: give --out FILE (or --json)`);
    }
    const checkpoint = flags.checkpoint ?? flags.resume;
    if (checkpoint !== flags.resume) refuseToOverwrite(checkpoint);
    const resumed = {
      ...common,
      scenarios: saved.scenarios.map((n) => scenarioOfRun(n, saved.origins, flags.resume!)),
      options: saved.options,
      shard: saved.shard,
      checkpoint,
      resumed: saved.progress,
    };
    try {
      return await runCheckRequest(resumed);
    } catch (e) {
      if (e instanceof UsageError || e instanceof RunFileError || scenarioFileError(e) !== null) throw e;
      // a state that runs into a choice the scenario does not have: edited, or from another version
      throw new RunFileError(`${flags.resume}: the saved search does not fit the scenarios of this iommulab: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (flags.shard !== undefined && flags.out === undefined && flags.json !== true) {
    throw new UsageError('a --shard run writes its result as JSON: give --out FILE (or --json)');
  }
  if (flags.checkpoint !== undefined) refuseToOverwrite(flags.checkpoint);
  return runCheckRequest({
    ...common,
    scenarios: withDriverOverride(scenariosOfArgs(names), flags.driver),
    options: {
      strategy: flags.strategy ?? defaultCheckOptions.strategy,
      seed: flags.seed,
      executions: flags.executions,
      preemptionBound: flags.preemptionBound ?? Number.POSITIVE_INFINITY,
      pctDepth: flags.depth,
      faults: flags.faults,
      maxFailures: flags.maxFailures,
      warnFails: flags.warnFails,
      maxExecutions: flags.maxExecutions,
      timeLimitMs: flags.timeLimit * 1000,
      minimize: flags.minimize,
    },
    shard: flags.shard ?? null,
    checkpoint: flags.checkpoint ?? null,
    resumed: [],
  });
}

function kebab(flag: string): string {
  return flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

interface ReplayFlags {
  warnFails: boolean;
  faults: CheckOptions['faults'];
  maxFailures: number;
  driver?: string;
}

function runReplay(name: string, scheduleText: string, flags: ReplayFlags): number {
  const s = withDriverOverride([scenarioOfArg(name)], flags.driver)[0]!;
  let schedule: ReturnType<typeof decodeSchedule>;
  try {
    schedule = decodeSchedule(scheduleText);
  } catch (e) {
    if (e instanceof ScheduleSyntaxError) throw new UsageError(e.message);
    throw e;
  }
  const searched = faultPlanFor(s, { ...defaultCheckOptions, faults: flags.faults, maxFailures: flags.maxFailures });
  try {
    const exec = runOnce(s.program, schedule.choices, {
      faults: faultsFor(schedule, searched),
      warnFails: flags.warnFails,
      trace: true,
      strict: true,
    });
    const target = replayTarget({ scenario: s.name, ...(s.origin && { file: displayPath(s.origin.file) }) });
    console.log(executionReport(target, scheduleText, exec));
    return exec.violations.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof ReplayMismatch) throw new UsageError(`schedule "${scheduleText}" does not fit scenario ${name}: ${e.message}`);
    throw e;
  }
}

/** --driver: a topology override (every IOMMU of the scenario on that driver) */
function driverOption(): Option {
  return new Option('--driver <name>', 'drive every IOMMU of each built-in scenario with this driver (runs NAME@DRIVER)').choices([...iommuDriverNames]);
}

function program(): Command {
  const cmd = new Command('iommulab')
    .description('Explore every interleaving that matters of a kernel-faithful model of the Linux IOMMU subsystem')
    .showHelpAfterError()
    .exitOverride();
  cmd
    .command('check')
    .description('explore scenarios (every built-in one by default) and compare each outcome with its expectation')
    .argument('[scenarios...]', 'built-in names (see `iommulab list`), scenario files (FILE.yaml: all of its scenarios), FILE.yaml:NAME')
    .option('--json', 'print one JSON document instead of text')
    .option('-v, --verbose', 'print the splat of every violation found')
    .addOption(
      new Option('--strategy <name>', 'search strategy (default dpor)').choices([...strategyNames]),
    )
    .option('--seed <n>', 'seed for random and pct', int('--seed', 0, maxSeed), defaultCheckOptions.seed)
    .option('--executions <n>', 'executions for random and pct', int('--executions', 1), defaultCheckOptions.executions)
    .option('--preemption-bound <n>', 'dpor, dfs: only executions with at most this many preemptions', int('--preemption-bound'))
    .option('--depth <d>', 'pct: bug depth', int('--depth', 1), defaultCheckOptions.pctDepth)
    .addOption(
      new Option('--faults <mode>', 'allocation failures: scenario default, none, nth (fail_nth sweep), choice')
        .choices(['scenario', 'none', 'nth', 'choice'])
        .default('scenario'),
    )
    .option('--max-failures <n>', 'choice mode: failed allocations per execution', int('--max-failures', 1), 1)
    .option('--no-warn-fails', 'a WARN is reported but does not fail the check')
    .option('--max-executions <n>', 'stop a search after this many executions', int('--max-executions', 1), defaultCheckOptions.maxExecutions)
    .option('--time-limit <seconds>', 'stop a search this long (wall clock) after it starts', int('--time-limit', 1), defaultCheckOptions.timeLimitMs / 1000)
    .option('--no-minimize', 'report counterexamples as found, without shrinking')
    .option('--workers <n>', 'worker threads (1: explore in this thread)', int('--workers', 1), defaultWorkers())
    .option('--shard <i/n>', 'run the i-th of n deterministic shares of the work; `iommulab merge` combines them', shardArg)
    .option('--out <file>', 'also write the JSON result to FILE (a --shard run\'s result)')
    .addOption(driverOption())
    .option('--checkpoint <file>', 'save progress to FILE periodically and on Ctrl-C')
    .option('--checkpoint-every <seconds>', 'checkpoint period', seconds('--checkpoint-every'), 5)
    .option('--resume <file>', 'continue the run saved in a checkpoint (its scenarios and options)')
    .action(async (names: string[], flags: CheckFlags, c: Command) => {
      process.exitCode = await runCheck(names, flags, c);
    });
  cmd
    .command('merge')
    .description('combine the results of `check --shard i/n --out FILE` runs into the report of the whole run')
    .argument('<files...>', 'the n shard result files')
    .option('--json', 'print one JSON document instead of text')
    .option('-v, --verbose', 'print the splat of every violation found')
    .option('--out <file>', 'also write the JSON result to FILE')
    .action(async (files: string[], flags: { json?: boolean; verbose?: boolean; out?: string }) => {
      const req = { json: flags.json === true, verbose: flags.verbose === true, out: flags.out ?? null };
      process.exitCode = await runMerge(files, req);
    });
  cmd
    .command('replay')
    .description('run one execution of a scenario along a schedule and print its full trace')
    .argument('<scenario>', 'a built-in name, FILE.yaml:NAME, or a scenario file holding one scenario')
    .argument('<schedule>', 'schedule string from a report, e.g. 0.1x2.0 ("-" for none)')
    .addOption(new Option('--faults <mode>', 'as for check').choices(['scenario', 'none', 'nth', 'choice']).default('scenario'))
    .option('--max-failures <n>', 'as for check', int('--max-failures', 1), 1)
    .option('--no-warn-fails', 'a WARN is reported but does not fail')
    .addOption(driverOption())
    .action((name: string, schedule: string, flags: ReplayFlags) => {
      process.exitCode = runReplay(name, schedule, flags);
    });
  cmd
    .command('patches')
    .description('list the named patch toggles a scenario can run instead of the v7.0 baseline')
    .action(() => {
      const width = Math.max(...patchRegistry.map((p) => p.name.length));
      for (const p of patchRegistry) console.log(`${p.name.padEnd(width)}  ${p.description}\n${' '.repeat(width)}  source: ${p.source}`);
    });
  cmd
    .command('list')
    .description('list the built-in scenarios, or the scenarios of scenario files')
    .argument('[files...]', 'scenario files (FILE.yaml)')
    .action((files: string[]) => {
      const scenarios = files.length === 0 ? builtinScenarios : scenariosOfFiles(files);
      const width = Math.max(...scenarios.map((s) => s.name.length));
      for (const s of scenarios) console.log(`${s.name.padEnd(width)}  ${s.summary}`);
    });
  return cmd;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    process.exitCode = undefined;
    await program().parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError || e instanceof RunFileError) {
      console.error(`iommulab: ${e.message}`);
      return 2;
    }
    const fileError = scenarioFileError(e);
    if (fileError !== null) {
      // FILE:LINE: FIELD: message lines, as a compiler prints them
      console.error(fileError);
      return 2;
    }
    if (e instanceof ModelError) {
      // not a kernel finding: the model or a scenario is broken; say where, with a replay key
      console.error(`iommulab: error in the model: ${e.message}`);
      if (process.env.IOMMULAB_DEBUG) console.error(e.stack);
      return 70;
    }
    throw e;
  }
}
