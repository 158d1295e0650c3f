// iommulab command line: check, replay, list.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  type CheckOptions,
  CheckOptionsError,
  checkScenario,
  defaultCheckOptions,
  faultPlanFor,
  strategyNames,
} from '../check/check.js';
import { ReplayMismatch } from '../explorer/replay.js';
import { runOnce } from '../explorer/run-once.js';
import { decodeSchedule, faultsFor, ScheduleSyntaxError } from '../explorer/schedule.js';
import { executionReport, outcomeLine, summaryLine } from '../report/text.js';
import { builtinScenarios, findScenario } from '../scenarios/registry.js';
import type { Scenario } from '../scenarios/scenario.js';

class UsageError extends Error {}

function int(name: string, min = 0) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

function scenariosNamed(names: readonly string[]): Scenario[] {
  if (names.length === 0) return [...builtinScenarios];
  return names.map((n) => {
    const s = findScenario(n);
    if (s === undefined) {
      throw new UsageError(`unknown scenario "${n}"; \`iommulab list\` shows the built-in ones`);
    }
    return s;
  });
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
}

function runCheck(names: string[], flags: CheckFlags): number {
  const scenarios = scenariosNamed(names);
  if (flags.strategy === 'dpor' && flags.preemptionBound !== undefined) {
    throw new UsageError(
      '--preemption-bound cannot be combined with --strategy dpor: bounding preemptions is not sound with partial-order reduction here; use --strategy dfs --preemption-bound N',
    );
  }
  const opts: CheckOptions = {
    // dpor by default; a preemption bound is a dfs option, so it selects dfs
    strategy: flags.strategy ?? (flags.preemptionBound === undefined ? defaultCheckOptions.strategy : 'dfs'),
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
  };
  const start = performance.now();
  const width = Math.max(...scenarios.map((s) => s.name.length));
  const outcomes = [];
  for (const s of scenarios) {
    const o = checkScenario(s, opts);
    outcomes.push(o);
    if (!flags.json) {
      console.log(outcomeLine(o, width));
      if (flags.verbose) for (const v of o.violations) console.log(`\n[${v.kind}] replay: iommulab replay ${s.name} ${v.schedule}\n${v.splat}\n`);
    }
  }
  const elapsed = performance.now() - start;
  if (flags.json) {
    console.log(JSON.stringify({ scenarios: outcomes, elapsedMs: elapsed, ok: outcomes.every((o) => o.matches) }, null, 2));
  } else {
    console.log(summaryLine(outcomes, elapsed));
  }
  return outcomes.every((o) => o.matches) ? 0 : 1;
}

function runReplay(name: string, scheduleText: string, flags: { warnFails: boolean; faults: CheckOptions['faults']; maxFailures: number }): number {
  const [s] = scenariosNamed([name]);
  let schedule: ReturnType<typeof decodeSchedule>;
  try {
    schedule = decodeSchedule(scheduleText);
  } catch (e) {
    if (e instanceof ScheduleSyntaxError) throw new UsageError(e.message);
    throw e;
  }
  const searched = faultPlanFor(s!, { ...defaultCheckOptions, faults: flags.faults, maxFailures: flags.maxFailures });
  try {
    const exec = runOnce(s!.program, schedule.choices, {
      faults: faultsFor(schedule, searched),
      warnFails: flags.warnFails,
      trace: true,
      strict: true,
    });
    console.log(executionReport(s!.name, scheduleText, exec));
    return exec.violations.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof ReplayMismatch) throw new UsageError(`schedule "${scheduleText}" does not fit scenario ${name}: ${e.message}`);
    throw e;
  }
}

function program(): Command {
  const cmd = new Command('iommulab')
    .description('Explore every interleaving that matters of a kernel-faithful model of the Linux IOMMU subsystem')
    .showHelpAfterError()
    .exitOverride();
  cmd
    .command('check')
    .description('explore built-in scenarios (all by default) and compare each outcome with its expectation')
    .argument('[names...]', 'scenario names (see `iommulab list`)')
    .option('--json', 'print one JSON document instead of text')
    .option('-v, --verbose', 'print the splat of every violation found')
    .addOption(
      new Option('--strategy <name>', 'search strategy (default dpor; dfs with --preemption-bound)').choices([...strategyNames]),
    )
    .option('--seed <n>', 'seed for random and pct', int('--seed'), defaultCheckOptions.seed)
    .option('--executions <n>', 'executions for random and pct', int('--executions', 1), defaultCheckOptions.executions)
    .option('--preemption-bound <n>', 'dfs: at most this many preemptions per execution (not with dpor)', int('--preemption-bound'))
    .option('--depth <d>', 'pct: bug depth', int('--depth', 1), defaultCheckOptions.pctDepth)
    .addOption(
      new Option('--faults <mode>', 'allocation failures: scenario default, none, nth (fail_nth sweep), choice')
        .choices(['scenario', 'none', 'nth', 'choice'])
        .default('scenario'),
    )
    .option('--max-failures <n>', 'choice mode: failed allocations per execution', int('--max-failures', 1), 1)
    .option('--no-warn-fails', 'a WARN is reported but does not fail the check')
    .option('--max-executions <n>', 'stop a search after this many executions', int('--max-executions', 1), defaultCheckOptions.maxExecutions)
    .option('--time-limit <seconds>', 'stop a search after this long', int('--time-limit', 1), defaultCheckOptions.timeLimitMs / 1000)
    .option('--no-minimize', 'report counterexamples as found, without shrinking')
    .action((names: string[], flags: CheckFlags) => {
      process.exitCode = runCheck(names, flags);
    });
  cmd
    .command('replay')
    .description('run one execution of a scenario along a schedule and print its full trace')
    .argument('<name>', 'scenario name')
    .argument('<schedule>', 'schedule string from a report, e.g. 0.1x2.0 ("-" for none)')
    .addOption(new Option('--faults <mode>', 'as for check').choices(['scenario', 'none', 'nth', 'choice']).default('scenario'))
    .option('--max-failures <n>', 'as for check', int('--max-failures', 1), 1)
    .option('--no-warn-fails', 'a WARN is reported but does not fail')
    .action((name: string, schedule: string, flags: { warnFails: boolean; faults: CheckOptions['faults']; maxFailures: number }) => {
      process.exitCode = runReplay(name, schedule, flags);
    });
  cmd
    .command('list')
    .description('list the built-in scenarios and what each expects')
    .action(() => {
      const width = Math.max(...builtinScenarios.map((s) => s.name.length));
      for (const s of builtinScenarios) console.log(`${s.name.padEnd(width)}  ${s.summary}`);
    });
  return cmd;
}

export function main(argv: readonly string[]): number {
  try {
    program().parse(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError || e instanceof CheckOptionsError) {
      console.error(`iommulab: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
