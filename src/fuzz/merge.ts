// Merging the outputs of several fuzz runs (the shards of a cluster: `--shard i/n` on each
// machine): crash folders by signature (where two runs minimized the same bug, the smaller
// reproducer stays), signatures (counts added, the earliest time kept), coverage (union), into
// one output folder with its own summary.json. A crash folder's cause subfolders
// (crashes/SIGNATURE/CAUSE/, cause.ts) are merged the same way, each on its own.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CampaignState } from './campaign.js';
import { CoverageMap } from './coverage.js';
import type { Summary, SummarySignature } from './crashes.js';
import { isFuzzOutput, OutputError, prepareOutput, writeAtomic } from './output.js';
import { signatureKey } from './sigkey.js';

interface CrashMeta {
  readonly minimized: boolean;
  readonly size: number;
  readonly rawSignatures: readonly string[];
}

function readMeta(dir: string): CrashMeta | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as CrashMeta;
  } catch {
    return null;
  }
}

/** is crash folder a better reproducer than b? minimized first, then smaller, then by raw signature */
function better(a: CrashMeta, b: CrashMeta): boolean {
  if (a.minimized !== b.minimized) return a.minimized;
  if (a.size !== b.size) return a.size < b.size;
  return (a.rawSignatures[0] ?? '') < (b.rawSignatures[0] ?? '');
}

/** a crash folder into its place in the output (the better reproducer stays), and each of its cause subfolders */
function mergeCrash(from: string, to: string): void {
  const a = readMeta(from);
  const b = existsSync(to) ? readMeta(to) : null;
  if (a !== null && (b === null || better(a, b))) {
    mkdirSync(to, { recursive: true });
    for (const f of readdirSync(from)) if (!statSync(join(from, f)).isDirectory()) cpSync(join(from, f), join(to, f));
  }
  for (const sub of readdirSync(from)) {
    const inner = join(from, sub);
    if (!statSync(inner).isDirectory()) continue;
    const there = join(to, sub);
    const c = readMeta(inner);
    const d = existsSync(there) ? readMeta(there) : null;
    if (c === null || (d !== null && !better(c, d))) continue;
    if (d !== null) rmSync(there, { recursive: true, force: true });
    cpSync(inner, there, { recursive: true });
  }
}

export function mergeOutputs(inputs: readonly string[], out: string, force: boolean): Summary {
  for (const i of inputs) if (!isFuzzOutput(i)) throw new OutputError(`${i}: not an iommulab fuzz output (no .iommulab-fuzz)`);
  prepareOutput(out, force);
  const coverage = new CoverageMap();
  const sigs = new Map<string, SummarySignature & { count: number }>();
  let programs = 0;
  let executions = 0;
  let elapsed = 0;
  let corpus = 0;
  const seeds = new Set<number>();
  const faults = new Set<string>();
  for (const input of inputs) {
    const summary = JSON.parse(readFileSync(join(input, 'summary.json'), 'utf8')) as Summary;
    programs += summary.programs;
    executions += summary.executions;
    elapsed = Math.max(elapsed, summary.elapsedSeconds);
    corpus += summary.corpus;
    seeds.add(summary.seed);
    for (const f of summary.faults) faults.add(f);
    if (existsSync(join(input, 'state.json'))) {
      const state = JSON.parse(readFileSync(join(input, 'state.json'), 'utf8')) as CampaignState;
      const c = CoverageMap.fromJSON(state.coverage);
      coverage.merge(c);
    }
    // by key (sigkey.ts): two shards that saw one report under other names merge
    for (const s of summary.signatures) {
      const key = signatureKey(s.signature);
      const old = sigs.get(key);
      if (old === undefined) {
        sigs.set(key, { ...s, key });
        continue;
      }
      const earlier = s.firstSeconds < old.firstSeconds ? s : old;
      const crashDir = old.crashDir ?? s.crashDir;
      // the causes of both runs, each with its earliest sighting
      const causes = new Map((old.causes ?? []).map((c) => [c.cause, c]));
      for (const c of s.causes ?? []) {
        const o = causes.get(c.cause);
        if (o === undefined || c.firstSeconds < o.firstSeconds) {
          causes.set(c.cause, { ...c, crashDir: o?.crashDir ?? c.crashDir });
        }
      }
      const merged = [...causes.values()].filter((c) => c.cause !== earlier.cause);
      const more = merged.length === 0 ? {} : { causes: merged };
      const names = new Set([old.signature, ...(old.variants ?? []), s.signature, ...(s.variants ?? [])]);
      names.delete(earlier.signature);
      const variants = names.size === 0 ? {} : { variants: [...names] };
      sigs.set(key, { ...earlier, key, count: old.count + s.count, known: old.known || s.known, crashDir, ...more, ...variants });
    }
    const crashes = join(input, 'crashes');
    if (!existsSync(crashes)) continue;
    for (const name of readdirSync(crashes)) mergeCrash(join(crashes, name), join(out, 'crashes', name));
  }
  const signatures = [...sigs.values()].sort((a, b) => a.firstSeconds - b.firstSeconds || (a.signature < b.signature ? -1 : 1));
  const summary: Summary = {
    format: 'iommulab-fuzz',
    version: 1,
    seed: [...seeds][0] ?? 0,
    shard: `merged from ${inputs.length} runs`,
    faults: [...faults],
    programs,
    executions,
    elapsedSeconds: elapsed,
    coverage: { units: coverage.units, features: coverage.featureCount },
    corpus,
    bugs: new Set(signatures.filter((s) => !s.known).map((s) => signatureKey(s.canonical ?? s.signature))).size,
    rawSignatures: signatures.reduce((n, s) => n + 1 + (s.variants ?? []).length, 0),
    signatures,
  };
  writeAtomic(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}
