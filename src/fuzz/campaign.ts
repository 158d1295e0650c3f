// A fuzz campaign: programs generated (fresh, or mutations of the corpus) in batches, searched
// on every core, their results committed in program order (coverage, corpus, signatures), new
// signatures triaged into crashes/, the whole state saved so a run can stop and resume.
//
// Determinism: program k is a function of the seed, k, and the corpus as committed before batch
// floor(k/batch) - 1 (the corpus only grows, so that is the entries of programs below that
// point). Searches are budgeted by executions, triage is seeded, and results are committed in
// program order: the same seed gives the same programs, coverage, corpus, signatures and
// reproducers whatever the number of workers, and a resumed run (which restarts from the last
// committed program) equals an uninterrupted one.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FuzzConfig } from './config.js';
import { type BlockReport, CoverageMap } from './coverage.js';
import { causeWeight } from './cause.js';
import { finalize } from './finalize.js';
import type { JobResult } from './jobs.js';
import type { KnownSet } from './known.js';
import { mutate } from './mutate.js';
import { makeJobPool } from './pool.js';
import { generateProgram } from './program-gen.js';
import type { FuzzProgram } from './program.js';
import { deriveSeed, Rand } from './rand.js';
import { type FuzzFaults, type SearchOutcome, type Witness } from './search.js';
import { generateTopology } from './topology-gen.js';
import type { TriageOutput } from './triage.js';
import { orderKnobs, type QueuedTriage, signatureHead, signatureSite, sortTriage, triageHead, type TriageOrderState } from './triage-order.js';
import { type ShownIn, triageCost } from './triage-cost.js';
import { dropCauseCrash, writeCauseCrash, writeCrash, writeSummary } from './crashes.js';
import { signatureKey } from './sigkey.js';
import { writeAtomic } from './output.js';

export interface Shard {
  /** 1-based */
  readonly index: number;
  readonly count: number;
}

/** what defines a campaign's programs and results (a resumed run takes it from the state) */
export interface CampaignSpec {
  readonly seed: number;
  readonly faults: readonly FuzzFaults[];
  readonly config: FuzzConfig;
  readonly shard: Shard | null;
}

export interface CorpusEntry {
  readonly index: number;
  readonly program: FuzzProgram;
  /** new coverage units and features it brought */
  readonly fresh: number;
}

/**
 * A further cause of a signature (cause.ts): its first witness, triaged after every signature's
 * first, written as crashes/SIGNATURE/CAUSE/.
 */
export interface CauseRecord {
  readonly cause: string;
  readonly firstProgram: number;
  firstMs: number;
  readonly witness: Witness;
  readonly program: FuzzProgram;
  /** how often its program showed the key (triage-cost.ts; absent in older states) */
  readonly shownIn?: ShownIn;
  canonical: string | null;
  /** crashes/ relative: `SIGNATURE/CAUSE`, '' when its canonical signature is known */
  crashDir: string | null;
  triagedMs: number | null;
  check: TriageOutput['check'];
  size: number | null;
  triageError?: string;
  /** what its reproducer showed besides (TriageOutput.shown) */
  shows?: readonly string[];
}

/**
 * What the run found under one signature key (sigkey.ts): the signature as first reported
 * (names and all, what the summary and the crash folder show), and the other name variants seen.
 */
export interface SignatureRecord {
  readonly signature: string;
  /** the other signatures with its key, as reported, in the order first seen */
  variants?: string[];
  readonly kind: string;
  /** the first witness's cause (absent in a state saved before causes existed) */
  readonly cause?: string;
  /** the first witnesses of its other causes, in the order seen (at most triage.causes - 1) */
  causes?: CauseRecord[];
  /** program index that first showed it, and the campaign time then (ms) */
  readonly firstProgram: number;
  firstMs: number;
  count: number;
  readonly witness: Witness;
  readonly program: FuzzProgram;
  /** how often its program showed the key (triage-cost.ts; absent in older states) */
  readonly shownIn?: ShownIn;
  /** the triage result's canonical signature and crash folder, once triaged */
  canonical: string | null;
  crashDir: string | null;
  triagedMs: number | null;
  known: boolean;
  check: TriageOutput['check'];
  /** the reproducer's size (operations), to pick one when two signatures meet in one canonical */
  size: number | null;
  /** why triage failed, if it did */
  triageError?: string;
  /** what its reproducer showed besides (TriageOutput.shown) */
  shows?: readonly string[];
}

export interface CampaignState {
  readonly format: 'iommulab-fuzz-state';
  readonly version: 1;
  readonly spec: CampaignSpec;
  /** programs committed: the next one to run */
  readonly programs: number;
  readonly executions: number;
  readonly steps: number;
  /** campaign time used so far (ms), across resumes */
  readonly elapsedMs: number;
  readonly corpus: readonly CorpusEntry[];
  readonly coverage: ReturnType<CoverageMap['toJSON']>;
  readonly signatures: readonly SignatureRecord[];
}

export interface Progress {
  readonly programs: number;
  readonly executions: number;
  readonly elapsedMs: number;
  readonly units: number;
  readonly features: number;
  readonly corpus: number;
  readonly newSignatures: number;
  readonly knownSignatures: number;
  readonly triaged: number;
  /** further causes of signatures kept (cause.ts), and how many of them were triaged */
  readonly causes: number;
  readonly causesTriaged: number;
  readonly triaging: number;
}

export interface CampaignOptions {
  readonly spec: CampaignSpec;
  readonly workers: number;
  /** stop this long after the start (wall clock, ms; of this run) */
  readonly timeLimitMs: number | null;
  /** stop once this many programs are committed (in all, resumes included) */
  readonly maxPrograms: number | null;
  readonly known: KnownSet;
  /** the output folder (prepared: output.ts), or null */
  readonly out: string | null;
  readonly resume: CampaignState | null;
  /** save the state this often (ms) */
  readonly saveEveryMs: number;
  /** a --programs run waits for every triage before it ends; a timed run stops at the limit */
  readonly drainTriage: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  readonly onSignature?: (r: SignatureRecord, what: 'new' | 'known' | 'triaged') => void;
}

export interface CampaignResult {
  readonly state: CampaignState;
  readonly stopped: 'time' | 'programs' | 'signal';
  readonly progress: Progress;
}

export { signatureHead } from './triage-order.js';

export function initialState(spec: CampaignSpec): CampaignState {
  return { format: 'iommulab-fuzz-state', version: 1, spec, programs: 0, executions: 0, steps: 0, elapsedMs: 0, corpus: [], coverage: new CoverageMap().toJSON(), signatures: [] };
}

/** the program at index k of the campaign (k counts this shard's programs) */
export function programAt(spec: CampaignSpec, k: number, corpus: readonly CorpusEntry[]): FuzzProgram {
  const cfg = spec.config;
  const global = spec.shard === null ? k : k * spec.shard.count + (spec.shard.index - 1);
  const r = new Rand(deriveSeed(spec.seed, global, 1));
  const batch = Math.floor(k / cfg.batch);
  const visible = corpus.filter((e) => e.index < (batch - 1) * cfg.batch);
  if (visible.length > 0 && !r.chance(cfg.fresh)) {
    // weight entries by what they brought
    const parent = r.weighted(visible.map((e) => [e, 1 + Math.min(20, e.fresh)] as const))!;
    const m = mutate(r, cfg, parent.program);
    if (m !== null) return m;
  }
  for (;;) {
    const t = generateTopology(r, cfg);
    const p = generateProgram(r, cfg, t);
    if (p.threads.some((th) => th.ops.length > 0)) return p;
  }
}

/**
 * The fault modes program k is searched with: the campaign's, for the share of programs the
 * config gives them (drawn from the seed), none for the others.
 */
export function programFaults(spec: CampaignSpec, k: number): readonly FuzzFaults[] {
  if (spec.faults.length === 0) return [];
  const share = spec.config.search.faultShare ?? 1;
  if (share >= 1) return spec.faults;
  const global = spec.shard === null ? k : k * spec.shard.count + (spec.shard.index - 1);
  return new Rand(deriveSeed(spec.seed, global, 3)).chance(share) ? spec.faults : [];
}

/** the search seed of program k */
export function searchSeed(spec: CampaignSpec, k: number): number {
  const global = spec.shard === null ? k : k * spec.shard.count + (spec.shard.index - 1);
  return deriveSeed(spec.seed, global, 2);
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const spec = o.spec;
  const cfg = spec.config;
  const start = performance.now();
  const base = o.resume ?? initialState(spec);
  const coverage = CoverageMap.fromJSON(base.coverage);
  const corpus: CorpusEntry[] = [...base.corpus];
  // by key (sigkey.ts); a state saved before keys has a record per name variant: the first one
  // stands for its key, the others become its variants
  const sigs = new Map<string, SignatureRecord>();
  for (const s of base.signatures) {
    const k = signatureKey(s.signature);
    const first = sigs.get(k);
    if (first === undefined) sigs.set(k, { ...s, causes: (s.causes ?? []).map((c) => ({ ...c })) });
    else {
      first.count += s.count;
      first.variants = [...new Set([...(first.variants ?? []), s.signature, ...(s.variants ?? [])])];
    }
  }
  const maxCauses = Math.max(1, cfg.triage.causes ?? 1);
  /** further causes that a clearer one replaced: their triage results are dropped */
  const evicted = new Set<CauseRecord>();
  let committed = base.programs;
  let executions = base.executions;
  let steps = base.steps;
  const elapsed = (): number => base.elapsedMs + (performance.now() - start);
  const pool = makeJobPool(o.workers, cfg.coverage === 'blocks');
  const pending = new Map<number, { program: FuzzProgram; outcome: SearchOutcome; blocks: BlockReport }>();
  const programs = new Map<number, FuzzProgram>();
  let nextProgram = committed;
  // a triage job: a signature's first witness (extra null), or the first witness of a further cause
  interface Job {
    readonly rec: SignatureRecord;
    readonly extra: CauseRecord | null;
    /** expected cost (triage-cost.ts) */
    readonly cost: number;
  }
  const job = (rec: SignatureRecord, extra: CauseRecord | null): Job => {
    const w = extra ?? rec;
    return { rec, extra, cost: triageCost(w.program, w.witness.steps, w.shownIn, cfg.triage) };
  };
  const jobKey = (j: Job): string => (j.extra === null ? j.rec.signature : `${j.rec.signature}\u0000${j.extra.cause}`);
  const triageQueue: Job[] = [];
  const triaging = new Set<string>();
  for (const s of sigs.values()) {
    if (s.known) continue;
    if (s.triagedMs === null) triageQueue.push(job(s, null));
    for (const c of s.causes ?? []) if (c.triagedMs === null) triageQueue.push(job(s, c));
  }
  // the triage order (triage-order.ts): heads triaged or in triage, and the signatures (with
  // their cause) that a triaged reproducer shows
  const headsTaken = new Set<string>();
  const covered = new Set<string>();
  const view = (j: Job): QueuedTriage => ({
    signature: signatureKey(j.rec.signature),
    kind: j.rec.kind,
    firstCause: j.rec.cause ?? 'alone',
    cause: j.extra?.cause ?? null,
    round: j.extra === null ? 0 : 1 + (j.rec.causes ?? []).indexOf(j.extra),
    firstProgram: (j.extra ?? j.rec).firstProgram,
    cost: j.cost,
  });
  const programsTaken = new Set<number>();
  const sitesTaken = new Map<string, number>();
  const takeSite = (signature: string): void => {
    const site = signatureSite(signatureKey(signature));
    sitesTaken.set(site, (sitesTaken.get(site) ?? 0) + 1);
  };
  const orderState = (): TriageOrderState => ({ headsTaken, covered, programsTaken, sitesTaken, committed });
  const knobs = orderKnobs(cfg.triage);
  const showOf = (r: SignatureRecord | CauseRecord): void => {
    for (const k of r.shows ?? []) covered.add(k);
  };
  for (const s of sigs.values()) {
    if (s.triagedMs !== null) {
      headsTaken.add(signatureHead(signatureKey(s.signature)));
      programsTaken.add(s.firstProgram);
      takeSite(s.signature);
    }
    showOf(s);
    for (const c of s.causes ?? []) {
      if (c.triagedMs !== null) {
        headsTaken.add(triageHead(view(job(s, c))));
        programsTaken.add(c.firstProgram);
      }
      showOf(c);
    }
  }
  // (sorted just before each pick: the scores age as programs are committed)
  const sortQueue = (): void => sortTriage(triageQueue, view, orderState(), knobs);
  let stopped: CampaignResult['stopped'] | null = null;
  let failure: Error | null = null;
  let lastSave = performance.now();

  const state = (): CampaignState => ({
    format: 'iommulab-fuzz-state',
    version: 1,
    spec,
    programs: committed,
    executions,
    steps,
    elapsedMs: elapsed(),
    corpus,
    coverage: coverage.toJSON(),
    signatures: [...sigs.values()].sort((a, b) => a.firstProgram - b.firstProgram || (a.signature < b.signature ? -1 : 1)),
  });
  const progress = (): Progress => {
    const all = [...sigs.values()];
    return {
      programs: committed,
      executions,
      elapsedMs: elapsed(),
      units: coverage.units,
      features: coverage.featureCount,
      corpus: corpus.length,
      newSignatures: all.filter((s) => !s.known).length,
      knownSignatures: all.filter((s) => s.known).length,
      triaged: all.filter((s) => s.crashDir !== null && s.triagedMs !== null).length,
      causes: all.reduce((n, s) => n + (s.causes ?? []).length, 0),
      causesTriaged: all.reduce(
        (n, s) => n + (s.causes ?? []).filter((c) => c.crashDir !== null && c.triagedMs !== null).length,
        0,
      ),
      triaging: triaging.size,
    };
  };
  const save = (): void => {
    if (o.out === null) return;
    writeAtomic(join(o.out, 'state.json'), JSON.stringify(state()));
    lastSave = performance.now();
  };

  const commit = (k: number): void => {
    const r = pending.get(k)!;
    pending.delete(k);
    programs.delete(k);
    executions += r.outcome.executions;
    steps += r.outcome.steps;
    const keys = r.outcome.witnesses.map((w) => signatureKey(w.signature));
    const fresh = coverage.add(r.blocks, [...r.outcome.outcomes, ...keys.map((key) => `sig:${key}`)]);
    if (fresh > 0) corpus.push({ index: k, program: r.program, fresh });
    const counted = new Set<string>();
    r.outcome.witnesses.forEach((w, wi) => {
      const key = keys[wi]!;
      const shownIn: ShownIn = { count: r.outcome.counts[key] ?? 1, executions: r.outcome.executions };
      const n = counted.has(key) ? 0 : (r.outcome.counts[key] ?? 1);
      counted.add(key);
      const old = sigs.get(key);
      if (old !== undefined) {
        old.count += n;
        if (w.signature !== old.signature && !(old.variants ?? []).includes(w.signature)) (old.variants ??= []).push(w.signature);
        // a further cause of a signature: its first witness is kept and triaged too
        const causes = (old.causes ??= []);
        if (old.known || w.cause === old.cause || causes.some((c) => c.cause === w.cause)) return;
        const extra: CauseRecord = {
          cause: w.cause, firstProgram: k, firstMs: elapsed(), witness: w, program: r.program, shownIn,
          canonical: null, crashDir: null, triagedMs: null, check: null, size: null,
        };
        if (1 + causes.length < maxCauses) {
          causes.push(extra);
          triageQueue.push(job(old, extra));
          return;
        }
        // full: a clearer cause (fewer operations in flight) takes the place of the least clear
        // one (the latest of those), so the first few noisy causes seen do not keep out an
        // `alone` seen later. Decided by the committed results only (deterministic); the
        // evicted one's triage, done or in flight, is dropped with its folder.
        let worst = 0;
        for (let i = 1; i < causes.length; i++) if (causeWeight(causes[i]!.cause) >= causeWeight(causes[worst]!.cause)) worst = i;
        if (causes.length === 0 || causeWeight(w.cause) >= causeWeight(causes[worst]!.cause)) return;
        const gone = causes[worst]!;
        causes[worst] = extra;
        evicted.add(gone);
        const q = triageQueue.findIndex((j) => j.extra === gone);
        if (q >= 0) triageQueue.splice(q, 1);
        if (o.out !== null && gone.crashDir !== null && gone.crashDir !== '') dropCauseCrash(o.out, gone.crashDir, old.signature);
        triageQueue.push(job(old, extra));
        return;
      }
      const known = o.known.has(w.signature);
      const rec: SignatureRecord = {
        signature: w.signature, kind: w.kind, cause: w.cause, causes: [], firstProgram: k, firstMs: elapsed(), count: n,
        witness: w, program: r.program, shownIn,
        canonical: null, crashDir: null, triagedMs: null, known, check: null, size: null,
      };
      sigs.set(key, rec);
      o.onSignature?.(rec, known ? 'known' : 'new');
      if (!known) triageQueue.push(job(rec, null));
    });
    committed++;
  };

  const onCauseTriage = (rec: SignatureRecord, extra: CauseRecord, out: TriageOutput): void => {
    if (evicted.has(extra)) return;
    extra.shows = out.shown;
    showOf(extra);
    extra.canonical = out.signature;
    extra.check = out.check;
    extra.triagedMs = elapsed();
    if (o.known.has(out.signature)) {
      extra.crashDir = '';
      return;
    }
    extra.size = out.program.threads.reduce((n, t) => n + t.ops.length, 0);
    const before = extra.crashDir;
    extra.crashDir = o.out === null ? '' : writeCauseCrash(o.out, rec, extra, out);
    if (o.out !== null && before !== null && before !== '' && before !== extra.crashDir) rmSync(join(o.out, 'crashes', before), { recursive: true, force: true });
  };

  const onTriage = (rec: SignatureRecord, out: TriageOutput): void => {
    rec.shows = out.shown;
    showOf(rec);
    rec.canonical = out.signature;
    rec.check = out.check;
    rec.triagedMs = elapsed();
    if (o.known.has(out.signature)) {
      rec.known = true;
      rec.crashDir = '';
      o.onSignature?.(rec, 'known');
      return;
    }
    const size = out.program.threads.reduce((n, t) => n + t.ops.length, 0);
    rec.size = size;
    const before = rec.crashDir;
    rec.crashDir = o.out === null ? '' : writeCrash(o.out, rec, out, [...sigs.values()]);
    // a folder written unminimized by an earlier, interrupted run of this campaign
    if (o.out !== null && before !== null && before !== '' && before !== rec.crashDir) rmSync(join(o.out, 'crashes', before), { recursive: true, force: true });
    o.onSignature?.(rec, 'triaged');
  };

  const canGenerate = (k: number): boolean => {
    const batch = Math.floor(k / cfg.batch);
    return committed >= Math.max(0, (batch - 1) * cfg.batch);
  };
  const programsDone = (): boolean => o.maxPrograms !== null && nextProgram >= o.maxPrograms;
  const timeUp = (): boolean => o.timeLimitMs !== null && performance.now() - start >= o.timeLimitMs;

  await new Promise<void>((resolve) => {
    let inFlight = 0;
    let timer: NodeJS.Timeout | null = null;
    const finish = (): void => {
      if (timer !== null) clearInterval(timer);
      resolve();
    };
    const pump = (): void => {
      if (failure !== null) {
        stopped ??= 'signal';
        if (inFlight === 0) finish();
        return;
      }
      if (stopped === null) {
        if (o.signal?.aborted === true) stopped = 'signal';
        else if (timeUp()) stopped = 'time';
      }
      if (stopped === null && o.out !== null && performance.now() - lastSave > o.saveEveryMs) save();
      while (stopped === null && pool.free > 0) {
        // triage first, on at most half the workers (one at least), on every worker in the
        // last `triage.tail` of a timed run
        const tail = o.timeLimitMs !== null && performance.now() - start >= o.timeLimitMs * (1 - (cfg.triage.tail ?? 0));
        const maxTriage = tail ? pool.size : Math.max(1, Math.floor(pool.size / 2));
        const wantSearch = !programsDone() && canGenerate(nextProgram);
        if (triageQueue.length > 0 && (triaging.size < maxTriage || !wantSearch)) {
          sortQueue();
          const next = triageQueue.shift()!;
          const { rec, extra } = next;
          const key = jobKey(next);
          headsTaken.add(triageHead(view(next)));
          programsTaken.add(view(next).firstProgram);
          if (extra === null) takeSite(rec.signature);
          triaging.add(key);
          inFlight++;
          const what = extra ?? rec;
          pool.run({ type: 'triage', input: { program: what.program, witness: what.witness, config: cfg, seed: spec.seed } })
            .then((res: JobResult) => {
              if (res.type !== 'triage' || stopped !== null) return;
              triaging.delete(key);
              if (extra === null) onTriage(rec, res.output);
              else onCauseTriage(rec, extra, res.output);
            })
            .catch((e: Error) => {
              // a triage that breaks (a model error while confirming, say) leaves the signature as found
              triaging.delete(key);
              if (extra !== null && evicted.has(extra)) return;
              what.triagedMs = elapsed();
              what.triageError = e.message.split('\n')[0]!;
            })
            .finally(() => {
              inFlight--;
              pump();
            });
          continue;
        }
        if (!wantSearch) break;
        const k = nextProgram++;
        const program = programAt(spec, k, corpus);
        programs.set(k, program);
        const { spec: sspec } = finalize(program, `fuzz-${k}`);
        inFlight++;
        pool.run({
          type: 'search',
          spec: sspec,
          options: { budget: cfg.search, faults: programFaults(spec, k), seed: searchSeed(spec, k) },
          blocks: cfg.coverage === 'blocks',
        })
          .then((res: JobResult) => {
            if (res.type !== 'search' || stopped !== null) return;
            pending.set(k, { program, outcome: res.outcome, blocks: res.blocks });
            while (pending.has(committed)) commit(committed);
          })
          .catch((e: Error) => {
            failure ??= e;
          })
          .finally(() => {
            inFlight--;
            pump();
          });
      }
      const triageDone = (triageQueue.length === 0 || !o.drainTriage) && triaging.size === 0;
      if (stopped === null && programsDone() && committed >= (o.maxPrograms ?? 0) && triageDone) {
        stopped = 'programs';
      }
      if (stopped !== null && (inFlight === 0 || stopped !== 'programs')) finish();
    };
    timer = setInterval(() => {
      o.onProgress?.(progress());
      pump();
    }, 250);
    pump();
  });
  await pool.close();
  if (failure !== null) throw failure;
  const final = state();
  if (o.out !== null) {
    // untriaged signatures get their crash folder (as found) before the state is saved
    writeSummary(o.out, final, o.known, coverage.units, coverage.featureCount);
    writeAtomic(join(o.out, 'state.json'), JSON.stringify(final));
  }
  return { state: final, stopped: stopped ?? 'signal', progress: progress() };
}
