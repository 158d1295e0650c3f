// The order in which a campaign triages what it found: a signature's first witness, or the first
// witness of a further cause of it (cause.ts). Triage, not search, is what a short run runs out
// of (the default 10-minute run of 2026-12-05 13:13: 209 keys and 327 further causes, 166
// triages on its one triage slot), so the order decides which bugs get a minimized reproducer
// within the run.
//
// Shortest expected job first, with ageing: each queued job's score is its expected cost
// (triage-cost.ts: the witness program's size, its steps, how often its program showed it),
// times a weight for what is likely a repeat, divided by 1 + its age (programs committed since
// it was first seen) / `triage.ageing`. The lowest score goes first. The weights (each a factor):
//
// - a job whose signature and cause a triaged reproducer already shows (`triage.shown`, 8): a
//   reproducer's final search shows the other reports of its bug too (a removal racing a
//   registration ends in a dozen signatures); a cause with an allocation failure counts as shown
//   when the same cause without one is (F3 under a fault is still F3);
// - a head (kind, reporting function, entry; a further cause: with its cause) a triage took
//   already (`triage.repeat`, 2), on top of the site's weight below: keys take the instance
//   names out (sigkey.ts), so another key under a taken head has another message, and that can
//   be another bug (F11's `RID is translate(...)` under F10's `invariant in
//   hw_function_reset_start via pci_reset_function_with`, which waited behind everything in
//   the order before);
// - a first witness first seen in a program a triage took a witness of (2): one program that
//   races a removal with a registration shows a dozen heads of one bug at once;
// - a first witness at a site (kind and reporting function, any entry) triaged n times
//   (1 + n): a WARN or NULL dereference at a new site goes before the n-th repeat of an
//   invariant at a triaged one;
// - a further cause (`triage.furtherCause`, 2), and 1 + (1 + its causeWeight) / 4 (cause.ts:
//   two per operation in flight, one for a fault; `alone` is the clearest) unless its allocation
//   failure is where the first witness had none or the other way round (F4's failed probe under
//   F13's WARN): another path to the report more often than not;
// - a leak (4): most are what a WARN left behind.
//
// Before (until branch `triage3`) the order was lexicographic (shown, head taken, program taken,
// first witness, ... kind), with every other pick to a clear further cause: new keys arrived
// faster than one slot triaged them, so a WARN (kinds ranked last but leaks) or a first witness
// of a program already taken waited the whole run (F4, F17), whatever it cost.
import { violationKinds } from '../rt/violation.js';
import { causeWeight, faulted } from './cause.js';
import type { TriageBudget } from './config.js';

export interface QueuedTriage {
  readonly signature: string;
  readonly kind: string;
  /** the cause of the signature's first witness */
  readonly firstCause: string;
  /** the further cause this job triages, null for the first witness */
  readonly cause: string | null;
  /** 0 for the first witness, n for the signature's n-th further cause */
  readonly round: number;
  readonly firstProgram: number;
  /** expected cost in steps (triage-cost.ts) */
  readonly cost: number;
}

/** what the campaign knows while it orders: heads triaged, signatures and causes a reproducer shows */
export interface TriageOrderState {
  readonly headsTaken: ReadonlySet<string>;
  readonly covered: ReadonlySet<string>;
  /** the programs whose witnesses were triaged or are in triage */
  readonly programsTaken: ReadonlySet<number>;
  /** first witnesses triaged or in triage per site (signatureSite) */
  readonly sitesTaken: ReadonlyMap<string, number>;
  /** programs committed: a job's age is this less its first program */
  readonly committed: number;
}

/** the order's knobs (config.ts `triage`), with their defaults */
export interface TriageOrderKnobs {
  readonly ageing: number;
  readonly shown: number;
  readonly repeat: number;
  readonly furtherCause: number;
}

export function orderKnobs(t: TriageBudget): TriageOrderKnobs {
  return { ageing: t.ageing ?? 100, shown: t.shown ?? 8, repeat: t.repeat ?? 2, furtherCause: t.furtherCause ?? 2 };
}

/** kinds in the order they are triaged at equal scores: a use-after-free before a leak */
const kindOrder = [
  'use-after-free', 'double-free', 'null-deref', 'bug', 'invariant', 'dma-isolation', 'driver-contract', 'stale-translation',
  'invalidation-timeout', 'deadlock', 'warn', 'lockdep', 'sleep-in-atomic', 'livelock', 'model-error', 'assertion', 'leak',
];
function kindRank(kind: string): number {
  const i = kindOrder.indexOf(kind);
  return i < 0 ? kindOrder.length + violationKinds.indexOf(kind as never) : i;
}

/** a signature's kind, reporting function and entry: what precedes its message */
export function signatureHead(signature: string): string {
  const i = signature.indexOf(': ');
  return i < 0 ? signature : signature.slice(0, i);
}

/** a signature's site: its kind and reporting function, whatever the entry */
export function signatureSite(signature: string): string {
  const h = signatureHead(signature);
  const i = h.indexOf(' via ');
  return i < 0 ? h : h.slice(0, i);
}

/** the head a job takes: the signature's, with the cause for a further cause */
export function triageHead(q: QueuedTriage): string {
  return q.cause === null ? signatureHead(q.signature) : `${signatureHead(q.signature)}\u0000${q.cause}`;
}

/** the key a reproducer's `shown` list uses (TriageOutput.shown) */
export function coverKey(q: QueuedTriage): string {
  return `${q.signature}\u0000${q.cause ?? q.firstCause}`;
}

/** is the job's signature and cause (or the cause without its fault) shown by a reproducer? */
export function isCovered(q: QueuedTriage, s: Pick<TriageOrderState, 'covered'>): boolean {
  const key = coverKey(q);
  return s.covered.has(key) || (key.endsWith(', fault') && s.covered.has(key.slice(0, -', fault'.length)));
}

/** the factor a job's cost is taken with (above) */
export function triageWeight(q: QueuedTriage, s: TriageOrderState, k: TriageOrderKnobs): number {
  let w = isCovered(q, s) ? k.shown : 1;
  if (s.headsTaken.has(triageHead(q))) w *= k.repeat;
  if (q.cause === null) {
    if (s.programsTaken.has(q.firstProgram)) w *= 2;
    w *= 1 + (s.sitesTaken.get(signatureSite(q.signature)) ?? 0);
  } else {
    w *= k.furtherCause;
    if (faulted(q.cause) === faulted(q.firstCause)) w *= 1 + (1 + causeWeight(q.cause)) / 4;
  }
  if (q.kind === 'leak') w *= 4;
  return w;
}

/** the job's score: the lower, the sooner */
export function triageScore(q: QueuedTriage, s: TriageOrderState, k: TriageOrderKnobs): number {
  const age = Math.max(0, s.committed - q.firstProgram);
  return (Math.max(1, q.cost) * triageWeight(q, s, k)) / (1 + age / Math.max(1, k.ageing));
}

/** sort a queue in triage order (in place): the next job to triage first */
export function sortTriage<J>(queue: J[], view: (j: J) => QueuedTriage, s: TriageOrderState, k: TriageOrderKnobs): void {
  const v = new Map(queue.map((j) => {
    const q = view(j);
    return [j, { q, score: triageScore(q, s, k), key: coverKey(q) }] as const;
  }));
  queue.sort((a, b) => {
    const x = v.get(a)!;
    const y = v.get(b)!;
    return (
      x.score - y.score ||
      kindRank(x.q.kind) - kindRank(y.q.kind) ||
      x.q.firstProgram - y.q.firstProgram ||
      (x.key < y.key ? -1 : x.key > y.key ? 1 : x.q.round - y.q.round)
    );
  });
}
