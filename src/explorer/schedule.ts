// Schedule strings: the choice sequence of one execution in a compact, shell-safe form.
//   "0.1x3.F.0"  thread 0, then thread 1 three times, then "this allocation fails", then 0
//   "S.Sx2.F"    in "failures as choices" mode every allocation offered a failure is a choice:
//                S succeeds, F fails
//   "n4/0.1"     the same, with the 4th allocation failing (fail_nth sweep)
//   "-"          no choices at all: the serial execution (replay goes on with the default choice)
// Only real choices are listed: a step with a single runnable thread is not a choice.
import { FAIL, type FaultPlan, type FaultScope, SUCCEED } from '../rt/execution.js';

export interface Schedule {
  /** thread indexes, FAIL (-1) for an allocation made to fail, SUCCEED (-2) for one let through */
  readonly choices: readonly number[];
  /** the Nth allocation fails (fail_nth); undefined for none */
  readonly nth?: number;
}

export class ScheduleSyntaxError extends Error {}

export function encodeSchedule(s: Schedule): string {
  const parts: string[] = [];
  const c = s.choices;
  for (let i = 0; i < c.length;) {
    let j = i + 1;
    while (j < c.length && c[j] === c[i]) j++;
    const tok = c[i] === FAIL ? 'F' : c[i] === SUCCEED ? 'S' : String(c[i]);
    parts.push(j - i > 1 ? `${tok}x${j - i}` : tok);
    i = j;
  }
  const body = parts.length === 0 ? '-' : parts.join('.');
  return s.nth === undefined ? body : `n${s.nth}/${body}`;
}

const token = /^(F|S|\d+)(?:x(\d+))?$/;

/** More choices than any execution makes (each step makes at most a few); bounds what text may ask for. */
export const maxScheduleChoices = 1_000_000;

export function decodeSchedule(text: string): Schedule {
  let body = text.trim();
  let nth: number | undefined;
  const m = /^n(\d+)\/(.*)$/.exec(body);
  if (m !== null) {
    nth = Number(m[1]);
    if (!Number.isSafeInteger(nth)) throw new ScheduleSyntaxError(`schedule "${text}": n ${m[1]} is too large`);
    if (nth < 1) throw new ScheduleSyntaxError(`schedule "${text}": n must be at least 1`);
    body = m[2]!;
  }
  const choices: number[] = [];
  if (body !== '-' && body !== '') {
    for (const part of body.split('.')) {
      const t = token.exec(part);
      if (t === null) {
        throw new ScheduleSyntaxError(
          `schedule "${text}": bad token "${part}" (expected a thread number, F or S, optionally followed by xCOUNT)`,
        );
      }
      const v = t[1] === 'F' ? FAIL : t[1] === 'S' ? SUCCEED : Number(t[1]);
      if (!Number.isSafeInteger(v)) throw new ScheduleSyntaxError(`schedule "${text}": thread number ${t[1]} is too large`);
      const n = t[2] === undefined ? 1 : Number(t[2]);
      if (n < 1) throw new ScheduleSyntaxError(`schedule "${text}": repeat count in "${part}" must be at least 1`);
      if (choices.length + n > maxScheduleChoices) {
        throw new ScheduleSyntaxError(`schedule "${text}": too many choices (at most ${maxScheduleChoices})`);
      }
      for (let i = 0; i < n; i++) choices.push(v);
    }
  }
  return nth === undefined ? { choices } : { choices, nth };
}

/** The fault plan a schedule needs to be replayed under, given the search's plan (whose scope it keeps). */
export function faultsFor(s: Schedule, searched: FaultPlan): FaultPlan {
  const scope: FaultScope = searched.mode === 'none' ? {} : { ...searched };
  delete (scope as { mode?: unknown }).mode;
  delete (scope as { nth?: unknown }).nth;
  delete (scope as { maxFailures?: unknown }).maxFailures;
  if (s.nth !== undefined) return { ...scope, mode: 'nth', nth: s.nth };
  if (s.choices.includes(FAIL) || s.choices.includes(SUCCEED)) {
    return { ...scope, mode: 'choice', maxFailures: searched.mode === 'choice' ? searched.maxFailures : Number.MAX_SAFE_INTEGER };
  }
  return searched.mode === 'nth' ? { mode: 'none' } : searched;
}
