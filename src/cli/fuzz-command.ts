// `iommulab fuzz` and `iommulab fuzz-merge`: flags to options, progress on a terminal, the
// summary as text or JSON, Ctrl-C to stop (the state is saved; --resume goes on).
import { isBooleanPatch, isPatchName, type PatchSetting } from '../core/patches.js';
import { driverNames } from '../drivers/registry.js';
import {
  defaultFuzzConfig,
  type FuzzConfig,
  type FuzzFaults,
  fuzz,
  loadFuzzConfig,
  loadKnown,
  mergeOutputs,
  type Progress,
  readState,
  type Shard,
  type Summary,
} from '../fuzz/index.js';
import { UsageError } from './check-command.js';

export interface FuzzFlags {
  timeLimit?: number;
  programs?: number;
  seed?: number;
  workers: number;
  out: string;
  faults?: string;
  driver?: string[];
  known?: string;
  config?: string;
  resume?: string;
  shard?: Shard;
  patch?: string[];
  json?: boolean;
  force?: boolean;
}

/** flags a resumed campaign takes from its state */
const campaignFlags = ['seed', 'faults', 'driver', 'config', 'shard', 'patch'] as const;

function parseFaults(v: string | undefined): FuzzFaults[] {
  // by default both modes, on the config's share of programs (search.faultShare)
  if (v === undefined) return ['nth', 'choice'];
  if (v === 'none') return [];
  const parts = v.split(',').map((s) => s.trim());
  for (const p of parts) if (p !== 'choice' && p !== 'nth') throw new UsageError(`--faults: "${p}" is not none, choice or nth (a list: choice,nth)`);
  return [...new Set(parts)] as FuzzFaults[];
}

function configOf(flags: FuzzFlags): FuzzConfig {
  let cfg = flags.config === undefined ? defaultFuzzConfig : loadFuzzConfig(flags.config);
  if (flags.driver !== undefined && flags.driver.length > 0) {
    for (const d of flags.driver) if (!driverNames.includes(d)) throw new UsageError(`--driver: no IOMMU driver "${d}" (known: ${driverNames.join(', ')})`);
    cfg = { ...cfg, drivers: Object.fromEntries(flags.driver.map((d) => [d, cfg.drivers[d] ?? 1])) };
    for (const d of flags.driver) if ((cfg.drivers[d] ?? 0) <= 0) cfg = { ...cfg, drivers: { ...cfg.drivers, [d]: 1 } };
  }
  if (flags.patch !== undefined && flags.patch.length > 0) {
    const on: PatchSetting[] = [];
    for (const p of flags.patch) {
      if (!isPatchName(p)) throw new UsageError(`--patch: no patch "${p}" (\`iommulab patches\` lists them)`);
      if (!isBooleanPatch(p)) throw new UsageError(`--patch: "${p}" takes a value; set it in a --config file (patches: [{ ${p}: VALUE }])`);
      on.push(p);
    }
    cfg = { ...cfg, patches: [...new Set([...cfg.patches, ...on])] };
  }
  return cfg;
}

function rate(n: number, ms: number): string {
  const r = ms > 0 ? (n * 1000) / ms : 0;
  return r >= 1000 ? `${(r / 1000).toFixed(1)}k` : r.toFixed(r >= 10 ? 0 : 1);
}

function count(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : String(n);
}

export function progressLine(p: Progress): string {
  const s = Math.round(p.elapsedMs / 1000);
  return (
    `[${String(Math.floor(s / 60)).padStart(3)}m${String(s % 60).padStart(2, '0')}s] programs ${p.programs} (${rate(p.programs, p.elapsedMs)}/s)  ` +
    `exec ${count(p.executions)} (${rate(p.executions, p.elapsedMs)}/s)  cover ${p.units} blocks ${p.features} outcomes  corpus ${p.corpus}  ` +
    `signatures new ${p.newSignatures} (${p.triaged} triaged${p.triaging > 0 ? `, ${p.triaging} in triage` : ''}) known ${p.knownSignatures}` +
    (p.causes > 0 ? `  further causes ${p.causes} (${p.causesTriaged} triaged)` : '')
  );
}

export function summaryText(s: Summary, out: string, stopped: string): string {
  const lines = [
    `iommulab fuzz: ${s.programs} programs, ${s.executions} executions in ${s.elapsedSeconds}s (seed ${s.seed}${s.shard === null ? '' : `, shard ${s.shard}`}; stopped: ${stopped})`,
    `coverage: ${s.coverage.units} blocks, ${s.coverage.features} outcomes; corpus ${s.corpus}`,
    `signatures: ${s.signatures.filter((x) => !x.known).length} new (${s.bugs} after minimization), ${s.signatures.filter((x) => x.known).length} known; ${s.rawSignatures} with the names as reported`,
  ];
  for (const x of s.signatures) {
    const tag = x.known ? `known${x.note === undefined ? '' : ` (${x.note})`}` : 'NEW';
    lines.push(`  ${tag.padEnd(5)} ${x.canonical ?? x.signature}`);
    lines.push(`        first at ${x.firstSeconds}s (program ${x.firstProgram}), ${x.count} execution(s)${x.crashDir === null ? '' : `; ${out}/${x.crashDir}/`}`);
    for (const c of x.causes ?? []) {
      lines.push(`        also ${c.cause}: first at ${c.firstSeconds}s (program ${c.firstProgram})${c.crashDir === null ? '' : `; ${out}/${c.crashDir}/`}`);
    }
  }
  lines.push(`state: ${out}/state.json (iommulab fuzz --resume ${out}/state.json goes on)`);
  return lines.join('\n');
}

export async function runFuzz(flags: FuzzFlags, given: (flag: string) => boolean): Promise<number> {
  const resume = flags.resume === undefined ? null : readState(flags.resume);
  if (resume !== null) {
    const bad = campaignFlags.find((f) => given(f));
    if (bad !== undefined) throw new UsageError(`--resume continues the campaign of ${flags.resume} (its seed, faults, drivers, config, shard and patches); do not give --${bad}`);
  }
  const config = resume === null ? configOf(flags) : resume.spec.config;
  const known = loadKnown(flags.known);
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write('\niommulab fuzz: stopping (saving the state; Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const tty = process.stderr.isTTY === true && flags.json !== true;
  try {
    const run = await fuzz({
      ...(flags.seed === undefined ? {} : { seed: flags.seed }),
      workers: flags.workers,
      timeLimitMs: flags.timeLimit === undefined ? null : flags.timeLimit * 1000,
      maxPrograms: flags.programs ?? null,
      faults: parseFaults(flags.faults),
      config,
      known,
      out: flags.out,
      force: flags.force === true,
      resume,
      shard: flags.shard ?? null,
      signal: controller.signal,
      ...(tty ? { onProgress: (p: Progress) => process.stderr.write(`\r${progressLine(p)}\x1b[K`) } : {}),
    });
    if (tty) process.stderr.write('\n');
    if (flags.json === true) console.log(JSON.stringify(run.summary, null, 2));
    else console.log(summaryText(run.summary, flags.out, run.stopped));
    if (run.stopped === 'signal') return 130;
    return run.summary.signatures.some((s) => !s.known) ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export function runFuzzMerge(inputs: readonly string[], flags: { out: string; json?: boolean; force?: boolean }): number {
  const s = mergeOutputs(inputs, flags.out, flags.force === true);
  if (flags.json === true) console.log(JSON.stringify(s, null, 2));
  else console.log(summaryText(s, flags.out, 'merged'));
  return s.signatures.some((x) => !x.known) ? 1 : 0;
}

export { defaultFuzzConfig };
