// One execution: build a fresh world, run its threads to the end under a chooser, tear down,
// then check what is left. Every nondeterministic decision goes through the Chooser and is
// appended to `choices`, so the same choices reproduce the same execution step for step.
import type { Checker, CheckSite, DriverCall } from './check.js';
import { setCurrent } from './current.js';
import type { KObject } from './kobject.js';
import type { LockBase } from './lock.js';
import type { LockdepGraph, LockEdge } from './lockdep.js';
import { dependent, describeOp, type Op, OpKind } from './op.js';
import { copyState, type LoggedEdge, setSnapshot, snapshotOf, WorldSnapshot } from './snapshot.js';
import { bugSplat, callTrace, kasanSplat, nullDerefSplat, warnSplat } from './splat.js';
import { captureStack, type Frame, formatFrames, kernelName, parseStack } from './stack.js';
import { TraceNames } from './trace-names.js';
import { type Gen, STARTED_AFTER_ALL, STARTED_AT_SETUP, Thread } from './thread.js';
import { KernelOops, type Violation, type ViolationKind } from './violation.js';
import { YieldChecker } from './yield-check.js';
import type { YieldLog } from './yield-race.js';

/** Who decides. Strategies implement it; the runtime never knows which one runs. */
export interface Chooser {
  /** Called only when at least two threads are runnable. Returns one of `enabled`. */
  pickThread(enabled: readonly Thread[], exec: Execution): Thread;
  /** Called at an allocation in "failures as choices" mode while the budget lasts. */
  pickFail(exec: Execution): boolean;
}

/** Where a program's allocations run: the prologue, the threads (and what they spawn), the teardown. */
export type FaultPhase = 'prologue' | 'threads' | 'teardown';
export const faultPhases: readonly FaultPhase[] = ['prologue', 'threads', 'teardown'];

/**
 * Which fault points a plan may fail; the others always succeed and do not count (fail_nth
 * numbers only the points in scope). By default the points the threads reach: a failure in the
 * prologue (the setup every execution shares) would hide everything after it.
 */
export interface FaultScope {
  /** default: ['threads'] */
  readonly phases?: readonly FaultPhase[];
  /** only points reached inside one of these functions (kernel spelling; or a point's own name, e.g. alloc_iova_fast) */
  readonly sites?: readonly string[];
  /** never points reached inside one of these functions */
  readonly skipSites?: readonly string[];
}

export type FaultPlan =
  | { readonly mode: 'none' }
  | ({ readonly mode: 'nth'; readonly nth: number } & FaultScope)
  | ({ readonly mode: 'choice'; readonly maxFailures: number } & FaultScope);

export const noFaults: FaultPlan = { mode: 'none' };

export interface ThreadSpec {
  readonly name: string;
  readonly body: () => Gen<unknown>;
}

/** What the runtime needs from a scenario: a world, its threads, and what must hold. */
export interface Program<W = unknown> {
  setup(): W;
  /** runs alone before the threads are started (boot-time work, no choices); its result is not a thread result */
  prologue?(world: W): Gen<void>;
  threads(world: W): readonly ThreadSpec[];
  /** runs alone after every thread has finished; must free what the threads left */
  teardown?(world: W, results: readonly unknown[]): Gen<void>;
  /**
   * checked after every step; a message means it is broken. No two steps commute with such a
   * check, so partial-order reduction explores every interleaving: prefer `checker`.
   */
  invariant?(world: W): string | null;
  /** checks run at the points where they must hold, with what they read (rt/check.ts) */
  checker?(world: W): Checker;
  /** checked once after teardown */
  final?(world: W, results: readonly unknown[]): string | null;
  /**
   * The world after setup and the prologue may be snapshotted once and copied into later
   * executions (rt/snapshot.ts): it must then be a plain graph of objects (rt/clone.ts).
   */
  readonly snapshot?: boolean;
  /** a world copied from a snapshot takes over: re-point module-level pointers into it */
  activate?(world: W): void;
  /** while tracing: name the world's objects the way the program's reader knows them (rt/trace-names.ts) */
  names?(world: W, names: TraceNames): void;
}

export interface ExecOptions {
  readonly faults: FaultPlan;
  readonly lockdep: LockdepGraph;
  /** does a WARN fail the check (panic_on_warn)? */
  readonly warnFails: boolean;
  /** record a trace with the model function of every step (slow; for reports) */
  readonly trace: boolean;
  /** trace mode: called as each step is about to run, with its op (reports snapshot the objects it touches) */
  readonly traceObserver?: ((step: TraceStep, op: Op, exec: Execution) => void) | null;
  /** record every step's thread and op (for partial-order reduction) */
  readonly recordOps: boolean;
  /** steps an execution may take; one that wants more is cut (truncated 'steps'), not a kernel report */
  readonly maxSteps: number;
  /** performance.now() past which the execution is cut (truncated 'time'); checked every 256 steps, more often when steps are slow */
  readonly deadline?: number;
  /** steps in a row that change nothing (reads, DMA, cond_resched) after which it is a livelock */
  readonly livelockSteps?: number;
  /** checking mode: record every step's accesses and log plain ones that race (rt/yield-check.ts) */
  readonly yieldLog?: YieldLog | null;
}

/** A livelock: this many steps in a row in which no thread changed anything. */
export const defaultLivelockSteps = 10_000;

/** Why an execution stopped before its end without a kernel report: a limit of the search, not a bug. */
export type Truncation = 'steps' | 'time';

/** Thrown out of the step loop when a limit cuts the execution (caught by run()). */
class ExecutionCut {
  constructor(readonly why: Truncation) {}
}

export interface TraceStep {
  readonly step: number;
  readonly thread: string;
  readonly op: string;
  readonly fn: string;
  readonly where: string;
  /** the fault plan made this step's allocation (or fault point) fail */
  injected?: true;
}

/** What a thread's own code said between its steps (an operation begun, its return code), while tracing. */
export interface TraceNote {
  /** printed before this step (notes said while a step runs come before the next one) */
  readonly before: number;
  readonly thread: string;
  readonly text: string;
}

/**
 * %GeneratorPrototype%.next, for resume(). Model code often creates its generator functions per
 * execution, and each such function has a new prototype object: `gen.next()` would look `next`
 * up through it, and the first lookup through an object turns it into an optimized prototype,
 * which is costly (10% of the instructions of a lock-counter-2x2 execution). Calling this
 * function instead touches no property of the generator (so a `next` replaced on a generator
 * object or its function's prototype would be bypassed; model code has no reason to do that).
 */
const generatorPrototype = Object.getPrototypeOf(function* () {}).prototype as Gen<unknown>;
const resumeGenerator = generatorPrototype.next as (this: Gen<unknown>) => IteratorResult<Op, unknown>;

/** Made by a generator function (checked without a property lookup, see above)? */
function isGenerator(it: object): boolean {
  const proto = Object.getPrototypeOf(it) as object | null;
  return proto !== null && Object.getPrototypeOf(proto) === generatorPrototype;
}

/** A generator that steps `it`: same values, same result. */
function* delegate<T>(it: Gen<T>): Gen<T> {
  return yield* it;
}

/** The generator of a restored prologue thread, which has finished. */
function* finished(): Gen<unknown> {
  return undefined;
}

/** the first words of a report a check makes, by kind */
const checkTitles: Partial<Record<ViolationKind, string>> = {
  'invariant': 'invariant violated',
  'driver-contract': 'iommu driver contract violated',
  'stale-translation': 'stale IOMMU translation',
  'invalidation-timeout': 'IOMMU invalidation timeout',
  'dma-isolation': 'DMA isolation',
};

/** Marker in `choices` for "this allocation failed"; thread choices are thread indexes. */
export const FAIL = -1;
/** Marker in `choices` for "this allocation was offered a failure and succeeded" (choice mode). */
export const SUCCEED = -2;

export class Execution {
  readonly threads: Thread[] = [];
  /** the thread running now; null during setup */
  thread: Thread | null = null;
  readonly violations: Violation[] = [];
  /** WARNs that did not fail the check (warnFails off) */
  readonly warnings: Violation[] = [];
  readonly choices: number[] = [];
  steps = 0;
  preemptions = 0;
  allocations = 0;
  failures = 0;
  fatal = false;
  /** cut short by a limit (maxSteps, deadline): its end, teardown and final checks did not run */
  truncated: Truncation | null = null;
  readonly trace: TraceStep[] | null;
  /** while tracing: the notes of the threads and the program's names of objects */
  readonly traceNotes: TraceNote[] | null;
  readonly traceNames: TraceNames | null;
  private tracedFailures = 0;
  /** per step: thread index and op (recordOps only) */
  readonly stepThreads: number[] = [];
  readonly stepOps: Op[] = [];
  readonly live = new Set<KObject>();
  /** keys that already fired a WARN_ON_ONCE in this execution */
  readonly warnedOnce = new Set<object>();
  /** execution-local storage of model modules (e.g. armed pause points), keyed by a module's own key */
  locals = new Map<object, unknown>();
  readonly tracing: boolean;
  readonly lockdep: LockdepGraph;
  /** the yield-rule checker, in checking mode only */
  readonly yieldChecker: YieldChecker | null;
  private world: unknown = undefined;
  /** the thread that ran the previous step (switching away from it while runnable is a preemption) */
  last: Thread | null = null;
  /**
   * the thread that went to sleep (msleep()) in the step just run: switching away from it is no
   * preemption (it gives the CPU up), though it stays runnable (the model has no clock)
   */
  sleeper: Thread | null = null;
  /** choice points where the thread that ran last was asleep (a free switch: see sleeper) */
  sleepChoices = 0;
  private setupOids = 0;
  /** runnable threads of the current step, in [0, count) (see schedule) */
  private readonly enabled: Thread[] = [];
  private sleptInAtomic = false;
  /** the program's checks at their points (rt/check.ts), once the world is built; null when it has none */
  checker: Checker | null = null;
  /** a step is running: `steps` already counts it */
  private stepping = false;
  /** the phase running: 0 prologue, 1 threads, 2 teardown (a bit of faultPhaseMask) */
  private phase = 1;
  /** bit i: fault points of phase i are in the plan's scope */
  private readonly faultPhaseMask: number;
  private readonly faultSites: ReadonlySet<string> | null;
  private readonly faultSkipSites: ReadonlySet<string> | null;
  /** the last step that changed something (not a read, DMA or cond_resched) */
  private progressStep = 0;
  /** lock dependencies of setup and the prologue, while this execution takes the program's snapshot */
  private edgeLog: LoggedEdge[] | null = null;

  constructor(
    private readonly program: Program<unknown>,
    private readonly chooser: Chooser,
    private readonly opts: ExecOptions,
  ) {
    this.tracing = opts.trace;
    this.trace = opts.trace ? [] : null;
    this.traceNotes = opts.trace ? [] : null;
    this.traceNames = opts.trace ? new TraceNames() : null;
    this.lockdep = opts.lockdep;
    const f = opts.faults;
    const scope: FaultScope = f.mode === 'none' ? {} : f;
    // (without faults nothing fails, but the points in the default scope are still counted)
    this.faultPhaseMask = (scope.phases ?? ['threads']).reduce((m, p) => m | (1 << faultPhases.indexOf(p)), 0);
    this.faultSites = scope.sites !== undefined && scope.sites.length > 0 ? new Set(scope.sites) : null;
    this.faultSkipSites = scope.skipSites !== undefined && scope.skipSites.length > 0 ? new Set(scope.skipSites) : null;
    const log = opts.yieldLog ?? null;
    if (log !== null && log.siteRequests === null) log.executions++;
    this.yieldChecker = log === null ? null : new YieldChecker(this, log);
  }

  get failed(): boolean {
    return this.violations.length > 0;
  }

  /** the fault plan it runs under (fail_nth makes allocations depend on each other's order) */
  get faults(): FaultPlan {
    return this.opts.faults;
  }

  /** Does the program check an invariant of the whole state after every step? (No step commutes with that.) */
  get checksInvariant(): boolean {
    return this.program.invariant !== undefined;
  }

  run(): this {
    setCurrent(this);
    const program = this.program;
    const yieldChecker = this.yieldChecker;
    try {
      const snap = this.usableSnapshot();
      const restored = snap === null ? undefined : this.restore(snap);
      let world: unknown;
      let first = 0;
      if (restored !== undefined) {
        world = restored;
        first = this.threads.length;
        program.activate?.(world);
        if (program.checker !== undefined) this.checker = program.checker(world);
      } else {
        const taking = this.takesSnapshot();
        if (taking) this.edgeLog = [];
        world = yieldChecker === null ? program.setup() : yieldChecker.root(program.setup());
        this.world = world;
        if (program.checker !== undefined) {
          const checks = program.checker(world);
          // in checking mode, what the checks read is the oracle's, not the model's
          const contract = checks.contract;
          const blindContract = (call: DriverCall): CheckSite | null => yieldChecker!.blind(() => contract!.call(checks, call));
          this.checker =
            yieldChecker === null
              ? checks
              : {
                  at: (op) => yieldChecker.blind(() => checks.at(op)),
                  ...(contract === undefined ? {} : { contract: blindContract }),
                };
        }
        if (program.prologue !== undefined) {
          this.phase = 0;
          this.spawn('prologue', program.prologue(world));
          this.schedule();
          first = this.threads.length;
        }
        // the copy grows with the world: not begun past the deadline (the execution ends there anyway)
        if (taking && performance.now() > (this.opts.deadline ?? Number.POSITIVE_INFINITY)) throw new ExecutionCut('time');
        if (taking) this.takeSnapshot(world);
      }
      this.phase = 1;
      // after a prologue, the threads start after its last step (as if it had spawned them)
      const origin = this.steps > 0 ? this.steps - 1 : STARTED_AT_SETUP;
      for (const spec of program.threads(world)) this.spawn(spec.name, spec.body(), origin);
      this.checkInvariant();
      this.schedule();
      const results = this.threads.slice(first).map((t) => t.result);
      if (program.teardown !== undefined) {
        this.phase = 2;
        this.spawn('teardown', program.teardown(world, results), STARTED_AFTER_ALL);
        this.schedule();
      }
      const msg = program.final?.(world, results) ?? null;
      if (msg !== null) this.report('assertion', `assertion failed: ${msg}`, msg, false, []);
      this.checkLeaks();
    } catch (e) {
      if (e instanceof ExecutionCut) this.truncated = e.why;
      else if (!(e instanceof KernelOops)) throw e;
    }
    if (this.trace !== null) this.nameObjects();
    yieldChecker?.finish();
    return this;
  }

  // ---- world snapshots (rt/snapshot.ts) ------------------------------------------------------

  /** Is this execution's setup and prologue the same as every other's, so a snapshot stands for it? */
  private snapshotApplies(): boolean {
    // a prologue outside the fault plan's scope (the default) runs the same in every execution;
    // checking mode records accesses through proxies made as objects are built: it runs fresh
    const prologueFaultFree = this.opts.faults.mode === 'none' || (this.faultPhaseMask & 1) === 0;
    return this.program.snapshot === true && !this.opts.trace && prologueFaultFree && this.yieldChecker === null;
  }

  private takesSnapshot(): boolean {
    return this.snapshotApplies() && snapshotOf(this.program) === undefined;
  }

  private usableSnapshot(): WorldSnapshot | null {
    if (!this.snapshotApplies()) return null;
    const snap = snapshotOf(this.program);
    if (snap === undefined || snap === null) return null;
    if (this.opts.recordOps && snap.state.stepOps === null) return null;
    if (snap.steps >= this.opts.maxSteps) return null;
    return snap;
  }

  /** The end of a fresh setup and prologue: keep a copy for later executions, if they are all alike. */
  private takeSnapshot(world: unknown): void {
    const log = this.edgeLog!;
    this.edgeLog = null;
    const prologue = this.program.prologue === undefined ? null : this.threads[0]!;
    const clean =
      this.violations.length === 0 &&
      this.warnings.length === 0 &&
      this.choices.length === 0 &&
      this.failures === 0 &&
      this.threads.length === (prologue === null ? 0 : 1) &&
      (prologue === null || (prologue.done && prologue.held.length === 0));
    if (!clean) {
      setSnapshot(this.program, null);
      return;
    }
    const state = {
      world,
      prologueResult: prologue?.result,
      live: [...this.live],
      locals: this.locals,
      stepOps: this.opts.recordOps ? this.stepOps.slice() : null,
    };
    // the snapshot keeps a copy: this execution goes on changing its world
    const snap = new WorldSnapshot(
      copyState(state),
      this.lockdep,
      log,
      this.steps,
      this.allocations,
      this.setupOids,
      prologue?.oidCounter ?? 0,
      prologue?.name ?? '',
      this.progressStep,
    );
    setSnapshot(this.program, snap);
  }

  /** Start from a copy of the snapshot; undefined when this execution must run fresh after all. */
  private restore(snap: WorldSnapshot): unknown {
    const graph = this.lockdep;
    const map = snap.classMap(graph);
    const edges = map === null ? snap.edges : snap.edges.map((e) => ({ held: map[e.held]!, taken: map[e.taken]!, info: e.info }));
    // a dependency of the prologue new to this graph that closes a cycle: the prologue reports it
    if (graph.closesCycle(edges)) return undefined;
    const state = snap.copy(map);
    for (const e of edges) graph.addEdge(e.held, e.taken, e.info);
    this.world = state.world;
    this.locals = state.locals as Map<object, unknown>;
    for (const obj of state.live) this.live.add(obj);
    this.setupOids = snap.setupOids;
    this.allocations = snap.allocations;
    this.steps = snap.steps;
    this.progressStep = snap.progressStep;
    if (this.program.prologue !== undefined) {
      const t = new Thread(0, snap.prologueName, finished(), STARTED_AT_SETUP);
      t.done = true;
      t.result = state.prologueResult;
      t.oidCounter = snap.prologueOids;
      this.threads.push(t);
      if (snap.steps > 0) this.last = t;
    }
    if (this.opts.recordOps) {
      const ops = state.stepOps!;
      for (let i = 0; i < ops.length; i++) {
        this.stepThreads.push(0);
        this.stepOps.push(ops[i]!);
      }
    }
    return state.world;
  }

  // ---- scheduling ----------------------------------------------------------------------

  private schedule(): void {
    const threads = this.threads;
    const enabled = this.enabled;
    const invariant = this.program.invariant;
    const maxSteps = this.opts.maxSteps;
    const deadline = this.opts.deadline ?? Number.POSITIVE_INFINITY;
    const livelockSteps = this.opts.livelockSteps ?? defaultLivelockSteps;
    // the limits are looked at every `every` steps (and at maxSteps): one comparison a step.
    // 256 steps, or fewer when they are slow (a machine of thousands of functions, where one
    // step may walk all of them): the interval shrinks when the last one took over 2 ms
    let every = 256;
    /** when the limits were last looked at (-1: not yet; a short execution never reads the clock) */
    let checkedAt = -1;
    let limitAt = Math.min(maxSteps, this.steps + every);
    for (;;) {
      // `enabled` is a buffer filled by index: resetting an array's length frees its backing
      // store, so each step would allocate a new one. The chooser gets an exact copy, made only
      // at a choice point.
      let count = 0;
      let live = false;
      let lastEnabled = false;
      for (let i = 0; i < threads.length; i++) {
        const t = threads[i]!;
        if (t.done) continue;
        live = true;
        if (isEnabled(t.pending!)) {
          enabled[count++] = t;
          if (t === this.last) lastEnabled = true;
        }
      }
      if (count === 0) {
        if (live) this.deadlock();
        return;
      }
      if (this.steps >= limitAt) {
        // only an execution that wants one more step has exceeded the bound: a limit, not a bug
        if (this.steps >= maxSteps) throw new ExecutionCut('steps');
        if (deadline !== Number.POSITIVE_INFINITY) {
          const now = performance.now();
          if (now > deadline) throw new ExecutionCut('time');
          if (checkedAt >= 0) every = now - checkedAt > 2 ? Math.max(1, every >> 2) : Math.min(256, every * 2);
          checkedAt = now;
        }
        limitAt = Math.min(maxSteps, this.steps + every);
      }
      let t: Thread;
      if (count === 1) {
        t = enabled[0]!;
      } else {
        if (lastEnabled && this.sleeper === this.last) this.sleepChoices++;
        t = this.chooser.pickThread(enabled.slice(0, count), this);
        this.choices.push(t.idx);
      }
      if (lastEnabled && t !== this.last && this.sleeper !== this.last) this.preemptions++;
      this.sleeper = null;
      const op = t.pending!;
      const kind = op.kind;
      if (kind !== OpKind.Read && kind !== OpKind.Dma && kind !== OpKind.Yield) this.progressStep = this.steps;
      else if (this.steps - this.progressStep >= livelockSteps) this.livelock(livelockSteps);
      if (this.opts.recordOps) {
        this.stepThreads.push(t.idx);
        this.stepOps.push(t.pending!);
      }
      if (this.trace !== null) this.traceStep(t);
      this.last = t;
      this.steps++;
      this.stepping = true;
      this.resume(t);
      this.stepping = false;
      this.redeclareAfter(t, op);
      if (this.trace !== null) this.traceStepDone();
      if (invariant !== undefined) this.checkInvariant();
    }
  }

  /**
   * After `t`'s step `op`: every other thread whose pending op can be declared again
   * (`Op.redeclare`, a one-step DMA) and that the step may have moved (dependent with it) declares
   * it again, in its own context, so that it runs with what it reads when it runs. A step
   * independent of it wrote nothing it reads, so its op stays as it is.
   */
  private redeclareAfter(t: Thread, op: Op): void {
    const threads = this.threads;
    for (let i = 0; i < threads.length; i++) {
      const u = threads[i]!;
      const p = u.pending;
      if (u === t || p === null || p.redeclare === undefined || !dependent(op, p)) continue;
      const prev = this.thread;
      this.thread = u;
      try {
        u.pending = p.redeclare();
      } finally {
        this.thread = prev;
      }
    }
  }

  /** Run `t` up to its next yield (or its end). */
  private resume(t: Thread): void {
    const prev = this.thread;
    this.thread = t;
    let r: IteratorResult<Op, unknown>;
    try {
      r = resumeGenerator.call(t.gen);
    } catch (e) {
      throw this.translateError(e);
    }
    if (r.done === true) {
      t.done = true;
      t.pending = null;
      t.result = r.value;
      if (t.held.length > 0) {
        this.report(
          'lockdep',
          'WARNING: lock held when returning to user space!',
          `${t.name}/${t.pid} is leaving the kernel with locks still held:\n${t.held
            .map((l, i) => ` #${i}: ${l.label}`)
            .join('\n')}`,
          false,
          undefined,
          `WARNING: lock held when returning to user space!: ${t.held.map((l) => l.label).join(', ')}`,
        );
      }
    } else {
      t.pending = r.value;
    }
    this.thread = prev;
  }

  /** A JS TypeError on null is the model dereferencing NULL without deref(): report it as such. */
  private translateError(e: unknown): unknown {
    if (e instanceof KernelOops) return e;
    if (e instanceof TypeError && nullAccess.test(e.message)) {
      const frames = parseStack(e.stack ?? '');
      try {
        this.report('null-deref', 'BUG: kernel NULL pointer dereference', e.message, true, frames);
      } catch (oops) {
        return oops;
      }
    }
    return e;
  }

  /** Run a check reached by the current step (its reads were yielded with the step's op). */
  runCheck(site: CheckSite): void {
    const y = this.yieldChecker;
    const msg = y === null ? site.run() : y.blind(() => site.run());
    if (msg === null) return;
    const kind = site.kind ?? 'invariant';
    this.report(kind, `${checkTitles[kind] ?? 'invariant violated'}: ${msg}`, msg, site.fatal ?? true);
  }

  private checkInvariant(): void {
    const msg = this.program.invariant?.(this.world) ?? null;
    if (msg !== null) this.report('invariant', `invariant violated: ${msg}`, msg, true, []);
  }

  /** Start a thread; by default it starts after the current step (kthread_run) or at setup. */
  spawn(name: string, gen: Gen<unknown>, origin = this.thread === null ? STARTED_AT_SETUP : this.steps - 1): Thread {
    // resume() calls the generators' `next` directly: any other iterator is wrapped in a generator
    const t = new Thread(this.threads.length, name, isGenerator(gen) ? gen : delegate(gen), origin);
    this.threads.push(t);
    if (this.yieldChecker !== null) this.yieldChecker.spawned(t, this.thread);
    this.resume(t); // runs thread-local code up to its first shared operation
    return t;
  }

  newOid(): number {
    const t = this.thread;
    return t === null ? this.setupOids++ : ((t.idx + 1) << 20) | t.oidCounter++;
  }

  // ---- services for the primitives in sync/ ------------------------------------------------

  /** Trace mode: remember where the op about to be yielded comes from. */
  noteSite(): void {
    this.thread!.site = captureStack();
  }

  /** msleep() in the running step: the thread sleeps; the next switch away from it is free. */
  sleep(what: string): void {
    this.mightSleep(what);
    this.sleeper = this.thread;
  }

  /** might_sleep(): sleeping while holding a spinlock is a bug. */
  mightSleep(what: string): void {
    const t = this.thread;
    if (t === null || this.sleptInAtomic) return;
    const spin = spinlockHeld(t);
    if (spin === null) return;
    this.sleptInAtomic = true;
    this.report(
      'sleep-in-atomic',
      'BUG: sleeping function called from invalid context',
      `${what} while holding ${spin.label}\nin_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: ${t.pid}, name: ${t.name}\npreempt_count: 1\n${this.heldText(t)}`,
      false,
    );
  }

  /** lock_acquire(): lockdep checks at the attempt, before the thread may block. */
  lockAttempt(lock: LockBase): void {
    const t = this.thread!;
    if (lock.container?.freed === true) this.useAfterFree(lock.container, `lock ${lock.label}`);
    // the message is a new string per lock taken: build it only when it will be used
    if (lock.sleeps && !this.sleptInAtomic && spinlockHeld(t) !== null) this.mightSleep(`mutex_lock(${lock.label})`);
    const held = t.held;
    for (let i = 0; i < held.length; i++) {
      const h = held[i]!;
      if (h.cls === lock.cls) {
        this.report(
          'lockdep',
          'WARNING: possible recursive locking detected',
          `${t.name}/${t.pid} is trying to acquire lock:\n  ${lock.label}\nbut task is already holding lock:\n  ${h.label}\n\n *** DEADLOCK ***\n\n May be due to missing lock nesting notation\n${this.heldText(t)}`,
          false,
          undefined,
          `WARNING: possible recursive locking detected: ${lock.label} while holding ${h.label}`,
        );
        continue;
      }
      const info = { thread: t.name, heldLabel: h.label, takenLabel: lock.label };
      if (this.edgeLog !== null) this.edgeLog.push({ held: h.cls, taken: lock.cls, info });
      const chain = this.lockdep.addEdge(h.cls, lock.cls, info);
      if (chain !== null) this.circular(t, h, lock, chain);
    }
  }

  lockAcquired(lock: LockBase): void {
    const t = this.thread!;
    // KASAN sees the write to the lock word, which is the lock op itself (the step after the attempt)
    if (lock.container?.freed === true) this.useAfterFree(lock.container, `lock ${lock.label}`);
    lock.owner = t;
    t.held.push(lock);
  }

  lockReleased(lock: LockBase): void {
    const t = this.thread!;
    const held = t.held;
    const top = held.length - 1;
    // releasing the innermost lock is the common case: no builtin call, and pop() does not
    // allocate the array splice() returns
    const i = top >= 0 && held[top] === lock ? top : held.lastIndexOf(lock);
    if (lock.owner !== t || i < 0) {
      this.report(
        'lockdep',
        'WARNING: bad unlock balance detected!',
        `${t.name}/${t.pid} is trying to release lock (${lock.label}) but there are no more locks to release!`,
        false,
        undefined,
        `WARNING: bad unlock balance detected!: ${lock.label}`,
      );
      return;
    }
    lock.owner = null;
    if (i === top) held.pop();
    else held.splice(i, 1);
  }

  /**
   * Is the fault point about to be yielded (named `what`: kzalloc, alloc_iova_fast...) in the
   * fault plan's scope? One that is not always succeeds and is not counted: it yields a plain
   * Yield op instead of an Alloc, so the search has no decision to make there. Asked before the
   * yield, in the thread's context (the phase, and the model call stack when the plan names sites).
   */
  faultPoint(what: string): boolean {
    if ((this.faultPhaseMask & (1 << this.phase)) === 0) return false;
    if (this.faultSites === null && this.faultSkipSites === null) return true;
    const names = captureStack().map((f) => kernelName(f.fn));
    names.push(what);
    const skip = this.faultSkipSites;
    if (skip !== null && names.some((n) => skip.has(n))) return false;
    const only = this.faultSites;
    return only === null || names.some((n) => only.has(n));
  }

  /** Should this allocation (a fault point in scope) fail? Counts it, and asks the chooser in "failures as choices" mode. */
  shouldFailAlloc(): boolean {
    const n = ++this.allocations;
    const plan = this.opts.faults;
    let fail = false;
    if (plan.mode === 'nth') {
      fail = n === plan.nth;
    } else if (plan.mode === 'choice' && this.failures < plan.maxFailures) {
      // both outcomes are recorded: a schedule must say which allocation failed, not just that one did
      fail = this.chooser.pickFail(this);
      this.choices.push(fail ? FAIL : SUCCEED);
    }
    if (fail) this.failures++;
    return fail;
  }

  track(obj: KObject): void {
    obj.tracked = true;
    if (this.tracing) obj.allocStack = captureStack();
    this.live.add(obj);
  }

  untrack(obj: KObject): void {
    obj.freed = true;
    obj.freeThread = this.thread?.name ?? 'setup';
    if (this.tracing) obj.freeStack = captureStack();
    this.live.delete(obj);
  }

  // ---- reports ---------------------------------------------------------------------------

  /**
   * Record a violation. Fatal ones end the execution by throwing a KernelOops. `message` is the
   * one line its signature is made of: by default the title, with the body's first line when the
   * title does not say it already.
   */
  report(kind: ViolationKind, title: string, body: string, fatal: boolean, stack?: readonly Frame[], message?: string): void {
    const frames = stack ?? captureStack();
    const t = this.thread;
    const task = t?.name ?? 'setup';
    const pid = t?.pid ?? 0;
    let splat: string;
    if (kind === 'warn') splat = warnSplat(task, pid, frames, body);
    else if (kind === 'bug') splat = bugSplat(task, pid, frames, body);
    else if (kind === 'null-deref') splat = nullDerefSplat(task, pid, frames, body);
    else {
      const head = body.includes(title) ? body : title.includes(body) ? title : `${title}\n${body}`;
      splat = frames.length > 0 ? `${head}\n${callTrace(frames)}` : head;
    }
    const msg = message ?? defaultMessage(title, body);
    const v: Violation = { kind, title, splat, message: msg, thread: t?.name ?? null, step: this.stepNow(), stack: frames };
    if (kind === 'warn' && !this.opts.warnFails) this.warnings.push(v);
    else this.violations.push(v);
    if (fatal) {
      this.fatal = true;
      throw new KernelOops(v);
    }
  }

  /** KASAN: touching `obj` after kfree(). Fatal. */
  useAfterFree(obj: KObject, access: string): never {
    const t = this.thread;
    const frames = captureStack();
    const splat = kasanSplat({
      bug: 'slab-use-after-free',
      access,
      object: obj.label,
      task: t?.name ?? 'setup',
      pid: t?.pid ?? 0,
      frames,
      allocStack: obj.allocStack,
      freeStack: obj.freeStack,
      freeTask: obj.freeThread,
    });
    this.reportSplat('use-after-free', `BUG: KASAN: slab-use-after-free in ${fnName(frames)}`, splat, frames, `KASAN: slab-use-after-free: ${access} of ${obj.label}`);
  }

  /** KASAN: kfree() of an object already freed, or never allocated. Fatal. */
  badFree(obj: KObject): never {
    const t = this.thread;
    const frames = captureStack();
    const bug = obj.tracked ? 'double-free' : 'invalid-free';
    const splat = kasanSplat({
      bug,
      access: `kfree(${obj.label})`,
      object: obj.label,
      task: t?.name ?? 'setup',
      pid: t?.pid ?? 0,
      frames,
      allocStack: obj.allocStack,
      freeStack: obj.freeStack,
      freeTask: obj.freeThread,
    });
    this.reportSplat(obj.tracked ? 'double-free' : 'bug', `BUG: KASAN: ${bug} in ${fnName(frames)}`, splat, frames, `KASAN: ${bug}: kfree(${obj.label})`);
  }

  private reportSplat(kind: ViolationKind, title: string, splat: string, frames: readonly Frame[], message: string): never {
    const v: Violation = { kind, title, splat, message, thread: this.thread?.name ?? null, step: this.stepNow(), stack: frames };
    this.violations.push(v);
    this.fatal = true;
    throw new KernelOops(v);
  }

  /** The 0-based step a report belongs to: the one running, or between steps the next one. */
  private stepNow(): number {
    return this.stepping ? this.steps - 1 : this.steps;
  }

  private circular(t: Thread, held: LockBase, taking: LockBase, chain: readonly LockEdge[]): void {
    const names = this.lockdep.classNames;
    const a = names[held.cls]!;
    const b = names[taking.cls]!;
    const body = [
      '======================================================',
      'WARNING: possible circular locking dependency detected',
      '------------------------------------------------------',
      `${t.name}/${t.pid} is trying to acquire lock:`,
      `  (${b}) ${taking.label}`,
      '',
      'but task is already holding lock:',
      `  (${a}) ${held.label}`,
      '',
      'which lock already depends on the new lock.',
      '',
      'the existing dependency chain (in reverse order) is:',
      ...chain.map((e, i) => ` -> #${i} (${e.takenLabel}): taken by ${e.thread} while holding ${e.heldLabel}`),
      '',
      ' Possible unsafe locking scenario:',
      '',
      '       CPU0                    CPU1',
      '       ----                    ----',
      `  lock(${a});`,
      `                               lock(${b});`,
      `                               lock(${a});`,
      `  lock(${b});`,
      '',
      ' *** DEADLOCK ***',
      '',
      this.heldText(t),
    ].join('\n');
    this.report('lockdep', circularLockingTitle, body, false, undefined, `${circularLockingTitle}: ${a} -> ${b}`);
  }

  private heldText(t: Thread): string {
    if (t.held.length === 0) return `no locks held by ${t.name}/${t.pid}.`;
    return `${t.held.length} lock${t.held.length > 1 ? 's' : ''} held by ${t.name}/${t.pid}:\n${t.held
      .map((l, i) => ` #${i}: ${l.label}`)
      .join('\n')}`;
  }

  /**
   * No thread has changed anything for `window` steps: each one only reads (polls) state that
   * nobody writes any more, so none can ever get out. (An unfair schedule counts: a thread that
   * spins waiting for another one's write while the other never runs is reported too.)
   */
  private livelock(window: number): void {
    const lines = [`no thread changed anything in the last ${window} steps: each step only read state nobody writes any more`];
    for (const x of this.threads) if (!x.done) lines.push(`  ${x.name}/${x.pid} at ${describeOp(x.pending!)}`);
    // reported as the thread that ran last (between steps no thread is current)
    this.thread = this.last;
    this.report('livelock', `livelock: ${window} steps without progress`, lines.join('\n'), true, []);
  }

  /** No runnable thread while some are unfinished: the hung-task report. */
  private deadlock(): void {
    const lines: string[] = [];
    const blocked: string[] = [];
    for (const t of this.threads) {
      if (t.done) continue;
      const op = t.pending!;
      blocked.push(`${t.name} in ${describeOp(op)}`);
      const holder = op.kind === OpKind.Lock ? (op.obj as LockBase).owner : null;
      lines.push(`INFO: task ${t.name}:${t.pid} blocked for more than 120 seconds.`);
      lines.push(
        holder === null
          ? `      waiting in ${describeOp(op)}`
          : `      waiting in ${describeOp(op)}, held by ${holder.name}:${holder.pid}${holder.done ? ' (exited)' : ''}`,
      );
    }
    lines.push('', 'Showing all locks held in the system:');
    for (const t of this.threads) if (t.held.length > 0) lines.push(this.heldText(t));
    const body = lines.join('\n');
    this.thread = null;
    const message = `INFO: task blocked: deadlock: ${blocked.join('; ')}`;
    const v: Violation = { kind: 'deadlock', title: 'INFO: task blocked: deadlock', splat: body, message, thread: null, step: this.steps, stack: [] };
    this.violations.push(v);
    this.fatal = true;
    throw new KernelOops(v);
  }

  /**
   * The end of a kernel within the execution (kexec, a test ending one boot): kmemleak reports
   * what is still allocated, and that memory is gone with it (the next kernel starts empty).
   */
  endHeap(): void {
    this.checkLeaks();
    this.live.clear();
  }

  /** kmemleak: what the scenario allocated and nobody freed. */
  private checkLeaks(): void {
    for (const obj of this.live) {
      const bt = obj.allocStack === null ? '    (backtrace recorded on replay)' : formatFrames(obj.allocStack, '    ');
      this.report(
        'leak',
        `kmemleak: unreferenced object ${obj.label}`,
        `unreferenced object ${obj.label} (size ${8 * Object.keys(obj).length}):\n  backtrace:\n${bt}`,
        false,
        [],
        `kmemleak: unreferenced object ${obj.label}`,
      );
    }
  }

  /** While tracing: a line of the running thread's own between its steps (the scenario's operations). */
  traceNote(text: string): void {
    if (this.traceNotes === null) return;
    this.traceNotes.push({ before: this.steps, thread: this.thread?.name ?? 'setup', text });
  }

  private nameObjects(): void {
    if (this.world !== undefined && this.traceNames !== null) this.program.names?.(this.world, this.traceNames);
  }

  private traceStepDone(): void {
    if (this.failures !== this.tracedFailures) {
      this.tracedFailures = this.failures;
      const last = this.trace![this.trace!.length - 1];
      if (last !== undefined) last.injected = true;
    }
    this.nameObjects();
  }

  private traceStep(t: Thread): void {
    if (this.trace!.length === 0) this.nameObjects();
    const top = t.site?.[0];
    const step: TraceStep = {
      step: this.steps,
      thread: t.name,
      op: describeOp(t.pending!),
      fn: top === undefined ? '' : kernelName(top.fn),
      where: top?.where ?? '',
    };
    this.trace!.push(step);
    this.opts.traceObserver?.(step, t.pending!, this);
  }
}

/** The title of a lockdep inversion report (reported once per search: see rt/lockdep.ts). */
export const circularLockingTitle = 'WARNING: possible circular locking dependency detected';

/** A violation's one-line message: the title, and the body's first line when the title does not say it. */
function defaultMessage(title: string, body: string): string {
  if (title.includes(body)) return title;
  const first = body.split('\n', 1)[0]!;
  return first === '' || title.includes(first) ? title : body.startsWith(title) ? first : `${title}: ${first}`;
}

/** V8's messages for touching null: "Cannot read properties of null", "... as it is null." (destructuring) */
const nullAccess = /properties of (?:null|undefined)|as it is (?:null|undefined)\.$/;

function fnName(frames: readonly Frame[]): string {
  return frames[0] === undefined ? 'unknown' : kernelName(frames[0].fn);
}

/** The first spinlock `t` holds (only a spinlock makes the context atomic), or null. */
function spinlockHeld(t: Thread): LockBase | null {
  const held = t.held;
  for (let i = 0; i < held.length; i++) if (!held[i]!.sleeps) return held[i]!;
  return null;
}

/** May the thread whose next operation is `op` run now? */
function isEnabled(op: Op): boolean {
  switch (op.kind) {
    case OpKind.Lock:
      return (op.obj as LockBase).owner === null;
    case OpKind.Wait:
      return (op.obj as unknown as { done: number }).done > 0;
    default:
      return true;
  }
}
