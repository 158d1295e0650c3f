// `iommulab check` on workers: every scenario's search runs on a pool of worker threads (or in
// this thread for one worker), in slices, so that it can be cut for the workers, shared out to
// shards, and checkpointed; several scenarios' searches share the pool when one alone cannot
// keep every worker busy. The results are those of the sequential search whatever the number
// of workers and whatever the timing (explorer/parallel/).
import { NthSweep, type SweepResult, type SweepState } from '../explorer/faults.js';
import { Coordinator, type RangeProgress, wholeRange } from '../explorer/parallel/coordinator.js';
import { finishSearch, rangeOutcome } from '../explorer/parallel/explore-parallel.js';
import { familyFor } from '../explorer/parallel/family.js';
import { InProcessPool, makePool, type SlicePool } from '../explorer/parallel/pool.js';
import { SharedPool } from '../explorer/parallel/shared-pool.js';
import { loadProgram, type ProgramSource } from '../explorer/parallel/program-source.js';
import { planSearch } from '../explorer/parallel/plan.js';
import { runSlice, type SearchSpec } from '../explorer/parallel/slice.js';
import { wallClockMs } from '../explorer/engine.js';
import type { FaultPlan } from '../rt/execution.js';
import { ModelError } from '../rt/violation.js';
import { programRef } from '../scenarios/program-ref.js';
import type { Scenario } from '../scenarios/scenario.js';
import { type CheckOptions, concludeScenario, faultPlanFor, type ScenarioOutcome } from './check.js';
import { scenarioSource, searchSpecFor } from './search-spec.js';
import { planParts, type Shard, type ShardPart, shardOf } from './shard.js';

export interface RunSettings {
  readonly workers: number;
  /** how long a slice runs before it comes back (to be saved, or cut for idle workers) */
  readonly sliceMs: number;
  /**
   * a first slice in this thread, so small searches end there without starting any worker
   * (only when scenarios run one at a time: one worker, or one scenario to search)
   */
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

type SweepProgress = Extract<ScenarioProgress, { status: 'sweep' }>;

export const defaultWarmUpMs = 200;

/** A scenario being settled: where its search stands, and how to stop it. */
interface Flight {
  readonly index: number;
  /** its progress as it stands (a checkpoint's entry), once a search started */
  live: (() => ScenarioProgress) | null;
  /** its search, while it has one (not while it starts, finishes, or is between sweep points) */
  coordinator: Coordinator | null;
  stopped: boolean;
}

type OnDone = (s: Scenario, p: ScenarioProgress) => void;

/**
 * Settles scenarios on one pool: with several workers and several scenarios, the next scenario
 * starts whenever a worker is idle and the scenarios in flight cannot give it work (a DPOR
 * search runs whole, a search may be down to one part). Scenarios are handed to `onDone` in
 * order, each once every one before it was; an error is that of the first failing scenario.
 */
export class CheckRun {
  private readonly progress: Array<ScenarioProgress | undefined>;
  private readonly flights = new Map<number, Flight>();
  /** more than one scenario may be in flight: several workers and several searches to run */
  private readonly concurrent: boolean;
  private readonly sourceOf: (s: Scenario) => ProgramSource;
  private pool: SlicePool | null = null;
  private shared: SharedPool | null = null;
  /** slices of a search that runs alone on this thread; closed with the run (nothing left queued) */
  private readonly inThisThread = new InProcessPool();
  /** the next scenario to start */
  private next = 0;
  /** the next scenario to hand to onDone */
  private reported = 0;
  /** the earliest scenario that failed (its search threw), and why */
  private failure: { readonly index: number; readonly error: unknown } | null = null;
  private stopped = false;
  private onDone: OnDone = () => {};
  private end: { resolve: (complete: boolean) => void; reject: (e: unknown) => void } | null = null;

  constructor(
    private readonly scenarios: readonly Scenario[],
    private readonly opts: CheckOptions,
    private readonly settings: RunSettings,
    resumed: readonly ScenarioProgress[] = [],
    sourceOf?: (s: Scenario) => ProgramSource,
  ) {
    this.progress = scenarios.map((s) => resumed.find((p) => p.name === s.name));
    this.concurrent = settings.workers > 1 && this.progress.filter((p) => !settled(p)).length > 1;
    this.sourceOf = sourceOf ?? ((s) => scenarioSource(programRef(s)));
  }

  get interrupted(): boolean {
    return this.stopped;
  }

  /** Stop soon: run() returns false, and snapshot() has everything needed to resume. */
  interrupt(): void {
    this.stopped = true;
    for (const f of this.flights.values()) stopFlight(f);
  }

  /** Every scenario's progress, in order; those in flight as they stand now. */
  snapshot(): ScenarioProgress[] {
    const out: ScenarioProgress[] = [];
    this.progress.forEach((p, i) => {
      const live = this.flights.get(i)?.live ?? null;
      if (!settled(p) && live !== null) out.push(live());
      else if (p !== undefined) out.push(p);
    });
    return out;
  }

  /** Runs every scenario; `onDone` hears each as it is settled, in order. False when interrupted. */
  async run(onDone: OnDone): Promise<boolean> {
    this.onDone = onDone;
    // the process stays alive until the run and the pool's close have ended: the workers are
    // unref'd between slices, and terminating them holds no handle either, so a run that ended on
    // a ModelError beside scenarios in flight could let node exit with close() (and the run's
    // promise) still pending (test/check-concurrent: 3 of 12 runs, on a quiet machine)
    const keepAlive = setInterval(() => {}, 1 << 30);
    try {
      return await new Promise<boolean>((resolve, reject) => {
        this.end = { resolve, reject };
        this.admit();
        this.flush();
      });
    } finally {
      await this.pool?.close();
      await this.inThisThread.close();
      clearInterval(keepAlive);
      this.pool = null;
      this.shared = null;
    }
  }

  /** Start scenarios in order while there is room: none in flight, or an idle worker. */
  private admit(): void {
    while (!this.stopped && this.failure === null && this.next < this.scenarios.length) {
      const i = this.next;
      if (settled(this.progress[i])) {
        this.next++;
        continue;
      }
      if (this.flights.size > 0) {
        if (!this.concurrent || this.shared === null || this.shared.free === 0) return;
        // one on its way to the pool (or back to it: the next point of a sweep) may take the idle worker
        for (const f of this.flights.values()) if (f.coordinator?.running !== true) return;
      }
      this.next++;
      this.launch(i);
    }
  }

  private launch(i: number): void {
    const s = this.scenarios[i]!;
    const flight: Flight = { index: i, live: null, coordinator: null, stopped: false };
    this.flights.set(i, flight);
    this.settle(flight, s, this.progress[i]).then(
      (p) => this.landed(flight, p, null),
      (e: unknown) => {
        if (e instanceof ModelError) e.message = `scenario ${s.name}: ${e.message}`;
        this.landed(flight, null, e);
      },
    );
  }

  /** A flight ended: settled (`p`), stopped (null), or failed (`error`). */
  private landed(flight: Flight, p: ScenarioProgress | null, error: unknown): void {
    this.flights.delete(flight.index);
    if (error !== null) this.fail(flight.index, error);
    else if (p !== null) this.progress[flight.index] = p;
    else if (flight.live !== null) this.progress[flight.index] = flight.live(); // where it stood, for the checkpoint
    this.flush();
    if (this.shared !== null) this.shared.pump();
    else this.admit();
  }

  /** Scenario `index` failed: the run ends with the earliest failure, and nothing after it counts. */
  private fail(index: number, error: unknown): void {
    if (this.failure !== null && this.failure.index <= index) return;
    this.failure = { index, error };
    for (const f of this.flights.values()) if (f.index >= index) stopFlight(f);
  }

  /** Hand settled scenarios to onDone in order; end the run once nothing is in flight. */
  private flush(): void {
    if (this.end === null) return;
    while (this.reported < this.scenarios.length && this.failure?.index !== this.reported) {
      const i = this.reported;
      const p = this.progress[i];
      if (!settled(p)) break;
      this.reported++;
      try {
        this.onDone(this.scenarios[i]!, p!);
      } catch (e) {
        // (a checkpoint that cannot be written): it comes before any failure of a later scenario
        this.failure = null;
        this.fail(i + 1, e);
      }
    }
    if (this.flights.size > 0) return;
    const end = this.end;
    if (this.failure !== null && this.reported === this.failure.index) {
      this.end = null;
      end.reject(this.failure.error);
    } else if (this.reported === this.scenarios.length) {
      this.end = null;
      end.resolve(true);
    } else if (this.stopped || this.failure !== null) {
      this.end = null;
      end.resolve(false);
    }
  }

  private sharedPool(): SharedPool {
    if (this.shared === null) {
      this.pool = makePool(this.settings.workers);
      this.shared = new SharedPool(this.pool, () => this.admit());
    }
    return this.shared;
  }

  private async settle(flight: Flight, s: Scenario, p: ScenarioProgress | undefined): Promise<ScenarioProgress | null> {
    const i = flight.index;
    const faults = faultPlanFor(s, this.opts);
    const shard = this.settings.shard;
    // --time-limit holds for the scenario's whole search (every point of a sweep, the time
    // before a checkpoint it resumes from) and its minimization
    const before = p?.status === 'search' || p?.status === 'sweep' ? p.elapsedMs : 0;
    const deadline = performance.now() + this.opts.timeLimitMs - before;
    if (faults.mode === 'nth') {
      if (shard !== null && shardOf(i, 0, shard.count) !== shard.index) return { name: s.name, status: 'shard', part: { kind: 'elsewhere' } };
      const result = await this.sweep(flight, s, p?.status === 'sweep' ? p : undefined, deadline);
      if (result === null) return null;
      if (shard !== null) return { name: s.name, status: 'shard', part: { kind: 'sweep', result } };
      return { name: s.name, status: 'concluded', outcome: concludeScenario(s, result, faults, this.opts, deadline) };
    }
    const spec = this.searchSpec(faults);
    const source = this.sourceOf(s);
    let elapsed = p?.status === 'search' ? p.elapsedMs : 0;
    let planSize = 1;
    let ranges: RangeProgress[];
    if (p?.status === 'search') {
      ranges = p.ranges.map((r) => ({ ...r }));
      planSize = p.planSize;
    } else if (shard !== null) {
      const limits = { maxExecutions: this.opts.maxExecutions, deadline };
      const plan = planSearch(s.program, spec, familyFor(spec.strategy), planParts(shard.count), limits);
      planSize = plan.length;
      ranges = plan.filter((r) => shardOf(i, r.index, shard.count) === shard.index);
    } else {
      ranges = [wholeRange(familyFor(spec.strategy))];
    }
    const start = performance.now();
    // a resumed search's first violations are timed from when it first started (less the pause)
    const clockOrigin = wallClockMs() - elapsed;
    const ended = await this.search(flight, source, spec, ranges, deadline, clockOrigin, (rs) => ({
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
    const result = await finishSearch(source, spec, outcomes, this.opts.maxExecutions, elapsed, deadline);
    return { name: s.name, status: 'concluded', outcome: concludeScenario(s, result, faults, this.opts, deadline) };
  }

  /**
   * The fail_nth sweep runs its points one after another: whether point n+1 exists is known only
   * once point n ran (it made fewer than n allocations), so running points ahead would be
   * speculative work; other scenarios fill idle workers instead.
   */
  private async sweep(flight: Flight, s: Scenario, p: SweepProgress | undefined, deadline: number): Promise<SweepResult | null> {
    const sweep = new NthSweep(false, p?.sweep);
    let ranges = p?.ranges?.map((r) => ({ ...r })) ?? null;
    let elapsed = p?.elapsedMs ?? 0;
    const source = this.sourceOf(s);
    while (!sweep.done) {
      // the scenario's plan (its scope: phases, sites) at this point of the sweep
      const plan = faultPlanFor(s, this.opts);
      const spec = this.searchSpec({ ...(plan.mode === 'nth' ? plan : {}), mode: 'nth', nth: sweep.n });
      const start = performance.now();
      // a point's first violations are timed from the sweep's start
      const clockOrigin = wallClockMs() - elapsed;
      const from = ranges ?? [wholeRange(familyFor(spec.strategy))];
      const ended = await this.search(flight, source, spec, from, deadline, clockOrigin, (rs) => ({
        name: s.name,
        status: 'sweep',
        elapsedMs: elapsed + performance.now() - start,
        sweep: sweep.state,
        ranges: rs,
      }));
      if (ended === null) return null;
      const pointMs = performance.now() - start;
      elapsed += pointMs;
      sweep.add(await finishSearch(source, spec, ended.map(rangeOutcome), this.opts.maxExecutions, pointMs, deadline));
      ranges = null;
    }
    return sweep.result();
  }

  /** Explore `ranges` to the end (or the deadline, performance.now()); null when stopped. */
  private async search(
    flight: Flight,
    source: ProgramSource,
    spec: SearchSpec,
    ranges: RangeProgress[],
    deadline: number,
    clockOrigin: number,
    live: (ranges: RangeProgress[]) => ScenarioProgress,
  ): Promise<RangeProgress[] | null> {
    const cap = this.opts.maxExecutions;
    const family = familyFor(spec.strategy);
    // slices are for cutting a search among workers and for saving it mid-way
    const whole = !family.splits && this.settings.savesMidSearch !== true;
    flight.live = () => live(ranges);
    const only = ranges.length === 1 ? ranges[0]! : null;
    // alone on the run, a first slice here, so that small searches never start a worker (beside
    // other scenarios the workers are better: this thread would hold up handing slices out)
    const untouched = only !== null && only.committed.executions === 0 && only.done.length === 0 && only.pending.length === 1;
    if (!this.concurrent && untouched) {
      const program = await loadProgram(source);
      const left = Math.max(1, deadline - performance.now());
      const hard = { maxExecutions: cap, timeMs: left };
      const budget = { maxExecutions: cap, timeMs: Math.min(whole ? Infinity : this.settings.warmUpMs, left), hard, clockOrigin };
      const out = runSlice(program, spec, only!.pending[0]!.state, budget);
      only!.committed = out.result;
      only!.pending = out.remaining === null ? [] : [{ key: family.key(out.remaining), state: out.remaining }];
      if (out.result.executions >= cap || out.cut === true) {
        only!.limitHit = true;
        only!.pending = [];
      }
    }
    if (this.stopped || flight.stopped) return null;
    if (ranges.every((r) => r.limitHit || (r.pending.length === 0 && r.done.length === 0))) return ranges;
    // alone on the run, a search that cannot be cut (dpor) runs on one thread whatever the
    // workers: this one, already warm, with nothing to copy (the event loop still turns between
    // slices); beside other scenarios it takes a worker of the shared pool
    const pool = !this.concurrent && !family.splits ? this.inThisThread : this.sharedPool();
    const coordinator = new Coordinator(source, spec, ranges, {
      maxExecutions: cap,
      deadline,
      sliceMs: whole ? Infinity : this.settings.sliceMs,
      clockOrigin,
    });
    flight.coordinator = coordinator;
    flight.live = () => live(coordinator.snapshot());
    try {
      const end = await coordinator.run(pool, flight.index);
      if (end === 'stopped') return null;
      return coordinator.snapshot();
    } finally {
      flight.coordinator = null;
    }
  }

  private searchSpec(faults: FaultPlan): SearchSpec {
    return searchSpecFor(this.opts, faults);
  }
}

function settled(p: ScenarioProgress | undefined): boolean {
  return p !== undefined && (p.status === 'concluded' || p.status === 'shard');
}

function stopFlight(f: Flight): void {
  f.stopped = true;
  f.coordinator?.stop();
}
