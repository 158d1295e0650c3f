// `iommulab check`: scenarios on workers, with shards, checkpoints and resume.
import { existsSync } from 'node:fs';
import type { CheckOptions, ScenarioOutcome } from '../check/check.js';
import { CheckRun, defaultWarmUpMs, type ScenarioProgress } from '../check/run.js';
import { readRunFile, type RunFile, RunFileError, runFileJson, writeAtomically } from '../check/run-file.js';
import type { Shard } from '../check/shard.js';
import { checkReport } from '../report/json.js';
import { outcomeLine, summaryLine } from '../report/text.js';
import type { Scenario, ScenarioOrigin } from '../scenarios/scenario.js';

export class UsageError extends Error {}

export interface RunRequest {
  readonly scenarios: readonly Scenario[];
  readonly options: CheckOptions;
  readonly shard: Shard | null;
  readonly workers: number;
  readonly sliceMs: number;
  readonly json: boolean;
  readonly verbose: boolean;
  readonly out: string | null;
  readonly checkpoint: string | null;
  readonly checkpointEveryMs: number;
  /** progress from a checkpoint being resumed */
  readonly resumed: readonly ScenarioProgress[];
}

/** Runs a check; the exit code: 0 as expected, 1 not, 130 interrupted (progress saved). */
export async function runCheckRequest(req: RunRequest): Promise<number> {
  const { scenarios, options, shard } = req;
  const runFile = (format: RunFile['format'], progress: readonly ScenarioProgress[]): string =>
    runFileJson({ format, scenarios: scenarios.map((s) => s.name), origins: originsOf(scenarios), options, shard, progress });
  // work in this thread holds the checkpoint timer off: keep it shorter than the period
  const period = req.checkpoint === null ? Infinity : req.checkpointEveryMs;
  const sliceMs = Math.min(req.sliceMs, period);
  const warmUpMs = Math.min(defaultWarmUpMs, period);
  const settings = { workers: req.workers, sliceMs, warmUpMs, shard, savesMidSearch: req.checkpoint !== null };
  const run = new CheckRun(scenarios, options, settings, req.resumed);
  const save = (): void => {
    if (req.checkpoint !== null) writeAtomically(req.checkpoint, runFile('iommulab-checkpoint', run.snapshot()));
  };
  const width = Math.max(...scenarios.map((s) => s.name.length));
  const outcomes: ScenarioOutcome[] = [];
  const start = performance.now();
  // Ctrl-C: stop and save; a second one quits at once (the last periodic checkpoint stands)
  const onSigint = (): void => {
    if (run.interrupted) process.exit(130);
    run.interrupt();
  };
  let timer: NodeJS.Timeout | null = null;
  if (req.checkpoint !== null) {
    process.on('SIGINT', onSigint);
    timer = setInterval(save, req.checkpointEveryMs);
    save();
  }
  let complete: boolean;
  try {
    complete = await run.run((s, p) => {
      if (p.status === 'concluded') {
        outcomes.push(p.outcome);
        if (!req.json && shard === null) {
          console.log(outcomeLine(p.outcome, width, req.verbose));
        }
      }
      save();
    });
  } finally {
    if (timer !== null) clearInterval(timer);
    process.off('SIGINT', onSigint);
  }
  save();
  if (!complete) {
    console.error(`iommulab: interrupted; progress saved in ${req.checkpoint}: continue with \`iommulab check --resume ${req.checkpoint}\``);
    return 130;
  }
  const elapsed = performance.now() - start;
  if (shard !== null) {
    const text = runFile('iommulab-shard', run.snapshot());
    if (req.out !== null) {
      writeAtomically(req.out, text);
      if (!req.json) console.log(`shard ${shard.index}/${shard.count}: ${scenarios.length} scenarios in ${(elapsed / 1000).toFixed(2)}s; merge the shards with \`iommulab merge\` (wrote ${req.out})`);
    }
    if (req.json) console.log(text);
    return 0;
  }
  return reportOutcomes(outcomes, elapsed, req);
}

/** The check's report (text or JSON, to stdout and/or --out) and its exit code. */
export function reportOutcomes(
  outcomes: readonly ScenarioOutcome[],
  elapsedMs: number,
  req: { readonly json: boolean; readonly out: string | null; readonly verbose: boolean },
  printLines = false,
): number {
  const report = checkReport(outcomes, elapsedMs);
  const ok = report.ok;
  const doc = JSON.stringify(report, null, 2);
  if (req.out !== null) writeAtomically(req.out, `${doc}\n`);
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
  return ok ? 0 : 1;
}

/** where the run's file scenarios come from, by name */
function originsOf(scenarios: readonly Scenario[]): Record<string, ScenarioOrigin> {
  return Object.fromEntries(scenarios.flatMap((s) => (s.origin === undefined ? [] : [[s.name, s.origin]])));
}

/** The checkpoint to resume, checked against the scenarios this iommulab knows. */
export function readCheckpoint(file: string): RunFile {
  return readRunFile(file, 'iommulab-checkpoint');
}

export function refuseToOverwrite(file: string): void {
  if (existsSync(file)) {
    throw new UsageError(`${file} exists: continue it with --resume ${file}, or remove it to start over`);
  }
}

export { RunFileError };
