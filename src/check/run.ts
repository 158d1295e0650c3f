// `iommulab check` on workers: every scenario's search runs on a pool of worker threads (or in
// this thread for one worker), in slices, so that it can be cut for the workers, shared out to
// shards, and checkpointed; the results are those of the sequential search whatever the number
// of workers (explorer/parallel/).
import { NthSweep, type SweepResult, type SweepState } from '../explorer/faults.js';
import { Coordinator, type RangeProgress, wholeRange } from '../explorer/parallel/coordinator.js';
import { finishSearch, rangeOutcome } from '../explorer/parallel/explore-parallel.js';
import { familyFor } from '../explorer/parallel/family.js';
import { InProcessPool, makePool, type SlicePool } from '../explorer/parallel/pool.js';
import { loadProgram, type ProgramSource } from '../explorer/parallel/program-source.js';
import { planSearch } from '../explorer/parallel/plan.js';
import { runSlice, type SearchSpec } from '../explorer/parallel/slice.js';
import type { FaultPlan } from '../rt/execution.js';
import { programRef } from '../scenarios/program-ref.js';
import type { Scenario } from '../scenarios/scenario.js';
import { type CheckOptions, concludeScenario, faultPlanFor, type ScenarioOutcome } from './check.js';
import { scenarioSource, searchSpecFor } from './search-spec.js';
import { planParts, type Shard, type ShardPart, shardOf } from './shard.js';

export interface RunSettings {
  readonly workers: number;
  /** how long a slice runs before it comes back (to be saved, or cut for idle workers) */
  readonly sliceMs: number;
  /** a first slice in this thread, so small searches end there without starting any worker */
  readonly warmUpMs: number;
  /**
   * progress may be taken mid-search (checkpoints, Ctrl-C): a search that cannot be cut still
   * comes back in slices; otherwise it runs in one, as nothing else needs it to stop
   */
  readonly savesMidSearch?: boolean;
  readonly shard: Shard | null;
}

/** Where one scenario stands, as plain data (a checkpoint is a list of these). */
export type ScenarioProgress =
  | { readonly name: string; readonly status: 'concluded'; readonly outcome: ScenarioOutcome }
  | { readonly name: string; readonly status: 'shard'; readonly part: ShardPart }
  | {
    readonly name: string;
    readonly status: 'search';
    readonly elapsedMs: number;
    readonly planSize: number;
    readonly ranges: readonly RangeProgress[];
  }
  | {
    readonly name: string;
    readonly status: 'sweep';
    readonly elapsedMs: number;
    readonly sweep: SweepState;
    /** the running point's search, if it started */
    readonly ranges: readonly RangeProgress[] | null;
  };

export const defaultWarmUpMs = 200;

const inThisThread = new InProcessPool();

export class CheckRun {
  private readonly progress: Array<ScenarioProgress | undefined>;
  private live: (() => ScenarioProgress) | null = null;
  private coordinator: Coordinator | null = null;
  private pool: SlicePool | null = null;
  private stopped = false;

  constructor(
    private readonly scenarios: readonly Scenario[],
    private readonly opts: CheckOptions,
    private readonly settings: RunSettings,
    resumed: readonly ScenarioProgress[] = [],
  ) {
    this.progress = scenarios.map((s) => resumed.find((p) => p.name === s.name));
  }

  get interrupted(): boolean {
    return this.stopped;
  }

  /** Stop soon: run() returns false, and snapshot() has everything needed to resume. */
  interrupt(): void {
    this.stopped = true;
    this.coordinator?.stop();
  }

  snapshot(): ScenarioProgress[] {
    const out: ScenarioProgress[] = [];
    this.progress.forEach((p, i) => {
      if (p !== undefined && (p.status === 'concluded' || p.status === 'shard')) out.push(p);
      else if (this.live !== null && this.current === i) out.push(this.live());
      else if (p !== undefined) out.push(p);
    });
    return out;
  }

  private current = -1;

  /** Runs every scenario; `onDone` hears each as it is settled. False when interrupted. */
  async run(onDone: (s: Scenario, p: ScenarioProgress) => void): Promise<boolean> {
    try {
      for (let i = 0; i < this.scenarios.length; i++) {
        const s = this.scenarios[i]!;
        this.current = i;
        this.live = null;
        let p = this.progress[i];
        if (p === undefined || p.status === 'search' || p.status === 'sweep') {
          const settled = await this.settle(i, s, p);
          if (settled === null) return false;
          p = settled;
          this.progress[i] = p;
        }
        onDone(s, p);
      }
      this.live = null;
      return true;
    } finally {
      await this.pool?.close();
      this.pool = null;
    }
  }

  private async settle(i: number, s: Scenario, p: ScenarioProgress | undefined): Promise<ScenarioProgress | null> {
    const faults = faultPlanFor(s, this.opts);
    const shard = this.settings.shard;
    if (faults.mode === 'nth') {
      if (shard !== null && shardOf(i, 0, shard.count) !== shard.index) return { name: s.name, status: 'shard', part: { kind: 'elsewhere' } };
      const result = await this.sweep(s, p?.status === 'sweep' ? p : undefined);
      if (result === null) return null;
      if (shard !== null) return { name: s.name, status: 'shard', part: { kind: 'sweep', result } };
      return { name: s.name, status: 'concluded', outcome: concludeScenario(s, result, faults, this.opts) };
    }
    const spec = this.searchSpec(faults);
    const source = scenarioSource(programRef(s));
    let elapsed = p?.status === 'search' ? p.elapsedMs : 0;
    let planSize = 1;
    let ranges: RangeProgress[];
    if (p?.status === 'search') {
      ranges = p.ranges.map((r) => ({ ...r }));
      planSize = p.planSize;
    } else if (shard !== null) {
      const plan = planSearch(s.program, spec, familyFor(spec.strategy), planParts(shard.count));
      planSize = plan.length;
      ranges = plan.filter((r) => shardOf(i, r.index, shard.count) === shard.index);
    } else {
      ranges = [wholeRange(familyFor(spec.strategy))];
    }
    const start = performance.now();
    const ended = await this.search(source, spec, ranges, (rs) => ({
      name: s.name,
      status: 'search',
      elapsedMs: elapsed + performance.now() - start,
      planSize,
      ranges: rs,
    }));
    if (ended === null) return null;
    elapsed += performance.now() - start;
    const outcomes = ended.map(rangeOutcome);
    if (shard !== null) return { name: s.name, status: 'shard', part: { kind: 'search', planSize, elapsedMs: elapsed, ranges: outcomes } };
    const result = await finishSearch(source, spec, outcomes, this.opts.maxExecutions, elapsed);
    return { name: s.name, status: 'concluded', outcome: concludeScenario(s, result, faults, this.opts) };
  }

  private async sweep(s: Scenario, p: Extract<ScenarioProgress, { status: 'sweep' }> | undefined): Promise<SweepResult | null> {
    const sweep = new NthSweep(false, p?.sweep);
    let ranges = p?.ranges?.map((r) => ({ ...r })) ?? null;
    let elapsed = p?.elapsedMs ?? 0;
    const source = scenarioSource(programRef(s));
    while (!sweep.done) {
      const spec = this.searchSpec({ mode: 'nth', nth: sweep.n });
      const start = performance.now();
      const ended = await this.search(source, spec, ranges ?? [wholeRange(familyFor(spec.strategy))], (rs) => ({
        name: s.name,
        status: 'sweep',
        elapsedMs: elapsed + performance.now() - start,
        sweep: sweep.state,
        ranges: rs,
      }));
      if (ended === null) return null;
      const pointMs = performance.now() - start;
      elapsed += pointMs;
      sweep.add(await finishSearch(source, spec, ended.map(rangeOutcome), this.opts.maxExecutions, pointMs));
      ranges = null;
    }
    return sweep.result();
  }

  /** Explore `ranges` to the end (or the time limit); null when interrupted. */
  private async search(
    source: ProgramSource,
    spec: SearchSpec,
    ranges: RangeProgress[],
    live: (ranges: RangeProgress[]) => ScenarioProgress,
  ): Promise<RangeProgress[] | null> {
    const cap = this.opts.maxExecutions;
    const deadline = performance.now() + this.opts.timeLimitMs;
    const family = familyFor(spec.strategy);
    // slices are for cutting a search among workers and for saving it mid-way
    const whole = !family.splits && this.settings.savesMidSearch !== true;
    this.live = () => live(ranges);
    const only = ranges.length === 1 ? ranges[0]! : null;
    if (only !== null && only.committed.executions === 0 && only.done.length === 0 && only.pending.length === 1) {
      const program = await loadProgram(source);
      const budget = { maxExecutions: cap, timeMs: Math.min(whole ? Infinity : this.settings.warmUpMs, this.opts.timeLimitMs) };
      const out = runSlice(program, spec, only.pending[0]!.state, budget);
      only.committed = out.result;
      only.pending = out.remaining === null ? [] : [{ key: family.key(out.remaining), state: out.remaining }];
      if (out.result.executions >= cap) {
        only.limitHit = true;
        only.pending = [];
      }
    }
    if (this.stopped) return null;
    if (ranges.every((r) => r.limitHit || (r.pending.length === 0 && r.done.length === 0))) return ranges;
    // a search that cannot be cut (dpor) runs on one thread at a time whatever the workers: this
    // one, already warm, with nothing to copy (the event loop still turns between slices)
    const pool = family.splits ? (this.pool ??= makePool(this.settings.workers)) : inThisThread;
    const coordinator = new Coordinator(source, spec, ranges, {
      maxExecutions: cap,
      deadline,
      sliceMs: whole ? Infinity : this.settings.sliceMs,
    });
    this.coordinator = coordinator;
    this.live = () => live(coordinator.snapshot());
    const end = await coordinator.run(pool);
    this.coordinator = null;
    if (end === 'stopped') return null;
    return coordinator.snapshot();
  }

  private searchSpec(faults: FaultPlan): SearchSpec {
    return searchSpecFor(this.opts, faults);
  }
}
