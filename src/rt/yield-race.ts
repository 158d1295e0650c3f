// What the yield-rule checker (yield-check.ts) reports: a plain access to a location that another
// thread reaches with no lock in common and nothing else ordering the two, the model's version of
// a KCSAN data-race report. Plain data, so a search can hand it on (JSON, workers).
import { type Frame, formatFrames, kernelName } from './stack.js';

export interface RaceAccess {
  /** "t1/2": thread name and pid */
  readonly task: string;
  /** the 0-based step it ran in ("priming" code before a thread's first yield runs at its start) */
  readonly step: number;
  readonly write: boolean;
  /** "plain", or the yielded op the access is part of, e.g. "READ_ONCE(dev:pci0.iommuGroup)" */
  readonly how: string;
  /** labels of the locks held */
  readonly locks: readonly string[];
  /** filled by a re-run of the execution (YieldLog.siteRequests) */
  stack: readonly Frame[];
}

export interface YieldRace {
  /** the static location ("Device.iommuGroup", "world.ledger.bound[]"): one report per location */
  readonly location: string;
  /** the instance the race was seen on ("pci0.iommuGroup") */
  readonly instance: string;
  /** the earlier access and the later one, as the execution ran them */
  readonly first: RaceAccess;
  readonly second: RaceAccess;
  /** the choices of the execution that found it, and its fail_nth point (filled when it ends) */
  choices: readonly number[];
  nth?: number;
  /** the execution of the search that found it (1-based) */
  execution: number;
  /** other pairs of accesses racing on the same location (a few; their stacks' top frames are shown) */
  readonly others: Array<{ readonly first: RaceAccess; readonly second: RaceAccess }>;
}

/** at most this many other pairs are kept per location */
const maxOthers = 8;

type SiteRequest = readonly [access: number, fill: (stack: readonly Frame[]) => void];

/**
 * The races of one search, one per location; executions add to it as they run. Finding a race
 * needs no stack; the stacks of a new one's two accesses come from running its execution again
 * (it is deterministic) with `siteRequests` set: the checker then only records the call stack of
 * the accesses with those numbers (explorer/yield-sites.ts).
 */
export class YieldLog {
  private readonly byLocation = new Map<string, YieldRace>();
  private readonly pairs = new Set<string>();
  /** executions run with this log (numbers the races; re-runs for stacks do not count) */
  executions = 0;
  /** during a re-run for stacks: access number -> where its stack goes */
  siteRequests: Map<number, (stack: readonly Frame[]) => void> | null = null;
  /** stacks the races found by the last execution need */
  private wanted: SiteRequest[] = [];

  /** Record a race; false when its location was reported already (the pair is noted under it). */
  add(race: YieldRace, ...sites: SiteRequest[]): boolean {
    // told apart without stacks (they come later): by who, how and under which locks
    const pair = `${race.location}|${classOf(race.first)}|${classOf(race.second)}`;
    if (this.pairs.has(pair)) return false;
    this.pairs.add(pair);
    const known = this.byLocation.get(race.location);
    if (known !== undefined) {
      if (known.others.length >= maxOthers) return false;
      known.others.push({ first: race.first, second: race.second });
      this.wanted.push(...sites);
      return false;
    }
    this.byLocation.set(race.location, race);
    this.wanted.push(...sites);
    return true;
  }

  /** The stacks the last execution's new races need (and forget them): [] if none. */
  takeSiteRequests(): SiteRequest[] {
    const w = this.wanted;
    this.wanted = [];
    return w;
  }

  get size(): number {
    return this.byLocation.size;
  }

  /** in the order they were first found */
  list(): YieldRace[] {
    return [...this.byLocation.values()];
  }
}

function classOf(a: RaceAccess): string {
  return `${a.task}:${a.write ? 'w' : 'r'}:${a.how}:${a.locks.join(',')}`;
}

function siteOf(a: RaceAccess): string {
  const f = a.stack[0];
  return f === undefined ? '?' : `${kernelName(f.fn)} (${f.where})`;
}

function describeAccess(a: RaceAccess, instance: string): string {
  const what = a.how === 'plain' ? `plain ${a.write ? 'write to' : 'read of'} ${instance}` : `${a.how} (${a.write ? 'writes' : 'reads'} ${instance})`;
  const locks = a.locks.length === 0 ? 'holding no lock' : `holding ${a.locks.join(', ')}`;
  const stack = a.stack.length === 0 ? '  (no model frame)' : formatFrames(a.stack);
  return `${what} by task ${a.task} at step ${a.step}, ${locks}:\n${stack}`;
}

/** The report, KCSAN-style: both accesses with their stacks, then what to do about it. */
export function yieldRaceSplat(r: YieldRace): string {
  const fn = (a: RaceAccess): string => (a.stack[0] === undefined ? '?' : kernelName(a.stack[0].fn));
  const lines = [
    '==================================================================',
    `BUG: yield rule: data-race on ${r.location} in ${fn(r.first)} / ${fn(r.second)}`,
    '',
    describeAccess(r.first, r.instance),
    '',
    describeAccess(r.second, r.instance),
    '',
    'No lock is held at both accesses and nothing else orders them (setup, prologue, teardown,',
    'kthread_run, a completion, the last refcount_dec_and_test), so partial-order reduction treats',
    'their steps as independent and may miss an order of them. Hold the lock the other side holds,',
    'or make the plain access a yielded one (readOnce/writeOnce/atomicUpdate) if the kernel races it.',
  ];
  // the same two sites in either order, or the main pair again, are said once
  const pairs = new Set<string>();
  const pairOf = (a: RaceAccess, b: RaceAccess): string => [siteOf(a), siteOf(b)].sort().join(' / ');
  pairs.add(pairOf(r.first, r.second));
  const others = r.others.map((o) => pairOf(o.first, o.second)).filter((p) => !pairs.has(p) && pairs.add(p));
  if (others.length > 0) lines.push('', `Other racing pairs on ${r.location}:`, ...others.map((o) => `  ${o}`));
  lines.push('==================================================================');
  return lines.join('\n');
}
