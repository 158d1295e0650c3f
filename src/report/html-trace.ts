// The timeline of one execution for the HTML report: every step (thread, operation, model
// function) with the state of the objects it touches just before and just after it runs. The
// execution is a replay with tracing on (check/replay-traced.ts); a recorder sees each step's op
// as it is about to run, so the state after step N is read when step N+1 starts (or at the end).
import { type TracedReplayOptions, replayTraced } from '../check/replay-traced.js';
import type { Execution, TraceStep } from '../rt/execution.js';
import type { Op, Shared } from '../rt/op.js';
import type { Violation } from '../rt/violation.js';
import type { Scenario } from '../scenarios/scenario.js';
import { neighboursOf, objectState, objectsOf, type StateValue, type TouchRole } from './html-state.js';

/** One object at one step: `before`/`after` index the timeline's state table (-1: not read). */
export interface StepObject {
  readonly label: string;
  readonly class: string;
  /** touched: the step's op's object; embeds: the object embedding it; checked: read by a check of the step; refers: referenced by one of those */
  readonly role: TouchRole | 'refers';
  readonly before: number;
  readonly after: number;
}

export interface TimelineStep {
  readonly step: number;
  readonly thread: string;
  readonly op: string;
  readonly fn: string;
  readonly where: string;
  readonly objects: readonly StepObject[];
  /** an allocation of this step was made to fail (fault injection) */
  readonly injected?: true;
}

export interface TimelineReport {
  readonly step: number;
  readonly thread: string | null;
  readonly kind: string;
  readonly title: string;
  readonly splat: string;
  /** a WARN that did not fail the check (--no-warn-fails) */
  readonly failing: boolean;
}

export interface Timeline {
  /** the columns: every thread that ran a step, in the order they were started */
  readonly threads: readonly string[];
  readonly steps: readonly TimelineStep[];
  /** steps left out before the first one shown (a long execution keeps its last steps) */
  readonly omitted: number;
  /** object states, each once: a step's objects point into it */
  readonly states: readonly StateValue[];
  /** what the execution reported, at its step */
  readonly reports: readonly TimelineReport[];
  /** "cut at --max-steps" and the like, when the replay did not run to its end */
  readonly truncated: string | null;
  /** what each thread returned, e.g. "reset=0" */
  readonly results: readonly string[];
}

/** the most steps one timeline keeps (the last ones: a violation is at its end); about 1 s of recording */
export const maxTimelineSteps = 3000;
/** objects referred to by a step's objects that are shown with it */
const maxNeighbours = 8;

export class TimelineRecorder {
  private readonly steps: TimelineStep[] = [];
  private readonly states: StateValue[] = [];
  private readonly stateIds = new Map<string, number>();
  private pending: {
    readonly trace: TraceStep;
    readonly objs: readonly { o: Shared; role: StepObject['role']; before: number }[];
    readonly exec: Execution;
    readonly failures: number;
  } | null = null;

  /** more than maxTimelineSteps steps came: record again from timelineStart() */
  overflowed = false;

  /** `from`: the first step recorded (the ones before cost nothing) */
  constructor(private readonly from = 0) {}

  /** the execution's traceObserver */
  readonly observer = (trace: TraceStep, op: Op, exec: Execution): void => {
    this.finishStep();
    if (trace.step < this.from || this.overflowed) return;
    if (this.steps.length >= maxTimelineSteps) {
      this.overflowed = true;
      return;
    }
    const touched = objectsOf(op);
    const refs = neighboursOf(touched.map((t) => t.obj), maxNeighbours);
    const objs = [
      ...touched.map(({ obj, role }) => ({ o: obj, role })),
      ...refs.map((o) => ({ o, role: 'refers' as const })),
    ].map(({ o, role }) => ({ o, role, before: this.state(o) }));
    this.pending = { trace, objs, exec, failures: exec.failures };
  };

  private state(o: Shared): number {
    const v = objectState(o).fields;
    const key = JSON.stringify(v);
    let id = this.stateIds.get(key);
    if (id === undefined) {
      id = this.states.length;
      this.states.push(v);
      this.stateIds.set(key, id);
    }
    return id;
  }

  private finishStep(): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    const objects = p.objs.map(({ o, role, before }) => ({
      label: o.label,
      class: (o as object).constructor?.name ?? 'Object',
      role,
      before,
      after: this.state(o),
    }));
    const injected = p.exec.failures > p.failures;
    this.steps.push({ ...p.trace, objects, ...(injected ? { injected: true as const } : {}) });
  }

  /**
   * The timeline of `exec`, which ran with this recorder's observer: objects, operations and
   * reports under the names the scenario gave them (rt/trace-names.ts), as the text trace shows
   * them (group(ep0), domain:D, context_entry(ep0), pasid_entry[1](ep0)).
   */
  finish(exec: Execution): Timeline {
    const t = this.finishRaw(exec);
    const names = exec.traceNames;
    if (names === null || names.size === 0) return t;
    const r = (x: string): string => names.rename(x);
    return {
      ...t,
      steps: t.steps.map((st) => ({ ...st, op: r(st.op), objects: st.objects.map((o) => ({ ...o, label: r(o.label) })) })),
      states: t.states.map((v) => renamedState(v, r)),
      reports: t.reports.map((x) => ({ ...x, title: r(x.title), splat: r(x.splat) })),
      results: t.results.map(r),
    };
  }

  private finishRaw(exec: Execution): Timeline {
    this.finishStep();
    const ran = new Set(this.steps.map((s) => s.thread));
    const reports: TimelineReport[] = [
      ...exec.violations.map((v) => reportOf(v, true)),
      ...exec.warnings.map((v) => reportOf(v, false)),
    ];
    const truncated = exec.truncated === null ? null : exec.truncated === 'steps' ? 'cut at --max-steps before its end' : 'cut at --time-limit before its end';
    return {
      threads: exec.threads.map((t) => t.name).filter((n) => ran.has(n)),
      steps: this.steps,
      omitted: (exec.trace ?? []).filter((s) => s.step < this.from).length,
      states: this.states,
      reports,
      truncated,
      results: exec.threads.filter((t) => t.name !== 'teardown' && t.name !== 'prologue').map((t) => `${t.name}=${resultText(t.result)}`),
    };
  }
}

/** The first step a timeline of `exec` (run with tracing on) keeps: its last maxTimelineSteps steps. */
export function timelineStart(exec: Execution): number {
  const trace = exec.trace ?? [];
  return trace.length <= maxTimelineSteps ? 0 : trace[trace.length - maxTimelineSteps]!.step;
}

/**
 * Replay a key of `s` with the recorder on: the timeline of that counterexample. A replay longer
 * than the timeline keeps is replayed again, recording its last steps only.
 */
export function timelineOf(s: Scenario, schedule: string, opts: Omit<TracedReplayOptions, 'traceObserver'> = {}): Timeline {
  const rec = new TimelineRecorder();
  const exec = replayTraced(s, schedule, { ...opts, traceObserver: rec.observer });
  if (!rec.overflowed) return rec.finish(exec);
  const last = new TimelineRecorder(timelineStart(exec));
  return last.finish(replayTraced(s, schedule, { ...opts, traceObserver: last.observer }));
}

/** a state with every reference and text under its name */
function renamedState(v: StateValue, r: (x: string) => string): StateValue {
  if (typeof v === 'string') return r(v);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => renamedState(x, r));
  const out: Record<string, StateValue> = {};
  for (const [k, x] of Object.entries(v)) out[k] = renamedState(x, r);
  return out;
}

function reportOf(v: Violation, failing: boolean): TimelineReport {
  return { step: v.step, thread: v.thread, kind: v.kind, title: v.title, splat: v.splat, failing };
}

function resultText(v: unknown): string {
  if (v === undefined) return 'void';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.map(resultText).join(',')}]`;
  if (v === null) return 'NULL';
  return (v as { label?: unknown }).label === undefined ? 'object' : String((v as { label: unknown }).label);
}
