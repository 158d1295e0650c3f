// What the fuzzer does with a new signature: shrink the program that showed it (drop threads,
// operations, devices, bridges, topology features, driver knobs, patches) while the same
// signature (by its key: sigkey.ts) still occurs, give the result canonical names, shrink the
// schedule (explorer/minimize.ts, keeping the signature), and make it a scenario file whose `expect:` is what
// `iommulab check` finds in it. Every search here is seeded: the same input gives the same
// reproducer.
import { type CheckOptions, checkScenario } from '../check/check.js';
import { minimize } from '../explorer/minimize.js';
import { runOnce } from '../explorer/run-once.js';
import { encodeSchedule } from '../explorer/schedule.js';
import type { FaultPlan } from '../rt/execution.js';
import { violationKinds, type ViolationKind } from '../rt/violation.js';
import { executionReport } from '../report/text.js';
import { iommuScenario } from '../scenarios/iommu/build.js';
import type { IommuScenarioSpec } from '../scenarios/iommu/spec.js';
import { validateSpec } from '../scenarios/iommu/validate.js';
import { canonicalize } from './canonical.js';
import type { FuzzConfig, SearchBudget } from './config.js';
import { finalize } from './finalize.js';
import { devicesOf, type FuzzProgram, without } from './program.js';
import { deriveSeed } from './rand.js';
import { ruleProblems } from './rules.js';
import { type FuzzFaults, searchProgram, type Witness } from './search.js';
import { signatureOf } from './signature.js';
import { signatureKey } from './sigkey.js';

export interface TriageInput {
  readonly program: FuzzProgram;
  readonly witness: Witness;
  readonly config: FuzzConfig;
  readonly seed: number;
}

export interface CheckSummary {
  /** the command that confirms the reproducer (the default search, or a seeded one) */
  readonly command: string;
  readonly matches: boolean;
  readonly exhaustive: boolean;
  readonly executions: number;
  readonly kinds: readonly string[];
}

export interface TriageOutput {
  readonly rawSignature: string;
  /** the cause of the reproducer's witness (cause.ts) */
  readonly cause: string;
  /** the signature of the minimized, canonically named reproducer */
  readonly signature: string;
  readonly kind: string;
  readonly program: FuzzProgram;
  readonly spec: IommuScenarioSpec;
  /** schedule of the replay key (with n<N>/ for fail_nth) */
  readonly schedule: string;
  readonly splat: string;
  /** the replayed execution's full report (splat with alloc/free stacks, trace) */
  readonly report: string;
  readonly check: CheckSummary | null;
  /** the minimized program shows the signature again (else the original program is kept) */
  readonly reproduced: boolean;
  readonly candidates: number;
  readonly executions: number;
  /**
   * every signature key (sigkey.ts) and cause (`KEY\u0000CAUSE`) the minimized program showed:
   * the campaign triages a queued signature the reproducer already shows after those it does
   * not (most often a further symptom of one bug)
   */
  readonly shown: readonly string[];
  /** the program as found did not show the witness again under the triage's search: not minimized */
  readonly unminimized: boolean;
  /** executions (and ms: not deterministic, for measurement only) by phase */
  readonly cost: TriageCost;
}

export interface TriageCost {
  /** the program as found, to budget its candidates */
  probe: number;
  /** the candidates of the minimization */
  minimize: number;
  /** the canonically named program (and the plain one if that lost it) */
  rename: number;
  /** the schedule's minimization (explorer/minimize.ts attempts) */
  schedule: number;
  /** the confirming `iommulab check` */
  confirm: number;
  readonly ms: Record<'probe' | 'minimize' | 'rename' | 'schedule' | 'confirm' | 'report', number>;
}

/** the search a candidate gets: only the search that found the witness, with the triage budget */
function triageSearch(w: Witness, cfg: FuzzConfig, e: number): { budget: SearchBudget; faults: FuzzFaults[] } {
  const none = { ...cfg.search, random: 0, pct: 0, pctDepths: [], dfsBounds: [] };
  if (w.faults.mode === 'choice') return { budget: { ...none, faultChoice: e }, faults: ['choice'] };
  if (w.faults.mode === 'nth') return { budget: none, faults: ['nth'] };
  const pct = /^pct\(d=(\d+)\)$/.exec(w.search);
  if (pct !== null) return { budget: { ...none, pct: e, pctDepths: [Number(pct[1])] }, faults: [] };
  const dfs = /^dfs\(<=(\d+)\)$/.exec(w.search);
  if (dfs !== null) return { budget: { ...none, dfsBounds: [Number(dfs[1])], dfsExecutions: e }, faults: [] };
  return { budget: { ...none, random: e }, faults: [] };
}

/** the signature without the names in its message: kind and reporting function */
function sigHead(sig: string): string {
  const i = sig.indexOf(': ');
  return i < 0 ? sig : sig.slice(0, i);
}

export function scenarioName(signature: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < signature.length; i++) h = Math.imul(h ^ signature.charCodeAt(i), 0x01000193) >>> 0;
  return `fuzz-${h.toString(16).padStart(8, '0')}`;
}

export function triage(input: TriageInput): TriageOutput {
  const { witness, config } = input;
  let { budget, faults } = triageSearch(witness, config, config.triage.executions);
  const seed = deriveSeed(input.seed, 0x7a1a9e);
  let candidates = 0;
  let executions = 0;
  const cost: TriageCost = {
    probe: 0, minimize: 0, rename: 0, schedule: 0, confirm: 0,
    ms: { probe: 0, minimize: 0, rename: 0, schedule: 0, confirm: 0, report: 0 },
  };
  let lap = performance.now();
  const phase = (k: keyof TriageCost['ms']): void => {
    const now = performance.now();
    cost.ms[k] += now - lap;
    lap = now;
  };
  type Found = { spec: IommuScenarioSpec; witnesses: readonly Witness[]; executions: number } | null;
  // a candidate must keep the signature *and* the cause (cause.ts): a program that shows one
  // report for two reasons must not drift from the witness's reason to the other one
  // (a witness saved before causes existed has none: the signature alone then)
  // (the signature by its key, sigkey.ts: a candidate that drops ep0 and shows the bug on ep1
  // keeps it, and so does the program under canonical names)
  const cause = (witness as Partial<Witness>).cause;
  const key = signatureKey(witness.signature);
  const same = (w: Witness): boolean => signatureKey(w.signature) === key && (cause === undefined || w.cause === cause);
  const find = (p: FuzzProgram, target: string | undefined): Found => {
    if (ruleProblems(p).length > 0) return null;
    const { spec } = finalize(p, 'triage');
    if (validateSpec(spec).length > 0) return null;
    const program = iommuScenario(spec).program;
    const aim = target === undefined ? {} : { target, ...(cause === undefined ? {} : { targetCause: cause }) };
    let r: ReturnType<typeof searchProgram>;
    try {
      r = searchProgram(spec, program, { budget, faults, seed, ...aim });
    } catch (e) {
      // a DFS search replays prefixes and stops when a replay diverges (a model access that
      // breaks the yield rule): the candidate counts as not showing the bug, and a program as
      // found that diverges is kept as found, to be confirmed by the sampled checks
      if (diverged(e)) return null;
      throw e;
    }
    executions += r.executions;
    return { spec, witnesses: r.witnesses, executions: r.executions };
  };
  // how soon the program as found shows the signature: a candidate gets a few times that
  // (most candidates of a minimization fail, and a failing one runs its whole budget)
  const probe = find(input.program, witness.signature);
  // a program that does not show the witness again within the triage's executions has no
  // candidate that would (each gets at most as many): it is kept as found. Measured on a
  // 4-minute run's witnesses (docs/FUZZING.md), such minimizations were 80% of the executions
  // of minimization and shrank 1 program of 7.
  const reproducible = probe?.witnesses.some(same) === true;
  // the confirming check's executions: five times a candidate's (at least 200), so a bug the
  // program shows at once is not confirmed with 1,000 executions (a third to a half of a
  // triage's CPU went to the confirming check: docs/FUZZING.md, branch `sigkey`)
  let checkExecutions = Math.max(200, 5 * config.triage.executions);
  if (reproducible) {
    const e = Math.min(config.triage.executions, Math.max(40, 4 * probe!.executions));
    ({ budget, faults } = triageSearch(witness, config, e));
    checkExecutions = Math.max(200, 5 * e);
  }
  let shown = probe?.witnesses ?? [];
  cost.probe = executions;
  phase('probe');
  // minimization stops at the candidates' cap or once it ran `triage.maxExecutions` (counted,
  // not timed: what a triage gives must not depend on the load)
  const cap = config.triage.maxExecutions ?? Number.POSITIVE_INFINITY;
  const spent = (): boolean => !reproducible || candidates >= config.triage.candidates || executions >= cap;
  const keeps = (p: FuzzProgram): boolean => {
    if (spent()) return false;
    candidates++;
    const f = find(p, witness.signature);
    if (f?.witnesses.some(same) !== true) return false;
    shown = f.witnesses;
    return true;
  };
  let cur = input.program;
  // removals that lost the signature are not tried again after a later removal succeeds (a
  // failing candidate runs its whole budget: retrying them all after each success made
  // minimization quadratic in the program's size)
  const failed = new Set<string>();
  const tryAll = (cands: () => Iterable<Candidate>): boolean => {
    for (const [key, c] of cands()) {
      if (spent()) return false;
      if (failed.has(key)) continue;
      if (keeps(c)) {
        cur = c;
        return true;
      }
      failed.add(key);
    }
    return false;
  };
  // greedy: take the first smaller program that keeps the signature, and start over from it
  for (let changed = true; changed && !spent();) {
    changed =
      tryAll(() => dropThreads(cur)) ||
      tryAll(() => dropOps(cur)) ||
      tryAll(() => dropTopology(cur)) ||
      tryAll(() => morePrologue(cur));
  }
  cost.minimize = executions - cost.probe;
  phase('minimize');
  // everything the minimized program shows, under the names of the program as found (the
  // candidates' searches stopped at the witness's signature)
  if (reproducible) shown = find(cur, undefined)?.witnesses ?? shown;
  // canonical names, and the signature they give
  let reproduced = false;
  let program = cur;
  let found: Witness | null = null;
  const canon = canonicalize(cur);
  // (a program kept as found is not searched again under new names either: it did not show
  // the witness at this budget under its own)
  const again = reproducible ? find(canon, undefined) : null;
  const sameBug =
    again?.witnesses.find(same) ??
    again?.witnesses.find((w) => signatureKey(w.signature) === key) ??
    again?.witnesses.find((w) => w.kind === witness.kind && sigHead(w.signature) === sigHead(witness.signature));
  if (sameBug !== undefined) {
    program = canon;
    found = sameBug;
    reproduced = true;
  } else if (reproducible) {
    const plain = find(cur, witness.signature);
    found = plain?.witnesses.find(same) ?? plain?.witnesses.find((w) => signatureKey(w.signature) === key) ?? null;
    reproduced = found !== null;
  }
  cost.rename = executions - cost.probe - cost.minimize;
  phase('rename');
  const w = found ?? witness;
  const signature = found?.signature ?? witness.signature;
  const name = scenarioName(signature);
  const kindOk = (violationKinds as readonly string[]).includes(w.kind);
  const { spec: plainSpec } = finalize(reproduced ? program : input.program, name, `iommulab fuzz: ${signature}`.slice(0, 200));
  const scenarioFaults: FaultPlan | undefined = w.faults.mode === 'none' ? undefined : w.faults.mode === 'nth' ? { mode: 'nth', nth: 1 } : { mode: 'choice', maxFailures: 1 };
  let spec: IommuScenarioSpec = {
    ...plainSpec,
    expect: { violations: [kindOk ? (w.kind as ViolationKind) : 'bug'] },
    ...(scenarioFaults === undefined ? {} : { faults: scenarioFaults }),
  };
  // the schedule, shrunk while the signature stays
  let choices = w.choices;
  if (kindOk && reproduced) {
    const prog = iommuScenario(spec).program;
    try {
      const m = minimize(prog, w.kind as ViolationKind, w.choices, w.faults, true, 300);
      executions += m.attempts;
      cost.schedule = m.attempts;
      if (!Number.isNaN(m.steps)) {
        const exec = runOnce(prog, m.choices, { faults: w.faults, warnFails: true, trace: false, strict: true });
        if (exec.violations.some((v) => signatureOf(v) === signature)) choices = m.choices;
      }
    } catch (e) {
      // a replay that diverges (as above): the witness's own schedule is kept
      if (!diverged(e)) throw e;
    }
  }
  const nth = w.faults.mode === 'nth' ? w.faults.nth : undefined;
  const schedule = encodeSchedule(nth === undefined ? { choices } : { choices, nth });
  // what `iommulab check` finds in it becomes its expectation
  phase('schedule');
  let check: CheckSummary | null = null;
  if (kindOk) {
    const r = confirm(spec, w.kind as ViolationKind, config.triage.checkSeconds, checkExecutions, !reproducible);
    check = r.summary;
    cost.confirm = r.executions;
    spec = { ...spec, expect: { violations: r.expect } };
  }
  phase('confirm');
  const file = 'repro.yaml';
  let report = w.splat;
  let splat = w.splat;
  if (kindOk) {
    const exec = runOnce(iommuScenario(spec).program, choices, { faults: w.faults, warnFails: true, trace: true, strict: false });
    const v = exec.violations.find((x) => signatureOf(x) === signature);
    if (v !== undefined) splat = v.splat;
    report = executionReport(file, schedule, exec);
  }
  const description =
    `Found by iommulab fuzz (signature: ${signature}). Replay: iommulab replay ${file} ${schedule}. ` +
    `Every caller precondition holds (src/fuzz/rules.ts); operations accept any return code (&any).`;
  spec = { ...spec, description };
  const kept = reproduced ? program : input.program;
  const rawSignature = witness.signature;
  const kind = w.kind;
  phase('report');
  return {
    rawSignature, cause: w.cause ?? 'alone', signature, kind, program: kept, spec, schedule, splat, report, check, reproduced, candidates, executions,
    shown: [...new Set(shown.map((x) => `${signatureKey(x.signature)}\u0000${x.cause}`))], unminimized: !reproducible, cost,
  };
}

/**
 * a DPOR replay that diverged (`dpor: step N ran ...`; the check prefixes `scenario NAME: `):
 * a model access that breaks the yield rule, not a fault of the reproducer
 */
function diverged(e: unknown): boolean {
  return e instanceof Error && /^(scenario \S+: )?dpor: /.test(e.message);
}

/** run the reproducer the way a user would, and make its expectation what the check finds */
type Confirmed = { summary: CheckSummary; expect: ViolationKind[]; executions: number };
export function confirm(
  spec: IommuScenarioSpec,
  kind: ViolationKind,
  seconds: number,
  n: number,
  sampledFirst = false,
): Confirmed {
  const s = iommuScenario(spec);
  // every check is bounded by executions, not time: it finds the same whatever the load
  const sampled = { executions: n, timeLimitMs: 3_600_000, minimize: false };
  // the exhaustive search capped by executions too; the time limit is a safety net only
  const dpor = { opts: { maxExecutions: n, timeLimitMs: seconds * 1000, minimize: false }, command: `iommulab check repro.yaml --max-executions ${n}` };
  const pct = { opts: { strategy: 'pct' as const, seed: 1, pctDepth: 3, ...sampled }, command: `iommulab check repro.yaml --strategy pct --seed 1 --executions ${n} --depth 3` };
  const random = { opts: { strategy: 'random' as const, seed: 1, ...sampled }, command: `iommulab check repro.yaml --strategy random --seed 1 --executions ${n}` };
  // a program kept as found (the triage's search did not show its witness again) is large and
  // its bug rare: the capped exhaustive search, a corner of its interleavings, found it in none
  // of the 4 such witnesses measured and cost half their triage (docs/FUZZING.md, branch `sigkey`)
  // last: the exhaustive search with one preemption, as the fuzzer's DFS share searched the
  // program: a rare witness of that share (F15's, seed 2 of 2026-12-05) is met there at once
  const bounded = {
    opts: { preemptionBound: 1, maxExecutions: n, timeLimitMs: seconds * 1000, minimize: false },
    command: `iommulab check repro.yaml --preemption-bound 1 --max-executions ${n}`,
  };
  const tries: Array<{ opts: Partial<CheckOptions>; command: string }> =
    sampledFirst ? [pct, random, dpor, bounded] : [dpor, pct, random, bounded];
  let last: CheckSummary | null = null;
  let executions = 0;
  for (const t of tries) {
    let o: ReturnType<typeof checkScenario>;
    try {
      o = checkScenario(s, t.opts);
      executions += o.executions;
    } catch (e) {
      // the default search (DPOR) replays prefixes and stops when a replay diverges, which a
      // model access that breaks the yield rule can make happen; the sampled searches do not
      // replay: go on with them (the reproducer's header names the check that confirmed it)
      if (diverged(e)) continue;
      throw e;
    }
    const kinds = [...new Set(o.violations.map((v) => v.kind))];
    kinds.sort((a, b) => violationKinds.indexOf(a) - violationKinds.indexOf(b));
    last = { command: t.command, matches: kinds.includes(kind), exhaustive: o.exhaustive, executions: o.executions, kinds };
    if (kinds.includes(kind)) return { summary: last, expect: kinds, executions };
  }
  if (last === null) {
    const none: CheckSummary = { command: tries[0]!.command, matches: false, exhaustive: false, executions: 0, kinds: [] };
    return { summary: none, expect: [kind], executions };
  }
  return { summary: { ...last, matches: false }, expect: [kind], executions };
}

// ---- candidates, largest cuts first ----------------------------------------------------------

/** a smaller program, and what was taken away (to skip removals that failed once) */
type Candidate = readonly [string, FuzzProgram];

function* dropThreads(p: FuzzProgram): Iterable<Candidate> {
  if (p.threads.length <= 1) return;
  for (let i = p.threads.length - 1; i >= 0; i--) {
    yield [`thread ${p.threads[i]!.name}`, { ...p, threads: p.threads.filter((_, j) => j !== i), prologue: p.prologue.filter((_, j) => j !== i) }];
  }
}

function* dropOps(p: FuzzProgram): Iterable<Candidate> {
  for (let t = 0; t < p.threads.length; t++) {
    const th = p.threads[t]!;
    for (let i = th.ops.length - 1; i >= 0; i--) {
      const ops = th.ops.filter((_, j) => j !== i);
      const prologue = p.prologue.map((n, j) => (j === t && i < n ? n - 1 : n));
      yield [`op ${th.name} ${JSON.stringify(th.ops[i])}`, { ...p, threads: p.threads.map((x, j) => (j === t ? { ...x, ops } : x)), prologue }];
    }
  }
}

function* morePrologue(p: FuzzProgram): Iterable<Candidate> {
  // fewer interleavings: leading operations run alone first
  for (let t = 0; t < p.threads.length; t++) {
    const n = p.prologue[t] ?? 0;
    if (n < p.threads[t]!.ops.length) yield [`prologue ${p.threads[t]!.name} ${n + 1}`, { ...p, prologue: p.prologue.map((x, j) => (j === t ? n + 1 : x)) }];
  }
}

// not `iommu` of a PCI function (the whole hierarchy sits behind one instance), nor
// `multifunction` (a function 1 needs function 0's bit)
const deviceFeatures = ['ats', 'pasids', 'acs', 'aliases', 'resv', 'untrusted', 'reset', 'quirkResetViaFlr', 'cxl', 'iommu', 'sids'] as const;

function* dropTopology(p: FuzzProgram): Iterable<Candidate> {
  const t = p.topology;
  const used = new Set(p.threads.flatMap((th) => th.ops.flatMap((op) => ('dev' in op ? [op.dev] : []))));
  const pci = t.pci ?? [];
  const platform = t.platform ?? [];
  // devices no operation names, then bridges with nothing behind them
  for (const d of [...pci].reverse()) {
    if (used.has(d.name)) continue;
    if (d.bridge !== undefined && pci.some((x) => x.bus === d.bridge!.secondary)) continue;
    yield [`device ${d.name}`, { ...p, topology: { ...t, pci: pci.filter((x) => x !== d) } }];
  }
  for (const d of [...platform].reverse()) {
    if (!used.has(d.name)) yield [`device ${d.name}`, { ...p, topology: { ...t, platform: platform.filter((x) => x !== d) } }];
  }
  // devices present at boot instead of hot-added
  for (const d of devicesOf(t)) {
    if (d.present) continue;
    const threads = p.threads.map((th) => ({ ...th, ops: th.ops.filter((op) => !(op.op === 'hotAdd' && op.dev === d.name)) }));
    const prologue = p.prologue.map((n, i) => Math.max(0, n - (p.threads[i]!.ops.length - threads[i]!.ops.length)));
    const present = <T extends { name: string; present?: boolean }>(x: T): T => (x.name === d.name ? without(x, 'present') : x);
    const plat = t.platform === undefined ? {} : { platform: platform.map(present) };
    yield [`present ${d.name}`, { ...p, threads, prologue, topology: { ...t, pci: pci.map(present), ...plat } }];
  }
  // IOMMUs registered at boot instead of by an operation
  for (const i of t.iommus) {
    if (i.registered !== false) continue;
    const threads = p.threads.map((th) => ({ ...th, ops: th.ops.filter((op) => !(op.op === 'register' && op.iommu === i.name)) }));
    const prologue = p.prologue.map((n, k) => Math.max(0, n - (p.threads[k]!.ops.length - threads[k]!.ops.length)));
    const iommus = t.iommus.map((x) => (x === i ? without(x, 'registered') : x));
    yield [`registered ${i.name}`, { ...p, threads, prologue, topology: { ...t, iommus } }];
  }
  // IOMMUs nothing is behind (never the first: it is every device's default)
  for (const i of t.iommus.slice(1)) {
    if ([...pci, ...platform].some((d) => d.iommu === i.name)) continue;
    if (p.threads.some((th) => th.ops.some((op) => 'iommu' in op && op.iommu === i.name))) continue;
    yield [`iommu ${i.name}`, { ...p, topology: { ...t, iommus: t.iommus.filter((x) => x !== i) } }];
  }
  // one feature of one device
  for (const [list, key] of [[pci, 'pci'], [platform, 'platform']] as const) {
    for (let k = 0; k < list.length; k++) {
      for (const f of deviceFeatures) {
        if (!(f in list[k]!) || (key === 'pci' && f === 'iommu')) continue;
        const copy = { ...list[k]! } as Record<string, unknown>;
        delete copy[f];
        const next = list.map((x, j) => (j === k ? copy : x));
        yield [`feature ${list[k]!.name} ${f}`, { ...p, topology: { ...t, [key]: next } }];
      }
    }
  }
  // driver knobs, whole or one at a time; the command line; patches
  for (const [k, v] of Object.entries(t)) {
    if (['iommus', 'pci', 'platform', 'defaultDomainType', 'pausePoints'].includes(k) || v === null || typeof v !== 'object') continue;
    yield [`knobs ${k}`, { ...p, topology: without(t, k) }];
    for (const knob of Object.keys(v as object)) yield [`knob ${k} ${knob}`, { ...p, topology: { ...t, [k]: without(v as object, knob) } }];
  }
  if (t.defaultDomainType !== undefined) {
    yield ['defaultDomainType', { ...p, topology: without(t, 'defaultDomainType') }];
  }
  for (const patch of p.patches) yield [`patch ${JSON.stringify(patch)}`, { ...p, patches: p.patches.filter((x) => x !== patch) }];
}
