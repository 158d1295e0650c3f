// iommulab command line: check, merge, replay, list, patches.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { type CheckOptions, defaultCheckOptions, faultPlanFor, faultScopeOf, strategyNames } from '../check/check.js';
import { exitCodes } from '../check/exit-codes.js';
import { type Bound, boundText, bounds } from '../check/limits.js';
import { checkDistinct, type InputFile, OutputRefused } from '../check/output-file.js';
import { checkProgressFits } from '../check/progress-fits.js';
import { RunFileError } from '../check/run-file.js';
import { scenarioOfRun } from '../check/run-scenarios.js';
import { parseShard, type Shard } from '../check/shard.js';
import { patchRegistry } from '../core/patches.js';
import { defaultSliceMs } from '../explorer/parallel/explore-parallel.js';
import { defaultWorkers } from '../explorer/parallel/pool.js';
import { ReplayMismatch } from '../explorer/replay.js';
import { type FaultPhase, faultPhases } from '../rt/execution.js';
import { isViolationKind, ModelError, violationKinds } from '../rt/violation.js';
import { runOnce } from '../explorer/run-once.js';
import { recordYieldSites } from '../explorer/yield-sites.js';
import { YieldLog, yieldRaceSplat } from '../rt/yield-race.js';
import { decodeSchedule, faultsFor, ScheduleSyntaxError } from '../explorer/schedule.js';
import { explainText, kindsText, unknownKindMessage } from '../report/explain.js';
import { progressStream } from '../report/progress-line.js';
import { replayCommand, replayOptions } from '../check/replay-command.js';
import { executionReport, replayTarget } from '../report/text.js';
import { displayPath } from '../scenarios/file/display-path.js';
import { builtinScenarios, iommuDriverNames } from '../scenarios/registry.js';
import type { Scenario } from '../scenarios/scenario.js';
import { newCheckpoint, OutputFile, readCheckpoint, runCheckRequest, runYieldCheck, UsageError } from './check-command.js';
import { scenarioFileError } from './file-errors.js';
import { KnownFileError, OutputError, StateFileError } from '../fuzz/index.js';
import { type FuzzFlags, runFuzz, runFuzzMerge } from './fuzz-command.js';
import { checkHtmlWriter, commandLine, htmlReportFile, writeReplayReport } from './html-report.js';
import { TimelineRecorder } from '../report/html-trace.js';
import type { Execution } from '../rt/execution.js';
import { runMerge } from './merge.js';
import { type RunFlags, runScenarioOnce } from './run-command.js';
import { patchArgs, scenarioOfArg, scenariosOfArgs, scenariosOfFiles, withDriverOverride } from './scenario-args.js';
import { describeExpectation } from '../scenarios/scenario.js';

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** `iommulab patches`: every toggle, its values (the default marked), source and commit */
export function patchListing(): string {
  const out: string[] = [];
  for (const p of patchRegistry) {
    out.push(`${p.name}: ${p.description}`);
    const values: Readonly<Record<string, string>> = p.values;
    const width = Math.max(...Object.keys(values).map((v) => v.length + (v === p.default ? ' (default)'.length : 0)));
    for (const [v, what] of Object.entries(values)) out.push(`  ${`${v}${v === p.default ? ' (default)' : ''}`.padEnd(width)}  ${what}`);
    out.push(`  source: ${p.source}`, `  commit: ${p.commit}`, '');
  }
  out.push('Set one with `check --patch NAME=VALUE` (NAME alone turns an off/on toggle on), in a scenario file with');
  out.push('`patches: [NAME, NAME: VALUE]`, or name a scenario in a setting as SCENARIO@NAME=VALUE,... (on another');
  out.push('IOMMU driver: SCENARIO@DRIVER,NAME=VALUE,...; `check --driver DRIVER` does that for every built-in).');
  return out.join('\n');
}

/** An integer option within its bound (check/limits.ts): plain decimal digits, nothing else. */
function int(name: string, b: Bound) {
  return (v: string): number => {
    const n = /^\d{1,16}$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < b.min || n > b.max) throw new InvalidArgumentError(`${name} must be an integer ${boundText(b)}`);
    return n;
  };
}

/** A number of seconds within its bound (fractions allowed). */
function seconds(name: string, b: Bound) {
  return (v: string): number => {
    const n = /^\d{1,16}(\.\d{1,9})?$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
    if (!Number.isFinite(n) || n < b.min || n > b.max) throw new InvalidArgumentError(`${name} must be a number of seconds ${boundText(b)}`);
    return n;
  };
}

/** --fault-phases prologue,threads,teardown */
function phasesArg(v: string): FaultPhase[] {
  const list = v.split(',').map((p) => p.trim());
  for (const p of list) {
    if (!faultPhases.includes(p as FaultPhase)) throw new InvalidArgumentError(`--fault-phases takes a comma-separated list of ${faultPhases.join(', ')}; "${p}" is none of them`);
  }
  return [...new Set(list)] as FaultPhase[];
}

/** --fault-sites FN,FN: model functions in the kernel's spelling (as traces print them) */
function sitesArg(flag: string) {
  return (v: string): string[] => {
    const list = v.split(',').map((f) => f.trim());
    for (const f of list) {
      if (!/^[A-Za-z_][\w.]*$/.test(f)) throw new InvalidArgumentError(`${flag} takes a comma-separated list of function names (e.g. iommu_group_alloc); "${f}" is not one`);
    }
    return [...new Set(list)];
  };
}

function shardArg(v: string): Shard {
  const s = parseShard(v);
  if (s === null) throw new InvalidArgumentError('--shard must be i/n with 1 <= i <= n, e.g. 2/3');
  if (s.count > bounds.shards.max) throw new InvalidArgumentError(`--shard i/n: n must be at most ${bounds.shards.max.toLocaleString('en-US')} (${bounds.shards.why})`);
  return s;
}

interface CheckFlags {
  json?: boolean;
  verbose?: boolean;
  progress: boolean;
  strategy?: CheckOptions['strategy'];
  seed: number;
  executions: number;
  preemptionBound?: number;
  depth: number;
  faults: CheckOptions['faults'];
  maxFailures: number;
  faultPhases: FaultPhase[];
  faultSites: string[];
  skipFaultSites: string[];
  warnFails: boolean;
  maxExecutions: number;
  timeLimit: number;
  maxSteps: number;
  minimize: boolean;
  workers: number;
  force?: boolean;
  shard?: Shard;
  out?: string;
  junit?: string;
  checkpoint?: string;
  checkpointEvery: number;
  resume?: string;
  driver?: string;
  patch: string[];
  checkYields?: boolean;
  report?: string;
}

/** Flags that define the search: a resumed run takes them from its checkpoint. */
const searchFlags = [
  'strategy', 'seed', 'executions', 'preemptionBound', 'depth', 'faults', 'maxFailures', 'faultPhases', 'faultSites', 'skipFaultSites', 'warnFails', 'maxExecutions',
  'timeLimit', 'maxSteps', 'minimize', 'shard', 'patch', 'driver',
];

/** the scenario files a run reads (never to be overwritten by its outputs) */
function scenarioInputs(scenarios: readonly Scenario[]): InputFile[] {
  const files = new Set(scenarios.flatMap((s) => (s.origin === undefined ? [] : [s.origin.file])));
  return [...files].map((path) => ({ path, what: 'a scenario file this check reads' }));
}

async function runCheck(names: string[], flags: CheckFlags, cmd: Command): Promise<number> {
  const force = flags.force === true;
  const common = {
    workers: flags.workers,
    sliceMs: defaultSliceMs,
    json: flags.json === true,
    verbose: flags.verbose === true,
    checkpointEveryMs: flags.checkpointEvery * 1000,
    progress: flags.progress ? progressStream(flags.json === true, process.stderr) : null,
  };
  const outputs = (checkpoint: string | null): void => {
    checkDistinct([
      ...(flags.out === undefined ? [] : [{ option: '--out', path: flags.out }]),
      ...(flags.junit === undefined ? [] : [{ option: '--junit', path: flags.junit }]),
      ...(checkpoint === null ? [] : [{ option: '--checkpoint', path: checkpoint }]),
      ...(flags.report === undefined ? [] : [{ option: '--report', path: flags.report }]),
    ]);
  };
  const html = (scenarios: readonly Scenario[], options: CheckOptions, inputs: readonly InputFile[]) =>
    flags.report === undefined
      ? null
      : checkHtmlWriter(htmlReportFile(flags.report, force, inputs), {
          scenarios,
          options,
          command: commandLine(argvOfRun),
          version: packageVersion(),
          quiet: flags.json === true,
        });
  if (flags.checkYields === true) {
    const clash = (['resume', 'shard', 'checkpoint'] as const).find((f) => flags[f] !== undefined);
    if (clash !== undefined) throw new UsageError(`--check-yields runs its searches in this thread, one by one: it does not take --${clash}`);
  }
  if (flags.resume !== undefined) {
    const given = searchFlags.filter((f) => cmd.getOptionValueSource(f) === 'cli');
    if (names.length > 0 || given.length > 0) {
      throw new UsageError(`--resume takes the scenarios and options from the checkpoint; do not give ${names.length > 0 ? 'scenario names' : `--${kebab(given[0]!)}`}`);
    }
    const saved = readCheckpoint(flags.resume);
    if (saved.shard !== null && flags.report !== undefined) throw new UsageError('--report draws a whole check: a --shard run cannot give one');
    if (saved.shard !== null && flags.out === undefined && flags.json !== true) {
      throw new UsageError(`${flags.resume} is a --shard run, which writes its result as JSON: give --out FILE (or --json)`);
    }
    const scenarios = saved.scenarios.map((n) => scenarioOfRun(n, saved.origins, flags.resume!));
    checkProgressFits(flags.resume, saved, scenarios);
    const checkpointPath = flags.checkpoint ?? flags.resume;
    outputs(checkpointPath);
    const inputs = [...scenarioInputs(scenarios), { path: flags.resume, what: 'the checkpoint being resumed' }];
    // the checkpoint resumed is this run's own: it goes on being written there
    const checkpoint = checkpointPath === flags.resume
      ? new OutputFile(checkpointPath, 'checkpoint', '--checkpoint', force, scenarioInputs(scenarios))
      : newCheckpoint(checkpointPath, force, inputs);
    const out = flags.out === undefined ? null : new OutputFile(flags.out, saved.shard === null ? 'report' : 'shard', '--out', force, inputs);
    out?.check();
    const junit = junitFile(flags, saved.shard !== null, inputs);
    const { options, shard, progress } = saved;
    const report = html(scenarios, options, inputs);
    try {
      const request = { ...common, scenarios, options, shard, out, junit, checkpoint, resumed: progress, html: report };
      return await runCheckRequest(request);
    } catch (e) {
      const known = e instanceof UsageError || e instanceof RunFileError || e instanceof OutputRefused;
      if (known || scenarioFileError(e) !== null) throw e;
      // a state that runs into a choice the scenario does not have: edited, or from another version
      throw new RunFileError(`${flags.resume}: the saved search does not fit the scenarios of this iommulab: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (flags.shard !== undefined && flags.report !== undefined) throw new UsageError('--report draws a whole check: a --shard run cannot give one');
  if (flags.shard !== undefined && flags.out === undefined && flags.json !== true) {
    throw new UsageError('a --shard run writes its result as JSON: give --out FILE (or --json)');
  }
  const patched = scenariosOfArgs(names, flags.patch.length === 0 ? null : patchArgs(flags.patch));
  const scenarios = withDriverOverride(patched, flags.driver);
  outputs(flags.checkpoint ?? null);
  const inputs = scenarioInputs(scenarios);
  const checkpoint = flags.checkpoint === undefined ? null : newCheckpoint(flags.checkpoint, force, inputs);
  const out = flags.out === undefined ? null : new OutputFile(flags.out, flags.shard === undefined ? 'report' : 'shard', '--out', force, inputs);
  out?.check();
  const junit = junitFile(flags, flags.shard !== undefined, inputs);
  const options: CheckOptions = {
    strategy: flags.strategy ?? defaultCheckOptions.strategy,
    seed: flags.seed,
    executions: flags.executions,
    preemptionBound: flags.preemptionBound ?? Number.POSITIVE_INFINITY,
    pctDepth: flags.depth,
    faults: flags.faults,
    maxFailures: flags.maxFailures,
    faultPhases: flags.faultPhases,
    faultSites: flags.faultSites,
    skipFaultSites: flags.skipFaultSites,
    warnFails: flags.warnFails,
    maxExecutions: flags.maxExecutions,
    timeLimitMs: flags.timeLimit * 1000,
    maxSteps: flags.maxSteps,
    minimize: flags.minimize,
  };
  const report = html(scenarios, options, inputs);
  if (flags.checkYields === true) return runYieldCheck(scenarios, options, { ...common, out, junit, html: report });
  return runCheckRequest({
    ...common,
    scenarios,
    options,
    shard: flags.shard ?? null,
    out,
    junit,
    checkpoint,
    resumed: [],
    html: report,
  });
}

/** --junit FILE, checked before the run like every output */
function junitFile(flags: CheckFlags, shard: boolean, inputs: readonly InputFile[]): OutputFile | null {
  if (flags.junit === undefined) return null;
  if (shard) throw new UsageError('--junit reports outcomes, which a --shard run does not have: give --junit to the run that has them');
  const f = new OutputFile(flags.junit, 'junit', '--junit', flags.force === true, inputs);
  f.check();
  return f;
}

function kebab(flag: string): string {
  return flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

interface ReplayFlags {
  warnFails: boolean;
  faults: CheckOptions['faults'];
  maxFailures: number;
  faultPhases: FaultPhase[];
  faultSites: string[];
  skipFaultSites: string[];
  maxSteps: number;
  timeLimit: number;
  checkYields?: boolean;
  driver?: string;
  patch: string[];
  report?: string;
  force?: boolean;
}

function runReplay(name: string, scheduleText: string, flags: ReplayFlags): number {
  const s = withDriverOverride([scenarioOfArg(name, flags.patch.length === 0 ? null : patchArgs(flags.patch))], flags.driver)[0]!;
  const inputs = s.origin === undefined ? [] : [{ path: s.origin.file, what: 'the scenario file this replay reads' }];
  const reportFile = flags.report === undefined ? null : htmlReportFile(flags.report, flags.force === true, inputs);
  const recorder = reportFile === null ? null : new TimelineRecorder();
  let schedule: ReturnType<typeof decodeSchedule>;
  try {
    schedule = decodeSchedule(scheduleText);
  } catch (e) {
    if (e instanceof ScheduleSyntaxError) throw new UsageError(e.message);
    throw e;
  }
  const searched = faultPlanFor(s, {
    ...defaultCheckOptions,
    faults: flags.faults,
    maxFailures: flags.maxFailures,
    faultPhases: flags.faultPhases,
    faultSites: flags.faultSites,
    skipFaultSites: flags.skipFaultSites,
  });
  try {
    // a schedule that fails allocations says how (n/, F, S); which allocations may fail is the options'
    const plan = faultsFor(schedule, searched);
    const yieldLog = flags.checkYields === true ? new YieldLog() : null;
    const runWith = (log: YieldLog | null, traceObserver: TimelineRecorder['observer'] | null): Execution =>
      runOnce(s.program, schedule.choices, {
        faults: plan.mode === 'none' ? plan : { ...plan, ...faultScopeOf(flags) },
        warnFails: flags.warnFails,
        trace: true,
        strict: true,
        maxSteps: flags.maxSteps,
        deadline: performance.now() + flags.timeLimit * 1000,
        yieldLog: log,
        traceObserver,
      });
    const exec = runWith(yieldLog, recorder?.observer ?? null);
    // the scenario's own name: a variant's says its settings, so the key replays without --patch
    const target = replayTarget({ scenario: s.name, ...(s.origin && { file: displayPath(s.origin.file) }) });
    const options = replayOptions({ ...defaultCheckOptions, ...flags });
    console.log(executionReport(target, scheduleText, exec, options));
    if (reportFile !== null) {
      const again = (o: TimelineRecorder['observer']): Execution => runWith(null, o);
      const replay = replayCommand(target, scheduleText, options);
      const run = { scenario: s, schedule: scheduleText, replay, exec, recorder: recorder!, again };
      writeReplayReport(reportFile, run, { command: commandLine(argvOfRun), version: packageVersion() });
    }
    let races: ReturnType<YieldLog['list']> = [];
    if (yieldLog !== null) {
      recordYieldSites(s.program, exec, yieldLog, flags.warnFails, flags.maxSteps);
      races = yieldLog.list();
      console.log(races.length === 0 ? '\nyield rule: kept in this execution' : `\n${races.map(yieldRaceSplat).join('\n\n')}`);
    }
    if (exec.violations.length > 0 || races.length > 0) return exitCodes.notAsExpected;
    if (exec.truncated !== null) {
      const limit = exec.truncated === 'steps' ? `--max-steps ${flags.maxSteps}` : `--time-limit ${flags.timeLimit} s`;
      console.error(`iommulab: the execution was cut at ${limit} before it ended (not a kernel report; exit ${exitCodes.incomplete})`);
      return exitCodes.incomplete;
    }
    return exitCodes.ok;
  } catch (e) {
    if (e instanceof ReplayMismatch) throw new UsageError(`schedule "${scheduleText}" does not fit scenario ${name}: ${e.message}`);
    throw e;
  }
}

/** --driver: a topology override (every IOMMU of the scenario on that driver) */
function driverOption(): Option {
  return new Option('--driver <name>', 'drive every IOMMU of each built-in scenario with this driver (runs NAME@DRIVER)').choices([...iommuDriverNames]);
}

const faultModes = ['scenario', 'none', 'nth', 'choice'];

const mainExamples = `
Examples:
  iommulab list                                   the built-in scenarios
  iommulab check                                  explore every built-in scenario
  iommulab check iommu-reset-vs-attach -v         one scenario, with the splat of each violation
  iommulab check my.yaml iommu-lifecycle          scenario files and built-ins together
  iommulab replay iommu-reset-vs-detach 1x6.2x2.1 one execution, step by step
  iommulab run iommu-reset-vs-attach --seed 3     one execution along a random schedule
  iommulab explain use-after-free                 what a violation kind means, what to do

Exit codes: 0 as expected, 1 not as expected (a bug found, or an expected one missing),
2 bad usage or input, 3 incomplete (a limit cut a search short), 70 internal error,
130 interrupted (progress saved). Run \`iommulab COMMAND --help\` for a command's options.`;

const checkExamples = `
Examples:
  iommulab check                                        every built-in scenario
  iommulab check abba-deadlock -v                       one scenario, with the splat of each violation
  iommulab check my.yaml other.yml iommu-lifecycle      scenario files and built-ins together
  iommulab check my.yaml:reset-race --faults nth        one scenario of a file, fail_nth sweep
  iommulab check --strategy pct --seed 7 --executions 5000
  iommulab check --checkpoint run.json                  save progress; continue with --resume run.json
  iommulab check --shard 2/3 --out shard2.json          one of 3 shares; \`iommulab merge\` combines them
  iommulab check iommu-release-order@releaseOrder=old   a scenario in another patch toggle setting
  iommulab check --patch resetFence=none                every IOMMU scenario with that toggle setting
  iommulab check --junit results.xml                    JUnit XML for CI (one testcase per scenario)
  iommulab check iommu-reset-vs-detach --report r.html  an HTML report: each violation's timeline and state

Limits: a search stops at --time-limit or --max-executions, an execution at --max-steps; a
search cut short is reported "incomplete" (exit 3). Outputs (--out, --junit, --checkpoint) never
replace a file that is not iommulab's own output of the same kind without --force.
Exit codes: 0 as expected, 1 not as expected, 2 bad usage or input, 3 incomplete,
70 internal error, 130 interrupted (progress saved).`;

/** The short hint a usage error ends with (instead of the whole help). */
function hint(cmd: Command): string {
  const path = cmd.parent === null ? 'iommulab' : `iommulab ${cmd.name()}`;
  return `(run \`${path} --help\` for usage)`;
}

function program(): Command {
  const cmd = new Command('iommulab')
    .description('Explore every interleaving that matters of a kernel-faithful model of the Linux IOMMU subsystem')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .exitOverride()
    // through console, like everything else the command prints (tests capture it in-process)
    .configureOutput({ writeOut: (t) => console.log(t.replace(/\n$/, '')), writeErr: (t) => console.error(t.replace(/\n$/, '')) })
    .addHelpText('after', mainExamples);
  cmd.showHelpAfterError(hint(cmd));
  const check = cmd
    .command('check')
    .description('explore scenarios (every built-in one by default) and compare each outcome with its expectation')
    .argument('[scenarios...]', 'built-in names (see `iommulab list`), scenario files (FILE.yaml: all of its scenarios), FILE.yaml:NAME')
    .option('--json', 'print one JSON document instead of text')
    .option('-v, --verbose', 'print the splat of every violation found')
    .option('--no-progress', 'no progress line (drawn on stderr only when it is a terminal, and never with --json)')
    .addOption(
      new Option('--strategy <name>', 'search strategy (default dpor)').choices([...strategyNames]),
    )
    .option('--seed <n>', `seed for random and pct (${boundText(bounds.seed)})`, int('--seed', bounds.seed), defaultCheckOptions.seed)
    .option('--executions <n>', 'executions for random and pct', int('--executions', bounds.executions), defaultCheckOptions.executions)
    .option('--preemption-bound <n>', `dpor, dfs: only executions with at most this many preemptions (at most ${bounds.preemptionBound.max})`, int('--preemption-bound', bounds.preemptionBound))
    .option('--depth <d>', `pct: bug depth (at most ${bounds.pctDepth.max})`, int('--depth', bounds.pctDepth), defaultCheckOptions.pctDepth)
    .addOption(
      new Option('--faults <mode>', 'allocation failures: scenario default, none, nth (fail_nth sweep), choice')
        .choices(faultModes)
        .default('scenario'),
    )
    .option('--max-failures <n>', `choice mode: failed allocations per execution (at most ${bounds.maxFailures.max})`, int('--max-failures', bounds.maxFailures), 1)
    .option('--fault-phases <list>', 'where --faults fails allocations: prologue, threads, teardown (comma-separated)', phasesArg, defaultCheckOptions.faultPhases)
    .option('--fault-sites <fns>', 'fail only allocations made inside these functions (kernel names, comma-separated)', sitesArg('--fault-sites'), [])
    .option('--skip-fault-sites <fns>', 'never fail allocations made inside these functions', sitesArg('--skip-fault-sites'), [])
    .option('--no-warn-fails', 'a WARN is reported but does not fail the check')
    .option('--max-executions <n>', 'stop a search after this many executions (incomplete)', int('--max-executions', bounds.maxExecutions), defaultCheckOptions.maxExecutions)
    .option('--time-limit <seconds>', `stop a search and its minimization this long (wall clock) after it starts (incomplete; at most ${bounds.timeLimit.max.toLocaleString('en-US')})`, int('--time-limit', bounds.timeLimit), defaultCheckOptions.timeLimitMs / 1000)
    .option('--max-steps <n>', `cut an execution that wants more steps (incomplete; at most ${bounds.maxSteps.max.toLocaleString('en-US')})`, int('--max-steps', bounds.maxSteps), defaultCheckOptions.maxSteps)
    .option('--no-minimize', 'report counterexamples as found, without shrinking')
    .option('--workers <n>', `worker threads (1: explore in this thread; at most ${bounds.workers.max})`, int('--workers', bounds.workers), Math.min(defaultWorkers(), bounds.workers.max))
    .option('--shard <i/n>', `run the i-th of n deterministic shares of the work (n at most ${bounds.shards.max}); \`iommulab merge\` combines them`, shardArg)
    .option('--out <file>', 'also write the JSON result to FILE (a --shard run\'s result)')
    .option('--junit <file>', 'also write the outcomes as JUnit XML to FILE (one testcase per scenario), for CI')
    .addOption(driverOption())
    .option('--checkpoint <file>', 'save progress to FILE periodically and on Ctrl-C')
    .option('--checkpoint-every <seconds>', 'checkpoint period', seconds('--checkpoint-every', bounds.checkpointEvery), 5)
    .option('--resume <file>', 'continue the run saved in a checkpoint (its scenarios and options)')
    .option('--patch <name[=value]>', 'run with this patch toggle setting over each scenario\'s own (repeatable; `iommulab patches`); without it every scenario also runs in the settings it declares', collect, [])
    .option('--report <file>', 'also write an HTML report to FILE: each violation\'s timeline, state and splat (one file, opens offline)')
    .option('--force', 'let --out, --junit, --checkpoint and --report replace an existing file that is not iommulab\'s output of that kind')
    .option('--check-yields', 'checking mode: also report plain accesses that break the yield rule (slow; runs in this thread)')
    .addHelpText('after', checkExamples)
    .action(async (names: string[], flags: CheckFlags, c: Command) => {
      process.exitCode = await runCheck(names, flags, c);
    });
  check.showHelpAfterError(hint(check));
  const merge = cmd
    .command('merge')
    .description('combine the results of `check --shard i/n --out FILE` runs into the report of the whole run')
    .argument('<files...>', 'the n shard result files')
    .option('--json', 'print one JSON document instead of text')
    .option('-v, --verbose', 'print the splat of every violation found')
    .option('--out <file>', 'also write the JSON result to FILE')
    .option('--junit <file>', 'also write the outcomes as JUnit XML to FILE')
    .option('--report <file>', 'also write the HTML report of the whole run to FILE (each violation\'s key is replayed: the scenarios must be at hand)')
    .option('--force', 'let --out, --junit or --report replace an existing file that is not iommulab\'s output of that kind')
    .addHelpText('after', '\nExample:\n  iommulab merge shard1.json shard2.json shard3.json --out report.json --junit results.xml --report report.html')
    .action(async (files: string[], flags: MergeFlags) => {
      const inputs = files.map((path) => ({ path, what: 'a shard result this merge reads' }));
      checkDistinct([
        ...(flags.out === undefined ? [] : [{ option: '--out', path: flags.out }]),
        ...(flags.junit === undefined ? [] : [{ option: '--junit', path: flags.junit }]),
        ...(flags.report === undefined ? [] : [{ option: '--report', path: flags.report }]),
      ]);
      const out = flags.out === undefined ? null : new OutputFile(flags.out, 'report', '--out', flags.force === true, inputs);
      out?.check();
      const junit = flags.junit === undefined ? null : new OutputFile(flags.junit, 'junit', '--junit', flags.force === true, inputs);
      junit?.check();
      const report = flags.report === undefined ? null : htmlReportFile(flags.report, flags.force === true, inputs);
      const html = report === null ? null : { file: report, command: commandLine(argvOfRun), version: packageVersion() };
      const req = { json: flags.json === true, verbose: flags.verbose === true, out, junit, html };
      process.exitCode = await runMerge(files, req);
    });
  merge.showHelpAfterError(hint(merge));
  const replay = cmd
    .command('replay')
    .description('run one execution of a scenario along a schedule and print its full trace')
    .argument('<scenario>', 'a built-in name, FILE.yaml:NAME, or a scenario file holding one scenario')
    .argument('<schedule>', 'schedule string from a report, e.g. 0.1x2.0 ("-" for none)')
    .addOption(new Option('--faults <mode>', 'as for check').choices(faultModes).default('scenario'))
    .option('--max-failures <n>', 'as for check', int('--max-failures', bounds.maxFailures), 1)
    .option('--fault-phases <list>', 'as for check', phasesArg, defaultCheckOptions.faultPhases)
    .option('--fault-sites <fns>', 'as for check', sitesArg('--fault-sites'), [])
    .option('--skip-fault-sites <fns>', 'as for check', sitesArg('--skip-fault-sites'), [])
    .option('--no-warn-fails', 'a WARN is reported but does not fail')
    .option('--patch <name[=value]>', 'as for check (the same as naming SCENARIO@NAME=VALUE)', collect, [])
    .addOption(driverOption())
    .option('--max-steps <n>', 'as for check', int('--max-steps', bounds.maxSteps), defaultCheckOptions.maxSteps)
    .option('--time-limit <seconds>', 'cut the execution this long after it starts', int('--time-limit', bounds.timeLimit), defaultCheckOptions.timeLimitMs / 1000)
    .option('--check-yields', 'checking mode: also report plain accesses that break the yield rule in this execution')
    .option('--report <file>', 'also write the execution as an HTML timeline to FILE (opens offline)')
    .option('--force', 'let --report replace an existing file that is not an iommulab HTML report')
    .addHelpText('after', '\nExample:\n  iommulab replay iommu-reset-vs-detach 1x6.2x2.1\nExit codes: 0 no violation, 1 a violation, 2 bad usage, 3 cut by a limit.')
    .action((name: string, schedule: string, flags: ReplayFlags) => {
      process.exitCode = runReplay(name, schedule, flags);
    });
  replay.showHelpAfterError(hint(replay));
  const fuzzCmd = cmd
    .command('fuzz')
    .description('generate programs over the scenario operations, search each, and write a minimized reproducer per new violation signature')
    .option('--time-limit <seconds>', 'stop after this long (default: run until Ctrl-C or --programs)', seconds('--time-limit', bounds.timeLimit))
    .option('--programs <n>', 'stop after this many programs (and their triage): a deterministic run', int('--programs', bounds.executions))
    .option('--seed <n>', 'campaign seed (default: 1)', int('--seed', bounds.seed))
    .option('--workers <n>', 'worker threads searching and triaging programs', int('--workers', bounds.workers), Math.min(defaultWorkers(), bounds.workers.max))
    .option('--out <dir>', 'output folder: state.json, summary.json, crashes/SIGNATURE/', 'fuzz-out')
    .option('--faults <modes>', 'allocation failures on a share of the programs (config search.faultShare): choice,nth (default), choice, nth, or none')
    .option('--driver <name...>', 'IOMMU drivers to generate (default: every driver of the registry, as the config weighs them)')
    .option('--known <file>', 'signatures already known (default: the built-in findings; none: every signature is new)')
    .option('--config <file>', 'a YAML or JSON file changing the weights, probabilities and budgets (docs/FUZZING.md)')
    .option('--patch <name...>', 'patch toggles every program runs with (`iommulab patches`)')
    .option('--shard <i/n>', 'the i-th of n shares of the seed space (one per machine); `iommulab fuzz-merge` joins the outputs', shardArg)
    .option('--resume <file>', 'continue the campaign saved in a state.json')
    .option('--json', 'print the summary as JSON')
    .option('--force', 'write into an --out folder that is not a fuzz output')
    .action(async (flags: FuzzFlags, c: Command) => {
      process.exitCode = await runFuzz(flags, (f) => c.getOptionValueSource(f) === 'cli');
    });
  fuzzCmd.showHelpAfterError(hint(fuzzCmd));
  const fuzzMerge = cmd
    .command('fuzz-merge')
    .description('join the outputs of several fuzz runs (the shards of a cluster) into one')
    .argument('<dirs...>', 'fuzz output folders')
    .requiredOption('--out <dir>', 'the merged output folder')
    .option('--json', 'print the merged summary as JSON')
    .option('--force', 'write into an --out folder that is not a fuzz output')
    .action((dirs: string[], flags: { out: string; json?: boolean; force?: boolean }) => {
      process.exitCode = runFuzzMerge(dirs, flags);
    });
  fuzzMerge.showHelpAfterError(hint(fuzzMerge));
  addRunAndExplain(cmd);
  const patches = cmd
    .command('patches')
    .description('list the named patch toggles a scenario can run instead of the v7.0 baseline: values, default, source')
    .action(() => {
      console.log(patchListing());
    });
  patches.showHelpAfterError(hint(patches));
  const list = cmd
    .command('list')
    .description('list the built-in scenarios, or the scenarios of scenario files')
    .argument('[files...]', 'scenario files (FILE.yaml)')
    .addHelpText('after', '\nExamples:\n  iommulab list\n  iommulab list examples/scenarios/lifecycle.yaml')
    .action((files: string[]) => {
      const scenarios = files.length === 0 ? builtinScenarios : scenariosOfFiles(files);
      const width = Math.max(...scenarios.map((s) => s.name.length));
      for (const s of scenarios) {
        console.log(`${s.name.padEnd(width)}  ${s.summary}`);
        // the toggle settings it is also checked in, by the names check and replay take
        for (const v of s.variants ?? []) console.log(`  ${v.name}  (expects ${describeExpectation(v.expect)})`);
      }
    });
  list.showHelpAfterError(hint(list));
  return cmd;
}

interface MergeFlags {
  json?: boolean;
  verbose?: boolean;
  out?: string;
  junit?: string;
  report?: string;
  force?: boolean;
}

/** `run` (one execution and its trace) and `explain` (what a violation kind means). */
function addRunAndExplain(cmd: Command): void {
  const run = cmd
    .command('run')
    .description('run one execution of a scenario and print its full trace (the serial schedule, or a random one with --seed)')
    .argument('<scenario>', 'a built-in name, FILE.yaml:NAME, or a scenario file holding one scenario')
    .option('--seed <n>', `pick the schedule at random from this seed (${boundText(bounds.seed)})`, int('--seed', bounds.seed))
    .addOption(new Option('--faults <mode>', 'as for check (choice: the seed also decides which allocations fail)').choices(faultModes).default('scenario'))
    .option('--max-failures <n>', 'as for check', int('--max-failures', bounds.maxFailures), 1)
    .option('--fault-phases <list>', 'as for check', phasesArg, defaultCheckOptions.faultPhases)
    .option('--fault-sites <fns>', 'as for check', sitesArg('--fault-sites'), [])
    .option('--skip-fault-sites <fns>', 'as for check', sitesArg('--skip-fault-sites'), [])
    .option('--no-warn-fails', 'a WARN is reported but does not fail')
    .option('--max-steps <n>', 'as for check', int('--max-steps', bounds.maxSteps), defaultCheckOptions.maxSteps)
    .option('--time-limit <seconds>', 'cut the execution this long after it starts', int('--time-limit', bounds.timeLimit), defaultCheckOptions.timeLimitMs / 1000)
    .addHelpText('after', '\nExamples:\n  iommulab run iommu-reset-vs-detach\n  iommulab run examples/scenarios/lifecycle.yaml --seed 7\n'
    + 'Exit codes: 0 no violation, 1 a violation, 2 bad usage, 3 cut by a limit.')
    .action((name: string, flags: RunFlags) => {
      process.exitCode = runScenarioOnce(name, flags);
    });
  run.showHelpAfterError(hint(run));
  const explain = cmd
    .command('explain')
    .description('what a kind of violation means, its kernel analogue, how to read its splat, what to do')
    .argument('[kind]', `one of ${violationKinds.join(', ')} (none: list them)`)
    .addHelpText('after', '\nExamples:\n  iommulab explain use-after-free\n  iommulab explain')
    .action((kind: string | undefined) => {
      if (kind === undefined) console.log(kindsText());
      else if (isViolationKind(kind)) console.log(explainText(kind));
      else throw new UsageError(unknownKindMessage(kind));
    });
  explain.showHelpAfterError(hint(explain));
}

function packageVersion(): string {
  try {
    // dist/src/cli/main.js -> the package's root
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** the arguments of the command being run (the HTML report shows its command line) */
let argvOfRun: readonly string[] = [];

export async function main(argv: readonly string[]): Promise<number> {
  try {
    process.exitCode = undefined;
    argvOfRun = argv;
    if (argv.length === 0) {
      console.error('iommulab: no command given (check, run, replay, explain, list, merge, patches, fuzz, fuzz-merge)\n(run `iommulab --help` for usage)');
      return exitCodes.usage;
    }
    await program().parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : exitCodes.ok;
  } catch (e) {
    return reportError(e);
  }
}

/** Every error ends here: a message and a documented exit code, never a JS stack trace. */
export function reportError(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
  const usage = [UsageError, RunFileError, OutputRefused, OutputError, KnownFileError, StateFileError];
  if (usage.some((c) => e instanceof c)) {
    console.error(`iommulab: ${(e as Error).message}`);
    return exitCodes.usage;
  }
  const fileError = scenarioFileError(e);
  if (fileError !== null) {
    // FILE:LINE: FIELD: message lines, as a compiler prints them
    console.error(fileError);
    return exitCodes.usage;
  }
  if (e instanceof ModelError) {
    // not a kernel finding: the model or a scenario is broken; say where, with a replay key
    console.error(`iommulab: error in the model: ${e.message}`);
    if (process.env.IOMMULAB_DEBUG) console.error(e.stack);
    return exitCodes.internal;
  }
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    console.error('iommulab: an input is nested too deeply to be handled (a scenario file or a saved run); nothing was run');
    if (process.env.IOMMULAB_DEBUG) console.error(e.stack);
    return exitCodes.usage;
  }
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  console.error(`iommulab: internal error: ${message}\nThis is a bug in iommulab; run again with IOMMULAB_DEBUG=1 for the stack, and report it.`);
  if (process.env.IOMMULAB_DEBUG && e instanceof Error) console.error(e.stack);
  return exitCodes.internal;
}
