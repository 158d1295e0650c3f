// Reading run progress and shard parts back from files, every field checked against the
// search it claims to belong to (the strategy family validates its own states).
import type { Piece, RangeProgress } from '../explorer/parallel/coordinator.js';
import { bool, DataError, int, intList, list, num, obj, str } from '../explorer/parallel/data.js';
import type { RangeOutcome } from '../explorer/parallel/explore-parallel.js';
import type { SearchFamily } from '../explorer/parallel/family.js';
import { checkRange } from '../explorer/parallel/range.js';
import { violationKinds } from '../rt/violation.js';
import type { SweepResult, SweepState } from '../explorer/faults.js';
import type { ScenarioOutcome } from './check.js';
import type { ScenarioProgress } from './run.js';
import type { ShardPart } from './shard.js';

function part(v: unknown, path: string, family: SearchFamily): { key: number[]; state: unknown } {
  const o = obj(v, path);
  const key = intList(o.key, `${path}.key`);
  family.check(o.state, `${path}.state`);
  if (JSON.stringify(family.key(o.state)) !== JSON.stringify(key)) throw new DataError(`${path}.key: does not match its state`);
  return { key, state: o.state };
}

export function checkRangeProgress(v: unknown, path: string, family: SearchFamily): RangeProgress {
  const o = obj(v, path);
  const r = {
    index: int(o.index, `${path}.index`),
    start: part(o.start, `${path}.start`, family),
    committed: checkRange(o.committed, `${path}.committed`),
    done: list(o.done, `${path}.done`).map((d, i) => {
      const p = `${path}.done[${i}]`;
      const slice = { ...part(d, p, family), result: checkRange(obj(d, p).result, `${p}.result`) };
      const pieces = obj(d, p).pieces;
      return pieces === undefined ? slice : { ...slice, pieces: checkPieces(pieces, `${p}.pieces`, family, slice) };
    }),
    pending: list(o.pending, `${path}.pending`).map((x, i) => part(x, `${path}.pending[${i}]`, family)),
    limitHit: bool(o.limitHit, `${path}.limitHit`),
  };
  return r;
}

/** The slices a done stretch was joined from: the first starts where the stretch does, and their executions add up to its own. */
function checkPieces(
  v: unknown,
  path: string,
  family: SearchFamily,
  d: { readonly key: readonly number[]; readonly result: { readonly executions: number } },
): Piece[] {
  const pieces = list(v, path).map((x, i) => {
    const p = `${path}[${i}]`;
    return { ...part(x, p, family), executions: int(obj(x, p).executions, `${p}.executions`) };
  });
  if (pieces.length === 0 || JSON.stringify(pieces[0]!.key) !== JSON.stringify(d.key)) throw new DataError(`${path}: the first piece does not start where its slice does`);
  const sum = pieces.reduce((n, x) => n + x.executions, 0);
  if (sum !== d.result.executions) throw new DataError(`${path}: ${sum} executions in the pieces, ${d.result.executions} in the slice`);
  return pieces;
}

export function checkRangeOutcome(v: unknown, path: string, family: SearchFamily): RangeOutcome {
  const o = obj(v, path);
  return {
    index: int(o.index, `${path}.index`),
    start: part(o.start, `${path}.start`, family),
    result: checkRange(o.result, `${path}.result`),
    limitHit: bool(o.limitHit, `${path}.limitHit`),
    finished: bool(o.finished, `${path}.finished`),
  };
}

/** a duration in ms, as saved: finite and not negative (it counts against --time-limit on resume) */
export function elapsed(v: unknown, path: string): number {
  const n = num(v, path);
  if (n < 0) throw new DataError(`${path}: expected a number >= 0`);
  return n;
}

function checkExploreResult(v: unknown, path: string): SweepResult {
  const o = obj(v, path);
  str(o.strategy, `${path}.strategy`);
  const executions = int(o.executions, `${path}.executions`);
  for (const f of ['steps', 'maxAllocations', 'points']) int(o[f], `${path}.${f}`);
  elapsed(o.elapsedMs, `${path}.elapsedMs`);
  bool(o.exhaustive, `${path}.exhaustive`);
  bool(o.limitHit, `${path}.limitHit`);
  const truncated = int(o.truncated, `${path}.truncated`);
  if (truncated > executions) throw new DataError(`${path}.truncated: ${truncated} is more than the ${executions} executions`);
  // a sweep's counterexamples are numbered within their point: check them as one range
  checkRange(
    {
      executions,
      steps: 0,
      maxAllocations: 0,
      complete: true,
      truncated,
      found: list(o.found, `${path}.found`),
      signatures: list(o.signatures, `${path}.signatures`),
      signaturesTruncated: list(o.signaturesTruncated, `${path}.signaturesTruncated`),
      edges: [],
    },
    path,
  );
  return o as unknown as SweepResult;
}

function checkSweepState(v: unknown, path: string): SweepState {
  const o = obj(v, path);
  int(o.n, `${path}.n`, 1);
  bool(o.over, `${path}.over`);
  const sum = obj(o.sum, `${path}.sum`);
  checkExploreResult({ ...sum, points: 0 }, `${path}.sum`);
  return o as unknown as SweepState;
}

export function checkShardPart(v: unknown, path: string, family: SearchFamily): ShardPart {
  const o = obj(v, path);
  switch (o.kind) {
    case 'search': {
      const planSize = int(o.planSize, `${path}.planSize`, 1);
      const ranges = list(o.ranges, `${path}.ranges`).map((r, i) => checkRangeOutcome(r, `${path}.ranges[${i}]`, family));
      for (const [i, r] of ranges.entries()) {
        if (r.index >= planSize) throw new DataError(`${path}.ranges[${i}].index: ${r.index} is past the plan's ${planSize} ranges`);
      }
      return { kind: 'search', planSize, elapsedMs: elapsed(o.elapsedMs, `${path}.elapsedMs`), ranges };
    }
    case 'sweep':
      return { kind: 'sweep', result: checkExploreResult(o.result, `${path}.result`) };
    case 'elsewhere':
      return { kind: 'elsewhere' };
    default:
      throw new DataError(`${path}.kind: expected search, sweep or elsewhere`);
  }
}

function checkFoundViolation(v: unknown, p: string, executions: number): void {
  const vo = obj(v, p);
  if (!violationKinds.includes(vo.kind as never)) throw new DataError(`${p}.kind: not a violation kind`);
  for (const f of ['signature', 'function', 'message', 'title', 'schedule', 'replay', 'splat']) str(vo[f], `${p}.${f}`);
  for (const f of ['firstExecution', 'steps', 'preemptions', 'step']) int(vo[f], `${p}.${f}`);
  const n = int(vo.occurrences, `${p}.occurrences`, 1);
  if (n > executions) throw new DataError(`${p}.occurrences: ${n} is more than the ${executions} executions`);
  num(vo.firstSeconds, `${p}.firstSeconds`);
  if (vo.reproduces !== null) bool(vo.reproduces, `${p}.reproduces`);
  list(vo.stack, `${p}.stack`);
}

const outcomes = ['pass', 'violation', 'incomplete'];

/**
 * A concluded scenario's outcome, as printed on resume. The fields a report reads are checked;
 * whether they are true is the digest's business (run-file.ts).
 */
function checkOutcome(v: unknown, path: string, name: string): ScenarioOutcome {
  const o = obj(v, path);
  if (str(o.scenario, `${path}.scenario`) !== name) throw new DataError(`${path}.scenario: expected ${name}`);
  if (o.file !== undefined) str(o.file, `${path}.file`);
  for (const f of ['expected', 'strategy', 'faults']) str(o[f], `${path}.${f}`);
  if (!outcomes.includes(o.outcome as string)) throw new DataError(`${path}.outcome: expected one of ${outcomes.join(', ')}`);
  bool(o.matches, `${path}.matches`);
  bool(o.exhaustive, `${path}.exhaustive`);
  const executions = int(o.executions, `${path}.executions`);
  int(o.steps, `${path}.steps`);
  elapsed(o.elapsedMs, `${path}.elapsedMs`);
  int(o.executionsPerSecond, `${path}.executionsPerSecond`);
  if (o.truncated !== undefined && int(o.truncated, `${path}.truncated`, 1) > executions) throw new DataError(`${path}.truncated: more than the ${executions} executions`);
  const kinds = list(o.kinds, `${path}.kinds`);
  kinds.forEach((k, i) => {
    if (!violationKinds.includes(k as never)) throw new DataError(`${path}.kinds[${i}]: not a violation kind`);
  });
  list(o.truncatedKinds, `${path}.truncatedKinds`).forEach((k, i) => {
    if (!violationKinds.includes(k as never)) throw new DataError(`${path}.truncatedKinds[${i}]: not a violation kind`);
  });
  const violations = list(o.violations, `${path}.violations`);
  violations.forEach((x, i) => checkFoundViolation(x, `${path}.violations[${i}]`, executions));
  if ((o.outcome === 'violation') !== (kinds.length > 0)) throw new DataError(`${path}.outcome: ${String(o.outcome)} does not fit ${kinds.length} violation kinds`);
  if ((kinds.length > 0) !== (violations.length > 0)) throw new DataError(`${path}.violations: ${violations.length} do not fit ${kinds.length} violation kinds`);
  if (o.patches !== undefined) {
    const p = obj(o.patches, `${path}.patches`);
    for (const [k, v] of Object.entries(p)) str(v, `${path}.patches.${k}`);
  }
  return o as unknown as ScenarioOutcome;
}

export function checkProgress(v: unknown, path: string, names: readonly string[], family: SearchFamily): ScenarioProgress {
  const o = obj(v, path);
  const name = str(o.name, `${path}.name`);
  if (!names.includes(name)) throw new DataError(`${path}.name: "${name}" is not one of the run's scenarios`);
  switch (o.status) {
    case 'concluded':
      return { name, status: 'concluded', outcome: checkOutcome(o.outcome, `${path}.outcome`, name) };
    case 'shard':
      return { name, status: 'shard', part: checkShardPart(o.part, `${path}.part`, family) };
    case 'search':
      return {
        name,
        status: 'search',
        elapsedMs: elapsed(o.elapsedMs, `${path}.elapsedMs`),
        planSize: int(o.planSize, `${path}.planSize`, 1),
        ranges: list(o.ranges, `${path}.ranges`).map((r, i) => checkRangeProgress(r, `${path}.ranges[${i}]`, family)),
      };
    case 'sweep':
      return {
        name,
        status: 'sweep',
        elapsedMs: elapsed(o.elapsedMs, `${path}.elapsedMs`),
        sweep: checkSweepState(o.sweep, `${path}.sweep`),
        ranges: o.ranges === null ? null : list(o.ranges, `${path}.ranges`).map((r, i) => checkRangeProgress(r, `${path}.ranges[${i}]`, family)),
      };
    default:
      throw new DataError(`${path}.status: expected concluded, shard, search or sweep`);
  }
}
