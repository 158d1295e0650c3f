// How an STE or CD that may be live is rewritten (hardware.md §1.4, arm_smmu_write_entry()): the
// SMMU may fetch the entry between any two word writes, so the words are written in an order
// that never shows it a torn configuration. From the fields each word's current content makes the
// SMMU use (steUsed/cdUsed, minus the fields safe to change live):
// - no used field changes: write the words, sync;
// - used fields change in exactly one word (the critical word): a hitless update, every fetch
//   sees the old or the new configuration: write the other words (only unused fields change),
//   sync; write the critical word, sync; write the rest, sync;
// - several words: a breaking update: V=0 first (transactions meet an invalid entry), sync;
//   words 1.., sync; word 0, sync.
// This is driver logic, kept next to the hardware facts it is computed from; it is pure (a plan
// of word writes, each batch followed by the driver's sync) and knows nothing of the driver.

/** one word of an entry: a record of named fields */
type Word = object;
export type Words = readonly Word[];

function get(w: Word, f: string): unknown {
  return (w as Record<string, unknown>)[f];
}

export interface EntryRules<E extends Words> {
  used(e: E): string[][];
  safe(cur: E, target: E): string[][];
}

export interface WordWrite {
  readonly word: number;
  readonly value: Word;
}

export type UpdateKind = 'unchanged' | 'hitless' | 'breaking';

export interface UpdatePlan {
  readonly kind: UpdateKind;
  /** each batch of word writes is followed by a sync (config invalidation + fence) */
  readonly batches: ReadonlyArray<readonly WordWrite[]>;
}

function fieldsOf(a: Word, b: Word): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}

export function sameWord(a: Word, b: Word): boolean {
  if (a === b) return true;
  for (const f of fieldsOf(a, b)) if (get(a, f) !== get(b, f)) return false;
  return true;
}

/** the writes that make `entry` equal `values` on words [start, start + n) (entry_set) */
function entrySet(entry: Word[], values: Words, start: number, n: number, out: Array<readonly WordWrite[]>): void {
  const batch: WordWrite[] = [];
  for (let i = start; i < start + n; i++) {
    if (!sameWord(entry[i]!, values[i]!)) {
      batch.push({ word: i, value: values[i]! });
      entry[i] = values[i]!;
    }
  }
  if (batch.length > 0) out.push(batch);
}

/** arm_smmu_entry_qword_diff(): the words whose used fields still differ after the unused-field update */
export function usedWordDiff<E extends Words>(rules: EntryRules<E>, cur: E, target: E): { diff: number[]; unusedUpdate: Word[] } {
  const curUsed = rules.used(cur);
  const targetUsed = rules.used(target);
  const safe = rules.safe(cur, target);
  const diff: number[] = [];
  const unusedUpdate: Word[] = [];
  for (let i = 0; i < cur.length; i++) {
    const keep = new Set(curUsed[i]!.filter((f) => !safe[i]!.includes(f)));
    const w: Record<string, unknown> = {};
    for (const f of fieldsOf(cur[i]!, target[i]!)) w[f] = keep.has(f) ? get(cur[i]!, f) : get(target[i]!, f);
    unusedUpdate.push(w);
    if (targetUsed[i]!.some((f) => w[f] !== get(target[i]!, f))) diff.push(i);
  }
  return { diff, unusedUpdate };
}

/** the word writes (in batches, each followed by a sync) that take `cur` to `target` */
export function planEntryUpdate<E extends Words>(rules: EntryRules<E>, cur: E, target: E): UpdatePlan {
  const entry = [...cur];
  const batches: Array<readonly WordWrite[]> = [];
  const { diff, unusedUpdate } = usedWordDiff(rules, cur, target);
  if (diff.length === 1) {
    const critical = diff[0]!;
    unusedUpdate[critical] = entry[critical]!;
    entrySet(entry, unusedUpdate, 0, entry.length, batches);
    entrySet(entry, target, critical, 1, batches);
    entrySet(entry, target, 0, entry.length, batches);
    return { kind: 'hitless', batches };
  }
  if (diff.length > 1) {
    unusedUpdate[0] = { ...entry[0]!, v: false };
    entrySet(entry, unusedUpdate, 0, 1, batches);
    entrySet(entry, target, 1, entry.length - 1, batches);
    entrySet(entry, target, 0, 1, batches);
    return { kind: 'breaking', batches };
  }
  entrySet(entry, target, 0, entry.length, batches);
  return { kind: 'unchanged', batches };
}
