// Coverage, measured without touching the explorer's per-step path: V8's own block coverage
// (the inspector's precise coverage, binary mode), switched on only in a fuzzing process and
// read once per program, restricted to the model's files (hardware, machine, kernel, drivers);
// plus the outcome of every operation (`attach:-EBUSY`, search.ts) and the signatures found.
//
// V8 reports, per function that ran, the function's range and the nested ranges whose count
// differs from their enclosing range: a block it does not list ran as often as the smallest
// listed range around it. The coverage map keeps every block ever listed and decides, for each
// program, which of them ran; a unit is such a block (a branch of a model function). Counts
// (not V8's binary mode, which reports a block once per process) reset at each take, and block
// counters count in optimized code too, so a program's report does not depend on what ran
// before it in its worker. A function's own call count is not used: a function inlined into
// optimized code counts no calls.
import { Session } from 'node:inspector/promises';
import { setFlagsFromString } from 'node:v8';

/** the model's folders under dist/src whose blocks count */
const modelDirs = /\/src\/(core|pci|base|dma|iommufd|drivers|hw|machine|kernel)\/[^/]+\.js$/;

/** per function that ran (`file:offset`): its own range, then its listed nested ranges, as [start, end, ran (0/1)] triples */
export type BlockReport = Record<string, number[]>;

export class BlockProbe {
  private session: Session | null = null;

  async start(): Promise<void> {
    // Optimized code (TurboFan) does not count a function's calls, and V8 lists a nested block
    // only where its count differs from the enclosing one: which blocks a report lists would
    // depend on what the thread ran before. Without TurboFan the reports are a function of the
    // program (measured: the same program gives the same report, first or tenth in a thread),
    // at the cost of some speed. Process-wide, so only where a campaign probes coverage.
    setFlagsFromString('--max-opt=2');
    const s = new Session();
    s.connect();
    await s.post('Profiler.enable');
    // counts, reset by each take: binary mode reports a block once per process, which would make
    // a program's coverage depend on what its worker ran before
    await s.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    this.session = s;
  }

  /** what ran since the last take */
  async take(): Promise<BlockReport> {
    if (this.session === null) return {};
    const { result } = await this.session.post('Profiler.takePreciseCoverage');
    const out: BlockReport = {};
    for (const script of result) {
      const m = modelDirs.exec(script.url);
      if (m === null) continue;
      const file = script.url.slice(script.url.lastIndexOf('/src/') + 5);
      for (const f of script.functions) {
        const [whole, ...inner] = f.ranges;
        if (whole === undefined) continue;
        // a function inlined into optimized code counts no calls, but its blocks count
        if (whole.count === 0 && !inner.some((r) => r.count > 0)) continue;
        // the function's own range first, then the nested ones
        const triples: number[] = [whole.startOffset, whole.endOffset, whole.count > 0 ? 1 : 0];
        for (const r of inner) triples.push(r.startOffset, r.endOffset, r.count > 0 ? 1 : 0);
        out[`${file}:${whole.startOffset}`] = triples;
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    if (this.session === null) return;
    await this.session.post('Profiler.stopPreciseCoverage');
    this.session.disconnect();
    this.session = null;
  }
}

let threadProbe: Promise<BlockProbe> | null = null;

/**
 * This thread's probe, started at its first use and never stopped: a function compiled while
 * precise coverage is off has no block counters until V8 recompiles it, so a probe stopped and
 * started again would report less for code that ran in between.
 */
export function probeOfThread(): Promise<BlockProbe> {
  threadProbe ??= (async () => {
    const p = new BlockProbe();
    await p.start();
    return p;
  })();
  return threadProbe;
}

/** Everything covered so far: functions that ran, blocks seen and whether any program ran them. */
export class CoverageMap {
  private readonly fns = new Set<string>();
  /** function -> block `start-end` -> ran in some program */
  private readonly blocks = new Map<string, Map<string, boolean>>();
  private readonly features = new Set<string>();
  private covered = 0;

  /** blocks that ran */
  get units(): number {
    return this.covered;
  }

  /** outcome features and signatures seen */
  get featureCount(): number {
    return this.features.size;
  }

  /** Merge one program's coverage; returns how many units and features were new. */
  add(report: BlockReport, features: readonly string[]): number {
    let fresh = 0;
    for (const f of features) {
      if (this.features.has(f)) continue;
      this.features.add(f);
      fresh++;
    }
    for (const [fn, triples] of Object.entries(report)) {
      // a function's own call count is not a unit: it misses the calls of optimized code that
      // inlined it, which depends on what ran before in the process
      this.fns.add(fn);
      let known = this.blocks.get(fn);
      if (known === undefined) {
        known = new Map();
        this.blocks.set(fn, known);
      }
      const listed: Array<{ s: number; e: number; ran: boolean }> = [];
      for (let i = 0; i < triples.length; i += 3) {
        listed.push({ s: triples[i]!, e: triples[i + 1]!, ran: triples[i + 2] === 1 });
        // the function's own range is the function unit, not a block
        const key = `${triples[i]}-${triples[i + 1]}`;
        if (i > 0 && !known.has(key)) known.set(key, false);
      }
      for (const [key, ranBefore] of known) {
        if (ranBefore) continue;
        const [s, e] = key.split('-').map(Number) as [number, number];
        // the smallest listed range around the block (itself included), else the function: it ran
        let best: { s: number; e: number; ran: boolean } | null = null;
        for (const r of listed) if (r.s <= s && e <= r.e && (best === null || r.e - r.s < best.e - best.s)) best = r;
        if (best !== null && best.ran) {
          known.set(key, true);
          this.covered++;
          fresh++;
        }
      }
    }
    return fresh;
  }

  /** everything another map covered (a merge of shards) */
  merge(other: CoverageMap): void {
    for (const f of other.fns) this.fns.add(f);
    for (const f of other.features) this.features.add(f);
    for (const [fn, m] of other.blocks) {
      let mine = this.blocks.get(fn);
      if (mine === undefined) {
        mine = new Map();
        this.blocks.set(fn, mine);
      }
      for (const [k, ran] of m) {
        const had = mine.get(k);
        if (ran && had !== true) this.covered++;
        mine.set(k, had === true || ran);
      }
    }
  }

  toJSON(): { fns: string[]; blocks: Array<[string, string[], string[]]>; features: string[] } {
    return {
      fns: [...this.fns],
      blocks: [...this.blocks].map(([fn, m]) => {
        const ran = [...m].filter(([, r]) => r).map(([k]) => k);
        return [fn, ran, [...m].filter(([, r]) => !r).map(([k]) => k)];
      }),
      features: [...this.features],
    };
  }

  static fromJSON(j: ReturnType<CoverageMap['toJSON']>): CoverageMap {
    const c = new CoverageMap();
    for (const f of j.fns) c.fns.add(f);
    for (const [fn, ran, not] of j.blocks) {
      const m = new Map<string, boolean>();
      for (const k of ran) m.set(k, true);
      for (const k of not) m.set(k, false);
      c.blocks.set(fn, m);
      c.covered += ran.length;
    }
    for (const f of j.features) c.features.add(f);
    return c;
  }
}
