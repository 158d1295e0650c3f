// A tiny language of concurrent programs for property tests: threads of lock/unlock (properly
// nested, never re-taking a held mutex), reads of a shared variable into the thread's one
// register, and writes of register+1 or a constant. Both the runtime program and the
// independent brute-force enumerator are built from it.
import fc from 'fast-check';

export type Instr =
  | { readonly op: 'lock'; readonly m: number }
  | { readonly op: 'unlock'; readonly m: number }
  | { readonly op: 'read'; readonly v: number }
  | { readonly op: 'write'; readonly v: number; readonly value: 'inc' | number };

export interface TinyProgram {
  readonly mutexes: number;
  readonly vars: number;
  readonly threads: readonly (readonly Instr[])[];
}

/** most instructions in one thread, locks included */
export const maxThreadOps = 4;
/** most instructions in a program: keeps the interleavings (and the suite) small */
export const maxTotalOps = 8;

type Token =
  | { op: 'lock'; m: number }
  | { op: 'unlock' }
  | { op: 'read'; v: number }
  | { op: 'write'; v: number; value: 'inc' | number }
  /** lock m, then the other mutex: makes opposite lock orders, so deadlocks, common */
  | { op: 'nest'; m: number };

/**
 * Turn any token list into a well-formed thread: a lock of a held mutex is dropped, an unlock
 * releases the innermost held mutex (or is dropped), held mutexes are released at the end, and
 * tokens stop being taken when the closing unlocks would no longer fit in maxThreadOps.
 */
function wellFormed(tokens: readonly Token[], mutexes: number): Instr[] {
  const out: Instr[] = [];
  const held: number[] = [];
  const expanded = tokens.flatMap((t): Token[] =>
    t.op === 'nest' ? [{ op: 'lock', m: t.m }, { op: 'lock', m: (t.m + 1) % mutexes }] : [t],
  );
  for (const t of expanded) {
    if (t.op === 'nest') continue; // expanded above
    if (t.op === 'unlock') {
      const m = held.pop();
      if (m !== undefined) out.push({ op: 'unlock', m });
      continue;
    }
    const room = maxThreadOps - out.length - held.length;
    if (t.op === 'lock') {
      if (held.includes(t.m) || room < 2) continue;
      held.push(t.m);
      out.push(t);
    } else if (room >= 1) {
      out.push(t);
    }
  }
  while (held.length > 0) out.push({ op: 'unlock', m: held.pop()! });
  if (out.length === 0) out.push({ op: 'read', v: 0 });
  return out;
}

function token(mutexes: number, vars: number): fc.Arbitrary<Token> {
  const m = fc.integer({ min: 0, max: mutexes - 1 });
  const v = fc.integer({ min: 0, max: vars - 1 });
  const value = fc.oneof(fc.constant<'inc'>('inc'), fc.integer({ min: 0, max: 3 }));
  return fc.oneof(
    { arbitrary: m.map((m): Token => ({ op: 'lock', m })), weight: 2 },
    { arbitrary: m.map((m): Token => ({ op: 'nest', m })), weight: 3 },
    { arbitrary: fc.constant<Token>({ op: 'unlock' }), weight: 1 },
    { arbitrary: v.map((v): Token => ({ op: 'read', v })), weight: 2 },
    { arbitrary: fc.tuple(v, value).map(([v, value]): Token => ({ op: 'write', v, value })), weight: 2 },
  );
}

/** two mutexes more often than one: lock orders only matter with two */
const mutexCount = fc.oneof({ arbitrary: fc.constant(2), weight: 3 }, { arbitrary: fc.constant(1), weight: 1 });

/** 2-3 threads of 1-4 instructions over 1-2 mutexes and 1-2 variables */
export const tinyProgram: fc.Arbitrary<TinyProgram> = fc
  .tuple(mutexCount, fc.integer({ min: 1, max: 2 }))
  .chain(([mutexes, vars]) =>
    fc
      .array(fc.array(token(mutexes, vars), { minLength: 1, maxLength: 7 }), { minLength: 2, maxLength: 3 })
      .map((threads): TinyProgram => ({ mutexes, vars, threads: threads.map((t) => wellFormed(t, mutexes)) })),
  )
  .filter((p) => p.threads.reduce((n, t) => n + t.length, 0) <= maxTotalOps);

/** "T0: lock m0; read v0 | T1: ..." for failure messages */
export function showProgram(p: TinyProgram): string {
  const instr = (i: Instr): string =>
    i.op === 'write' ? `v${i.v} = ${i.value === 'inc' ? 'r+1' : i.value}` : i.op === 'read' ? `r = v${i.v}` : `${i.op} m${i.m}`;
  return p.threads.map((t, i) => `T${i}: ${t.map(instr).join('; ')}`).join(' | ');
}
