// The fuzzer's library API: what `iommulab fuzz` and `iommulab fuzz-merge` call.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type CampaignResult, type CampaignSpec, type CampaignState, type Progress, runCampaign, type Shard, type SignatureRecord } from './campaign.js';
import { defaultFuzzConfig, type FuzzConfig } from './config.js';
import { type Summary, summaryOf } from './crashes.js';
import { type KnownSet, loadKnown } from './known.js';
import { prepareOutput, readJson } from './output.js';
import type { FuzzFaults } from './search.js';

export { builtinKnown, KnownFileError, KnownSet, loadKnown } from './known.js';
export { loadFuzzConfig } from './config-file.js';
export { mergeOutputs } from './merge.js';
export { OutputError } from './output.js';
export { defaultFuzzConfig, type FuzzConfig, type FuzzFaults, type Progress, type Shard, type SignatureRecord, type Summary };

export interface FuzzOptions {
  readonly seed?: number;
  readonly workers?: number;
  readonly timeLimitMs?: number | null;
  readonly maxPrograms?: number | null;
  readonly faults?: readonly FuzzFaults[];
  readonly config?: FuzzConfig;
  /** the known signatures (default: the built-in findings) */
  readonly known?: KnownSet;
  /** output folder (null: nothing written) */
  readonly out?: string | null;
  readonly force?: boolean;
  /** continue the campaign of this state (its seed, config, faults and shard) */
  readonly resume?: CampaignState | null;
  readonly shard?: Shard | null;
  readonly saveEveryMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  readonly onSignature?: (r: SignatureRecord, what: 'new' | 'known' | 'triaged') => void;
}

export interface FuzzRun extends CampaignResult {
  readonly summary: Summary;
}

/** allocation failures by default: the fail_nth sweep and random failures, on the config's share of programs */
export const defaultFuzzFaults: readonly FuzzFaults[] = ['nth', 'choice'];

export class StateFileError extends Error {}

export function readState(file: string): CampaignState {
  let s: unknown;
  try {
    s = readJson(file);
  } catch (e) {
    throw new StateFileError(`${file}: cannot read the fuzz state: ${(e as Error).message}`);
  }
  const o = s as Partial<CampaignState> | null;
  if (o === null || typeof o !== 'object' || o.format !== 'iommulab-fuzz-state' || o.version !== 1 || typeof o.spec !== 'object') {
    throw new StateFileError(`${file}: not an iommulab fuzz state (state.json of a fuzz output)`);
  }
  return o as CampaignState;
}

export async function fuzz(o: FuzzOptions): Promise<FuzzRun> {
  const spec: CampaignSpec = o.resume?.spec ?? {
    seed: o.seed ?? 1,
    faults: o.faults ?? defaultFuzzFaults,
    config: o.config ?? defaultFuzzConfig,
    shard: o.shard ?? null,
  };
  const out = o.out ?? null;
  if (out !== null) prepareOutput(out, o.force === true);
  const known = o.known ?? loadKnown(undefined);
  const r = await runCampaign({
    spec,
    workers: o.workers ?? availableParallelism(),
    timeLimitMs: o.timeLimitMs ?? null,
    maxPrograms: o.maxPrograms ?? null,
    known,
    out,
    resume: o.resume ?? null,
    saveEveryMs: o.saveEveryMs ?? 10_000,
    drainTriage: o.timeLimitMs === undefined || o.timeLimitMs === null,
    ...(o.signal === undefined ? {} : { signal: o.signal }),
    ...(o.onProgress === undefined ? {} : { onProgress: o.onProgress }),
    ...(o.onSignature === undefined ? {} : { onSignature: o.onSignature }),
  });
  const summary = out === null ? summaryOf(r.state, known, r.progress.units, r.progress.features) : (readJson(join(out, 'summary.json')) as Summary);
  return { ...r, summary };
}
