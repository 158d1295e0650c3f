// CheckOptions as plain JSON (checkpoints and shard files carry them; Infinity is null), and
// back with every field checked.
import { bool, DataError, int, list, obj, str } from '../explorer/parallel/data.js';
import { type FaultPhase, faultPhases } from '../rt/execution.js';
import { type CheckOptions, strategyNames } from './check.js';
import { type Bound, bounds } from './limits.js';

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
  // the bounds of the command line (check/limits.ts): a file cannot ask for what the CLI refuses
  const bounded = (f: string, b: Bound, scale = 1): number => {
    const n = int(o[f], `${path}.${f}`, b.min * scale);
    if (n > b.max * scale) throw new DataError(`${path}.${f}: ${n} is above the maximum ${b.max * scale}`);
    return n;
  };
  const known = new Set(['strategy', 'seed', 'executions', 'preemptionBound', 'pctDepth', 'faults', 'maxFailures', 'faultPhases', 'faultSites', 'skipFaultSites', 'warnFails', 'maxExecutions', 'timeLimitMs', 'maxSteps', 'minimize']);
  for (const k of Object.keys(o)) if (!known.has(k)) throw new DataError(`${path}.${k}: not an option of this iommulab`);
  return {
    strategy: oneOf('strategy', strategies),
    seed: bounded('seed', bounds.seed),
    executions: bounded('executions', bounds.executions),
    preemptionBound: o.preemptionBound === null ? Number.POSITIVE_INFINITY : bounded('preemptionBound', bounds.preemptionBound),
    pctDepth: bounded('pctDepth', bounds.pctDepth),
    faults: oneOf('faults', faultModes),
    maxFailures: bounded('maxFailures', bounds.maxFailures),
    faultPhases: list(o.faultPhases, `${path}.faultPhases`).map((p, i) => {
      if (!faultPhases.includes(p as FaultPhase)) throw new DataError(`${path}.faultPhases[${i}]: expected one of ${faultPhases.join(', ')}`);
      return p as FaultPhase;
    }),
    faultSites: list(o.faultSites, `${path}.faultSites`).map((f, i) => str(f, `${path}.faultSites[${i}]`)),
    skipFaultSites: list(o.skipFaultSites, `${path}.skipFaultSites`).map((f, i) => str(f, `${path}.skipFaultSites[${i}]`)),
    warnFails: bool(o.warnFails, `${path}.warnFails`),
    maxExecutions: bounded('maxExecutions', bounds.maxExecutions),
    timeLimitMs: bounded('timeLimitMs', bounds.timeLimit, 1000),
    maxSteps: bounded('maxSteps', bounds.maxSteps),
    minimize: bool(o.minimize, `${path}.minimize`),
  };
}

/** The names of the options that differ, for "shards were run with different options". */
export function optionsDiff(a: CheckOptions, b: CheckOptions): string[] {
  const ja = optionsToJson(a) as unknown as Record<string, unknown>;
  const jb = optionsToJson(b) as unknown as Record<string, unknown>;
  return Object.keys(ja).filter((k) => JSON.stringify(ja[k]) !== JSON.stringify(jb[k]));
}
