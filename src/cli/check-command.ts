// `iommulab check`: scenarios on workers, with shards, checkpoints and resume.
import { type CheckOptions, checkScenario, type ScenarioOutcome } from '../check/check.js';
import { checkExitCode, exitCodes } from '../check/exit-codes.js';
import { checkOutput, type InputFile, kindOfFile, type OutputKind, OutputRefused } from '../check/output-file.js';
import { CheckRun, defaultWarmUpMs, type ScenarioProgress } from '../check/run.js';
import { readRunFile, type RunFile, RunFileError, runFileJson, writeAtomically } from '../check/run-file.js';
import type { Shard } from '../check/shard.js';
import { checkReport } from '../report/json.js';
import { YieldLog } from '../rt/yield-race.js';
import { progressCounts } from '../check/progress-counts.js';
import { junitXml } from '../report/junit.js';
import { ProgressLine, type ProgressStream } from '../report/progress-line.js';
import { withNamedSplats } from '../report/named-splats.js';
import { outcomeLine, summaryLine, yieldRaceReports } from '../report/text.js';
import type { Scenario, ScenarioOrigin } from '../scenarios/scenario.js';
import { existsSync } from 'node:fs';

export class UsageError extends Error {}

/**
 * A file this command writes: checked before the run (checkOutput: never over a file that is
 * not this tool's output of the same kind, unless --force), and again at the first write if
 * something appeared there meanwhile.
 */
export class OutputFile {
  private written = false;

  constructor(
    readonly path: string,
    readonly kind: OutputKind,
    private readonly option: string,
    private readonly force: boolean,
    private readonly inputs: readonly InputFile[],
  ) {}

  check(): void {
    checkOutput(this.path, this.kind, { option: this.option, force: this.force, inputs: this.inputs });
  }

  write(text: string): void {
    if (!this.written && existsSync(this.path)) this.check();
    writeAtomically(this.path, text);
    this.written = true;
  }
}

export interface RunRequest {
  readonly scenarios: readonly Scenario[];
  readonly options: CheckOptions;
  readonly shard: Shard | null;
  readonly workers: number;
  readonly sliceMs: number;
  readonly json: boolean;
  readonly verbose: boolean;
  readonly out: OutputFile | null;
  /** --junit: the outcomes as JUnit XML */
  readonly junit?: OutputFile | null;
  readonly checkpoint: OutputFile | null;
  readonly checkpointEveryMs: number;
  /** progress from a checkpoint being resumed */
  readonly resumed: readonly ScenarioProgress[];
  /** --report: writes the HTML report of the outcomes (cli/html-report.ts) */
  readonly html?: HtmlReportWriter | null;
  /** where to draw the progress line (a terminal's stderr), or null for none */
  readonly progress?: ProgressStream | null;
}

/** Writes a check's HTML report once its outcomes are known. */
export type HtmlReportWriter = (outcomes: readonly ScenarioOutcome[], elapsedMs: number) => void;

/** Runs a check; the exit code (check/exit-codes.ts): 130 when interrupted (progress saved). */
export async function runCheckRequest(req: RunRequest): Promise<number> {
  const { scenarios, options, shard } = req;
  const runFile = (format: RunFile['format'], progress: readonly ScenarioProgress[]): string =>
    runFileJson({ format, scenarios: scenarios.map((s) => s.name), origins: originsOf(scenarios), options, shard, progress });
  // work in this thread holds the checkpoint timer off: keep it shorter than the period
  const period = req.checkpoint === null ? Infinity : req.checkpointEveryMs;
  const sliceMs = Math.min(req.sliceMs, period);
  const warmUpMs = Math.min(defaultWarmUpMs, period);
  const totalExecutions = knownTotal(options, scenarios.length);
  const line = req.progress == null ? null : new ProgressLine(req.progress, { totalExecutions });
  // a progress line needs the searches to come back now and then, like a checkpoint does
  const settings = { workers: req.workers, sliceMs, warmUpMs, shard, savesMidSearch: req.checkpoint !== null || line !== null };
  const run = new CheckRun(scenarios, options, settings, req.resumed);
  const save = (): void => {
    if (req.checkpoint !== null) req.checkpoint.write(runFile('iommulab-checkpoint', run.snapshot()));
  };
  // the first save is made before anything runs: a checkpoint that cannot be written fails now
  save();
  const width = Math.max(...scenarios.map((s) => s.name.length));
  const outcomes: ScenarioOutcome[] = [];
  const start = performance.now();
  // Ctrl-C: stop and save; a second one quits at once (the last periodic checkpoint stands)
  const onSigint = (): void => {
    if (run.interrupted) process.exit(exitCodes.interrupted);
    run.interrupt();
  };
  let timer: NodeJS.Timeout | null = null;
  const names = scenarios.map((s) => s.name);
  const ticker = line === null ? null : setInterval(() => line.update(progressCounts(run.snapshot(), names)), progressTickMs);
  /** a periodic save that failed (the disk filled up, the directory went): the run stops with it */
  let saveError: unknown = null;
  if (req.checkpoint !== null) {
    process.on('SIGINT', onSigint);
    timer = setInterval(() => {
      try {
        save();
      } catch (e) {
        saveError ??= e;
        run.interrupt();
      }
    }, req.checkpointEveryMs);
  }
  let complete: boolean;
  try {
    complete = await run.run((s, p) => {
      if (p.status === 'concluded') {
        outcomes.push(p.outcome);
        line?.clear();
        if (!req.json && shard === null) {
          // -v: the splats under the scenario's names, as replay's traces print them
          console.log(outcomeLine(req.verbose ? withNamedSplats(s, p.outcome, options) : p.outcome, width, req.verbose));
        }
      }
      save();
    });
  } finally {
    if (timer !== null) clearInterval(timer);
    if (ticker !== null) clearInterval(ticker);
    line?.clear();
    process.off('SIGINT', onSigint);
  }
  if (saveError !== null) throw saveError;
  save();
  if (!complete) {
    console.error(`iommulab: interrupted; progress saved in ${req.checkpoint?.path}: continue with \`iommulab check --resume ${req.checkpoint?.path}\``);
    return exitCodes.interrupted;
  }
  const elapsed = performance.now() - start;
  if (shard !== null) {
    const text = runFile('iommulab-shard', run.snapshot());
    if (req.out !== null) {
      req.out.write(text);
      if (!req.json) console.log(`shard ${shard.index}/${shard.count}: ${scenarios.length} scenarios in ${(elapsed / 1000).toFixed(2)}s; merge the shards with \`iommulab merge\` (wrote ${req.out.path})`);
    }
    if (req.json) console.log(text);
    return exitCodes.ok;
  }
  return reportOutcomes(outcomes, elapsed, { ...req, options });
}

/**
 * `check --check-yields`: every search in checking mode (rt/yield-check.ts), one scenario after
 * another in this thread (each search has its own log of races; they are slow, and a diagnostic).
 * A scenario passes only if its outcome is as expected and the model kept the yield rule.
 */
export function runYieldCheck(
  scenarios: readonly Scenario[],
  options: CheckOptions,
  req: {
    readonly json: boolean;
    readonly out: OutputFile | null;
    readonly junit?: OutputFile | null;
    readonly verbose: boolean;
    readonly html?: HtmlReportWriter | null;
  },
): number {
  const width = Math.max(...scenarios.map((s) => s.name.length));
  const outcomes: ScenarioOutcome[] = [];
  const start = performance.now();
  for (const s of scenarios) {
    const o = checkScenario(s, options, new YieldLog());
    outcomes.push(o);
    if (req.json) continue;
    console.log(outcomeLine(req.verbose ? withNamedSplats(s, o, options) : o, width, req.verbose));
    for (const r of yieldRaceReports(o)) console.log(`\n${r}\n`);
  }
  return reportOutcomes(outcomes, performance.now() - start, { ...req, options });
}

/** The check's report (text or JSON, to stdout and/or --out) and its exit code. */
export function reportOutcomes(
  outcomes: readonly ScenarioOutcome[],
  elapsedMs: number,
  req: {
    readonly json: boolean;
    readonly out: OutputFile | null;
    readonly junit?: OutputFile | null;
    readonly verbose: boolean;
    readonly options: CheckOptions;
    readonly html?: HtmlReportWriter | null;
  },
  printLines = false,
): number {
  const report = checkReport(outcomes, elapsedMs);
  const doc = JSON.stringify(report, null, 2);
  if (req.out !== null) req.out.write(`${doc}\n`);
  req.junit?.write(junitXml(outcomes, elapsedMs));
  if (req.json) {
    console.log(doc);
  } else {
    if (printLines) {
      const width = Math.max(...outcomes.map((o) => o.scenario.length));
      for (const o of outcomes) {
        console.log(outcomeLine(o, width, req.verbose));
      }
    }
    console.log(summaryLine(outcomes, elapsedMs));
  }
  req.html?.(outcomes, elapsedMs);
  const code = report.exitCode;
  if (code === exitCodes.incomplete) {
    for (const o of outcomes) if (o.outcome === 'incomplete' && !o.matches) console.error(`iommulab: ${o.scenario}: ${whyIncomplete(o, req.options)}`);
    console.error(`iommulab: the check is incomplete (exit ${exitCodes.incomplete}): nothing unexpected was found, but not every search could finish`);
  }
  return code;
}

/** how often the progress line is redrawn */
const progressTickMs = 250;

/** The executions a check runs in all, when known ahead: a sampling search runs its --executions. */
function knownTotal(o: CheckOptions, scenarios: number): number | null {
  if ((o.strategy !== 'random' && o.strategy !== 'pct') || o.faults === 'nth') return null;
  return scenarios * Math.min(o.executions, o.maxExecutions);
}

function whyIncomplete(o: ScenarioOutcome, opts: CheckOptions): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  if (o.truncated !== undefined) {
    return `${n(o.truncated)} execution${o.truncated > 1 ? 's' : ''} reached --max-steps ${n(opts.maxSteps)} before ending (not a kernel report: give a larger --max-steps)`;
  }
  if (o.executions >= opts.maxExecutions) return `the search stopped at --max-executions ${n(opts.maxExecutions)} before it could decide`;
  return `the search stopped at --time-limit ${n(opts.timeLimitMs / 1000)} s before it could decide`;
}

/** where the run's file scenarios come from, by name */
function originsOf(scenarios: readonly Scenario[]): Record<string, ScenarioOrigin> {
  return Object.fromEntries(scenarios.flatMap((s) => (s.origin === undefined ? [] : [[s.name, s.origin]])));
}

/** The checkpoint to resume, checked against the scenarios this iommulab knows. */
export function readCheckpoint(file: string): RunFile {
  return readRunFile(file, 'iommulab-checkpoint');
}

/** A new run's checkpoint: an existing one is continued with --resume, not replaced (unless --force). */
export function newCheckpoint(file: string, force: boolean, inputs: readonly InputFile[]): OutputFile {
  const out = new OutputFile(file, 'checkpoint', '--checkpoint', force, inputs);
  if (!force && existsSync(file) && kindOfFile(file) === 'checkpoint') {
    throw new UsageError(`${file} exists: continue it with --resume ${file}, or give --force to start over`);
  }
  out.check();
  return out;
}

export { checkExitCode, OutputRefused, RunFileError };
