// The trace of one execution for a reader: the objects under the names the program gave them
// (rt/trace-names.ts), each scenario operation's start and return code between the steps, the
// step a violation was reported at and every injected allocation failure marked, and a key from
// the schedule's thread numbers to the threads' names.
import type { Execution, TraceNote, TraceStep } from '../rt/execution.js';
import type { TraceNames } from '../rt/trace-names.js';
import type { Violation } from '../rt/violation.js';

/** The violations and warnings of an execution, then its trace: the lines `replay` and `run` print. */
export function executionStory(exec: Execution): string[] {
  const names = exec.traceNames;
  const rename = (s: string): string => (names === null ? s : names.rename(s));
  const out: string[] = [];
  if (exec.violations.length === 0) out.push('no violation in this execution', '');
  for (const v of exec.violations) out.push(`[${v.kind}] at step ${v.step}${v.thread ? ` in ${v.thread}` : ''}`, rename(v.splat), '');
  for (const w of exec.warnings) out.push(`[warn, not failing] at step ${w.step}`, rename(w.splat), '');
  if (exec.failures > 0) out.push(`Injected allocation failures: ${exec.failures} (marked "!" in the trace)`, '');
  out.push(threadKey(exec));
  out.push(`Trace: ${exec.steps} steps, ${exec.preemptions} preemption(s), ${exec.choices.length} choice(s)`);
  out.push(...traceTable(exec.trace ?? [], exec.traceNotes ?? [], marks(exec), rename, exec.threads.map((t) => t.name)));
  if (exec.truncated !== null) out.push(`  (cut here: the execution reached --${exec.truncated === 'steps' ? 'max-steps' : 'time-limit'})`);
  const results = exec.threads.filter((t) => t.name !== 'teardown').map((t) => `${t.name}=${fmt(t.result)}`);
  out.push('', `Thread results: ${results.join(' ')}`);
  if (names !== null && names.size > 0) out.push('', ...namesKey(names));
  return out;
}

/** "Threads: 0 prologue, 1 reset, 2 close": what the numbers of a schedule (1x6.2x2.1) stand for. */
export function threadKey(exec: Execution): string {
  return `Threads (the numbers of the schedule): ${exec.threads.map((t) => `${t.idx} ${t.name}`).join(', ')}`;
}

/** step -> what to say at its row: the violations reported at it */
function marks(exec: Execution): Map<number, string[]> {
  const m = new Map<number, string[]>();
  const add = (v: Violation, what: string): void => {
    const list = m.get(v.step) ?? [];
    list.push(what);
    m.set(v.step, list);
  };
  for (const v of exec.violations) add(v, `<== ${v.kind}`);
  for (const w of exec.warnings) add(w, '<== warn (not failing)');
  return m;
}

/**
 * The table: one row per step (">>" at a step a violation was reported at, "!" where the fault
 * plan failed an allocation), and a thread's notes (its operations' starts and return codes)
 * between the steps, indented under the thread that said them.
 */
export function traceTable(
  trace: readonly TraceStep[],
  notes: readonly TraceNote[],
  marked: ReadonlyMap<number, readonly string[]>,
  rename: (s: string) => string,
  threadNames: readonly string[],
): string[] {
  const ops = trace.map((s) => rename(s.op));
  const tw = Math.max(6, ...threadNames.map((t) => t.length), ...notes.map((n) => n.thread.length));
  const ow = Math.max(9, ...ops.map((o) => o.length));
  const out = [`    ${'step'.padStart(4)}  ${'thread'.padEnd(tw)}  ${'operation'.padEnd(ow)}  in`];
  let n = 0;
  const notesBefore = (step: number): void => {
    for (; n < notes.length && notes[n]!.before <= step; n++) {
      const note = notes[n]!;
      out.push(`    ${''.padStart(4)}  ${note.thread.padEnd(tw)}  -- ${rename(note.text)}`);
    }
  };
  trace.forEach((s, i) => {
    notesBefore(s.step);
    const mark = marked.get(s.step);
    const flag = mark !== undefined ? '>> ' : s.injected === true ? ' ! ' : '   ';
    const tail = [...(s.injected === true ? ['<== allocation failed (injected)'] : []), ...(mark ?? [])];
    const row = `${flag} ${String(s.step).padStart(4)}  ${s.thread.padEnd(tw)}  ${ops[i]!.padEnd(ow)}  ${s.fn} (${s.where})`;
    out.push(tail.length === 0 ? row : `${row}  ${tail.join(', ')}`);
  });
  notesBefore(Number.POSITIVE_INFINITY);
  // a violation found after the last step (a leak at the end, a deadlock) gets its own line
  const last = trace.length === 0 ? -1 : trace[trace.length - 1]!.step;
  for (const [step, what] of marked) if (step > last) out.push(`>> ${String(step).padStart(4)}  ${'(end)'.padEnd(tw)}  ${what.join(', ')}`);
  return out;
}

/** how the names printed map to the kernel objects' own labels (as a debugger would show them) */
function namesKey(names: TraceNames): string[] {
  const entries = names.entries().filter(([label]) => /#|\[/.test(label));
  if (entries.length === 0) return [];
  const w = Math.max(...entries.map(([, name]) => name.length));
  return ['Names used above (kernel object labels):', ...entries.map(([label, name]) => `  ${name.padEnd(w)}  ${label}`)];
}

function fmt(v: unknown): string {
  if (v === undefined) return 'void';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(fmt).join(',')}]`;
  return typeof v === 'object' && v !== null ? ((v as { label?: string }).label ?? 'object') : String(v);
}
