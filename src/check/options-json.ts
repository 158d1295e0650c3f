// CheckOptions as plain JSON (checkpoints and shard files carry them; Infinity is null), and
// back with every field checked.
import { bool, DataError, int, list, obj, str } from '../explorer/parallel/data.js';
import { type FaultPhase, faultPhases } from '../rt/execution.js';
import { type CheckOptions, strategyNames } from './check.js';

export type CheckOptionsJson = Omit<CheckOptions, 'preemptionBound'> & { readonly preemptionBound: number | null };

export function optionsToJson(o: CheckOptions): CheckOptionsJson {
  return { ...o, preemptionBound: Number.isFinite(o.preemptionBound) ? o.preemptionBound : null };
}

const strategies: string[] = [...strategyNames];
const faultModes = ['scenario', 'none', 'nth', 'choice'];

export function optionsFromJson(v: unknown, path: string): CheckOptions {
  const o = obj(v, path);
  const oneOf = (f: string, allowed: string[]) => {
    if (!allowed.includes(o[f] as string)) throw new DataError(`${path}.${f}: expected one of ${allowed.join(', ')}`);
    return o[f] as never;
  };
  return {
    strategy: oneOf('strategy', strategies),
    seed: int(o.seed, `${path}.seed`),
    executions: int(o.executions, `${path}.executions`, 1),
    preemptionBound: o.preemptionBound === null ? Number.POSITIVE_INFINITY : int(o.preemptionBound, `${path}.preemptionBound`),
    pctDepth: int(o.pctDepth, `${path}.pctDepth`, 1),
    faults: oneOf('faults', faultModes),
    maxFailures: int(o.maxFailures, `${path}.maxFailures`, 1),
    faultPhases: list(o.faultPhases, `${path}.faultPhases`).map((p, i) => {
      if (!faultPhases.includes(p as FaultPhase)) throw new DataError(`${path}.faultPhases[${i}]: expected one of ${faultPhases.join(', ')}`);
      return p as FaultPhase;
    }),
    faultSites: list(o.faultSites, `${path}.faultSites`).map((f, i) => str(f, `${path}.faultSites[${i}]`)),
    skipFaultSites: list(o.skipFaultSites, `${path}.skipFaultSites`).map((f, i) => str(f, `${path}.skipFaultSites[${i}]`)),
    warnFails: bool(o.warnFails, `${path}.warnFails`),
    maxExecutions: int(o.maxExecutions, `${path}.maxExecutions`, 1),
    timeLimitMs: int(o.timeLimitMs, `${path}.timeLimitMs`, 1),
    minimize: bool(o.minimize, `${path}.minimize`),
  };
}

/** The names of the options that differ, for "shards were run with different options". */
export function optionsDiff(a: CheckOptions, b: CheckOptions): string[] {
  const ja = optionsToJson(a) as unknown as Record<string, unknown>;
  const jb = optionsToJson(b) as unknown as Record<string, unknown>;
  return Object.keys(ja).filter((k) => JSON.stringify(ja[k]) !== JSON.stringify(jb[k]));
}
