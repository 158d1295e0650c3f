// The order in which a campaign triages what it found: a signature's first witness, or the first
// witness of a further cause of it (cause.ts). Triage, not search, is what a short run runs out
// of (hundreds of signatures for a few dozen bugs), so the order decides which bugs get a
// minimized reproducer within the run:
//
// 1. what no reproducer shows yet before what one does (a reproducer's final search shows the
//    other reports of its bug too: a removal racing a registration ends in a dozen signatures,
//    each with its own head); a cause with an allocation failure counts as shown when the same
//    cause without one is (F3 under a fault is still F3; a bug that needs the fault, F4 or F5,
//    has operations in flight of its own or a signature no fault-free program shows);
// 2. a head (kind, reporting function, entry; a further cause: with its cause) no triage took yet
//    before one that was (the name variants of one report: dev_iommu:ep1, dev_iommu:plat0), and
//    among new heads, one first seen in a program no triage took a witness of yet (one program
//    that races a removal with a registration shows a dozen heads of one bug at once);
// 3. first witnesses before further causes;
// 4. among further causes, an allocation failure where the first witness had none (or the other
//    way round) first: another path to the report more often than not (F4's failed probe under
//    F13's WARN), then fewer operations in flight (`alone` is the clearest), then the second
//    cause of each signature before the third of any;
// 5. by kind (a use-after-free before a leak), then as found.
//
// Every other pick goes to the clearest further cause (fault-flipped, then at most a fault
// beside it) that no reproducer shows and whose head and cause no triage took, when there is
// one: behind a long queue of first witnesses, a second bug under a known signature would
// otherwise be seen and never minimized (F2, F4, F9 in docs/FUZZING.md).
import { violationKinds } from '../rt/violation.js';
import { causeWeight, faulted } from './cause.js';

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
}

/** what the campaign knows while it orders: heads triaged, signatures and causes a reproducer shows */
export interface TriageOrderState {
  readonly headsTaken: ReadonlySet<string>;
  readonly covered: ReadonlySet<string>;
  /** the programs whose witnesses were triaged or are in triage */
  readonly programsTaken: ReadonlySet<number>;
}

/** kinds in the order they are triaged: a use-after-free before a leak */
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

/** the head a job takes: the signature's, with the cause for a further cause */
export function triageHead(q: QueuedTriage): string {
  return q.cause === null ? signatureHead(q.signature) : `${signatureHead(q.signature)}\u0000${q.cause}`;
}

/** the key a reproducer's `shown` list uses (TriageOutput.shown) */
export function coverKey(q: QueuedTriage): string {
  return `${q.signature}\u0000${q.cause ?? q.firstCause}`;
}

/** is the job's signature and cause (or the cause without its fault) shown by a reproducer? */
export function isCovered(q: QueuedTriage, s: TriageOrderState): boolean {
  const key = coverKey(q);
  return s.covered.has(key) || (key.endsWith(', fault') && s.covered.has(key.slice(0, -', fault'.length)));
}

function faultFlip(q: QueuedTriage): number {
  return q.cause !== null && faulted(q.cause) !== faulted(q.firstCause) ? 0 : 1;
}

export function compareTriage(a: QueuedTriage, b: QueuedTriage, s: TriageOrderState): number {
  const covered = (q: QueuedTriage): number => (isCovered(q, s) ? 1 : 0);
  const taken = (q: QueuedTriage): number => (s.headsTaken.has(triageHead(q)) ? 2 : s.programsTaken.has(q.firstProgram) ? 1 : 0);
  const extra = (q: QueuedTriage): number => (q.cause === null ? 0 : 1);
  const weight = (q: QueuedTriage): number => (q.cause === null ? 0 : causeWeight(q.cause));
  return (
    covered(a) - covered(b) ||
    taken(a) - taken(b) ||
    extra(a) - extra(b) ||
    faultFlip(a) - faultFlip(b) ||
    weight(a) - weight(b) ||
    a.round - b.round ||
    kindRank(a.kind) - kindRank(b.kind) ||
    a.firstProgram - b.firstProgram ||
    (coverKey(a) < coverKey(b) ? -1 : coverKey(a) > coverKey(b) ? 1 : a.round - b.round)
  );
}

/** sort a queue in triage order (in place) */
export function sortTriage<J>(queue: J[], view: (j: J) => QueuedTriage, s: TriageOrderState): void {
  const v = new Map(queue.map((j) => [j, view(j)]));
  queue.sort((a, b) => compareTriage(v.get(a)!, v.get(b)!, s));
}

/** the index in a sorted queue of the next job to triage; `pick` counts the picks so far */
export function nextTriage<J>(queue: readonly J[], view: (j: J) => QueuedTriage, s: TriageOrderState, pick: number): number {
  if (pick % 2 === 0) return 0;
  const i = queue.findIndex((j) => {
    const q = view(j);
    return q.cause !== null && !isCovered(q, s) && !s.headsTaken.has(triageHead(q)) && causeWeight(q.cause) <= 1;
  });
  return i < 0 ? 0 : i;
}
