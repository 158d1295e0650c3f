// `iommulab merge FILE...`: the report of a sharded run, as `check` would have printed it.
import { mergeShards } from '../check/merge.js';
import { readRunFile } from '../check/run-file.js';
import { type OutputFile, reportOutcomes } from './check-command.js';
import { checkHtmlWriter } from './html-report.js';

export interface MergeRequest {
  readonly json: boolean;
  readonly verbose: boolean;
  readonly out: OutputFile | null;
  readonly junit?: OutputFile | null;
  /** --report: the HTML report of the whole run (the shard files name the scenarios; their keys are replayed here) */
  readonly html?: { readonly file: OutputFile; readonly command: string; readonly version: string } | null;
}

export async function runMerge(files: readonly string[], req: MergeRequest): Promise<number> {
  const start = performance.now();
  const shards = files.map((file) => ({ file, run: readRunFile(file, 'iommulab-shard') }));
  const merged = await mergeShards(shards);
  // the time the shards spent exploring, like the elapsed time of an unsharded check
  const explored = merged.outcomes.reduce((t, o) => t + o.elapsedMs, 0);
  const h = req.html ?? null;
  const { scenarios, options } = merged;
  const html = h === null ? null : checkHtmlWriter(h.file, { scenarios, options, ...h, quiet: req.json });
  return reportOutcomes(merged.outcomes, explored + performance.now() - start, { ...req, options: merged.options, html }, true);
}
