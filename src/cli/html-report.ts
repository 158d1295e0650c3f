// `--report FILE` of `check` and `replay`: the HTML report (report/html*.ts), written through
// the output guard like every other output (never over a file that is not an iommulab HTML
// report without --force, never over a file the command reads).
import type { CheckOptions } from '../check/check.js';
import type { InputFile } from '../check/output-file.js';
import type { Execution } from '../rt/execution.js';
import { reportData, replayReportData } from '../report/html-data.js';
import { type Timeline, TimelineRecorder, timelineStart } from '../report/html-trace.js';
import { htmlReport } from '../report/html.js';
import { shellWord } from '../scenarios/file/display-path.js';
import type { Scenario } from '../scenarios/scenario.js';
import { type HtmlReportWriter, OutputFile } from './check-command.js';

/** The --report output of a command, checked now (before anything runs). */
export function htmlReportFile(path: string, force: boolean, inputs: readonly InputFile[]): OutputFile {
  const out = new OutputFile(path, 'html', '--report', force, inputs);
  out.check();
  return out;
}

/** the command line as the user gave it (the report shows it) */
export function commandLine(argv: readonly string[]): string {
  return ['iommulab', ...argv].map(shellWord).join(' ');
}

/** What `check --report` does with the outcomes: trace each violation's key and write the page. */
export function checkHtmlWriter(
  file: OutputFile,
  ctx: {
    readonly scenarios: readonly Scenario[];
    readonly options: CheckOptions;
    readonly command: string;
    readonly version: string;
    readonly quiet: boolean;
  },
): HtmlReportWriter {
  return (outcomes, elapsedMs) => {
    const { scenarios, options, command, version } = ctx;
    const data = reportData({ outcomes, scenarios, options, elapsedMs, command, version });
    file.write(htmlReport(data));
    if (!ctx.quiet) console.log(`HTML report: ${file.path}`);
  };
}

/** What `replay --report` writes: the one execution's timeline. */
export function writeReplayReport(
  file: OutputFile,
  run: {
    readonly scenario: Scenario;
    readonly schedule: string;
    /** the command that replays it, with the options it needs */
    readonly replay: string;
    readonly exec: Execution;
    readonly recorder: TimelineRecorder;
    /** the same execution again, with another observer (for a replay longer than a timeline keeps) */
    readonly again: (observer: TimelineRecorder['observer']) => Execution;
  },
  ctx: { readonly command: string; readonly version: string },
): void {
  let timeline: Timeline;
  if (run.recorder.overflowed) {
    const last = new TimelineRecorder(timelineStart(run.exec));
    timeline = last.finish(run.again(last.observer));
  } else {
    timeline = run.recorder.finish(run.exec);
  }
  const data = replayReportData({ scenario: run.scenario, schedule: run.schedule, replay: run.replay, timeline, ...ctx });
  file.write(htmlReport(data));
  console.log(`\nHTML report: ${file.path}`);
}
