// crashes/SIGNATURE/: what a user needs for one bug, like syzkaller's crash folders: the
// reproducer (a scenario file `iommulab check` runs), the report (the replayed execution with
// its splat, allocation and free stacks and trace), the signature, and meta.json (when and how
// often it was seen, the raw signatures it stands for, how the check confirmed it). A signature
// seen with more than one cause (cause.ts) has one subfolder per further cause,
// crashes/SIGNATURE/CAUSE/ (`alone`, `with-register`, `alone-fault`, ...), with the same four
// files: one report, two bugs to read.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ViolationKind } from '../rt/violation.js';
import type { IommuScenarioSpec } from '../scenarios/iommu/spec.js';
import type { CampaignState, CauseRecord, SignatureRecord } from './campaign.js';
import { causeDirName } from './cause.js';
import { finalize } from './finalize.js';
import type { KnownSet } from './known.js';
import { crashDirName, writeAtomic } from './output.js';
import { reproducerYaml } from './reproducer.js';
import { signatureKey } from './sigkey.js';
import { scenarioName, type TriageOutput } from './triage.js';

interface Meta {
  readonly signature: string;
  readonly rawSignatures: readonly string[];
  /** what else was going on when it was reported (cause.ts) */
  readonly cause?: string;
  readonly kind: string;
  readonly minimized: boolean;
  readonly size: number;
  readonly schedule: string;
  readonly replay: string;
  readonly check: TriageOutput['check'];
  readonly firstProgram: number;
  readonly firstSeconds: number;
  readonly triagedSeconds: number | null;
  /** what the triage ran: executions by phase, and its wall seconds (load-dependent) */
  readonly triage?: { readonly executions: Record<string, number>; readonly seconds: number };
}

function triageCostMeta(t: TriageOutput): Meta['triage'] {
  const c = t.cost;
  const seconds = Object.values(c.ms).reduce((a, b) => a + b, 0) / 1000;
  return {
    executions: { probe: c.probe, minimize: c.minimize, rename: c.rename, schedule: c.schedule, confirm: c.confirm },
    seconds: Math.round(seconds * 10) / 10,
  };
}

function header(sig: string, schedule: string, check: TriageOutput['check'], minimized: boolean, cause?: string): string[] {
  return [
    `iommulab fuzz reproducer${minimized ? '' : ' (not minimized: the run ended before triage)'}`,
    `signature: ${sig}`,
    ...(cause === undefined ? [] : [`cause:     ${cause}`]),
    `replay:    iommulab replay repro.yaml ${schedule}`,
    ...(check === null ? [] : [`check:     ${check.command}${check.matches ? '' : '   (did not find it: replay the schedule)'}`]),
  ];
}

/** Write (or keep the smaller of two) crash folders of one canonical signature; returns the folder name. */
export function writeCrash(out: string, rec: SignatureRecord, t: TriageOutput, all: readonly SignatureRecord[]): string {
  const name = crashDirName(t.signature);
  const dir = join(out, 'crashes', name);
  const size = t.program.threads.reduce((n, th) => n + th.ops.length, 0);
  // every signature (name variants too: sigkey.ts) whose triage gave this one
  const mine = all.filter((s) => s.canonical === t.signature || s === rec);
  const raws = [...new Set(mine.flatMap((s) => [s.signature, ...(s.variants ?? [])]))].sort();
  if (existsSync(join(dir, 'meta.json'))) {
    const old = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta;
    const merged = [...new Set([...old.rawSignatures, ...raws])].sort();
    // the smaller reproducer stays (ties: the one from the lexicographically first raw signature)
    const keepOld = old.minimized && (old.size < size || (old.size === size && (old.rawSignatures[0] ?? '') <= rec.signature));
    if (keepOld) {
      writeAtomic(join(dir, 'meta.json'), `${JSON.stringify({ ...old, rawSignatures: merged }, null, 2)}\n`);
      return name;
    }
  }
  mkdirSync(dir, { recursive: true });
  writeAtomic(join(dir, 'repro.yaml'), reproducerYaml(t.spec, header(t.signature, t.schedule, t.check, true, t.cause)));
  writeAtomic(join(dir, 'report.txt'), `${t.signature}\n\n${t.report}\n`);
  writeAtomic(join(dir, 'signature.txt'), `${t.signature}\n`);
  const meta: Meta = {
    signature: t.signature,
    rawSignatures: raws,
    cause: t.cause,
    kind: t.kind,
    minimized: t.reproduced,
    size,
    schedule: t.schedule,
    replay: `iommulab replay repro.yaml ${t.schedule}`,
    check: t.check,
    firstProgram: rec.firstProgram,
    firstSeconds: Math.round(rec.firstMs / 100) / 10,
    triagedSeconds: rec.triagedMs === null ? null : Math.round(rec.triagedMs / 100) / 10,
    triage: triageCostMeta(t),
  };
  writeAtomic(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return name;
}

/**
 * Write (or keep the smaller of two) the reproducer of a further cause of a signature, in
 * crashes/CANONICAL/CAUSE/; returns that folder (relative to crashes/).
 */
export function writeCauseCrash(out: string, rec: SignatureRecord, c: CauseRecord, t: TriageOutput): string {
  const name = `${crashDirName(t.signature)}/${causeDirName(c.cause)}`;
  const dir = join(out, 'crashes', name);
  const size = t.program.threads.reduce((n, th) => n + th.ops.length, 0);
  if (existsSync(join(dir, 'meta.json'))) {
    const old = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta;
    const merged = [...new Set([...old.rawSignatures, rec.signature])].sort();
    const keepOld = old.minimized && (old.size < size || (old.size === size && (old.rawSignatures[0] ?? '') <= rec.signature));
    if (keepOld) {
      writeAtomic(join(dir, 'meta.json'), `${JSON.stringify({ ...old, rawSignatures: merged }, null, 2)}\n`);
      return name;
    }
  }
  mkdirSync(dir, { recursive: true });
  writeAtomic(join(dir, 'repro.yaml'), reproducerYaml(t.spec, header(t.signature, t.schedule, t.check, true, c.cause)));
  writeAtomic(join(dir, 'report.txt'), `${t.signature}\ncause: ${c.cause}\n\n${t.report}\n`);
  writeAtomic(join(dir, 'signature.txt'), `${t.signature}\n`);
  const meta: Meta = {
    signature: t.signature, rawSignatures: [rec.signature], cause: c.cause, kind: t.kind, minimized: t.reproduced, size,
    schedule: t.schedule, replay: `iommulab replay repro.yaml ${t.schedule}`, check: t.check, firstProgram: c.firstProgram,
    firstSeconds: Math.round(c.firstMs / 100) / 10,
    triagedSeconds: c.triagedMs === null ? null : Math.round(c.triagedMs / 100) / 10,
    triage: triageCostMeta(t),
  };
  writeAtomic(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return name;
}

/** remove a further cause's folder (a clearer cause replaced it), unless another signature's reproducer is kept there too */
export function dropCauseCrash(out: string, name: string, signature: string): void {
  const dir = join(out, 'crashes', name);
  if (!existsSync(join(dir, 'meta.json'))) return;
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta;
  if (meta.rawSignatures.some((s) => s !== signature)) return;
  rmSync(dir, { recursive: true, force: true });
}

/** a further cause the run had no time to triage: the program that showed it, as found */
function writeUntriagedCause(out: string, rec: SignatureRecord, c: CauseRecord): string {
  // beside the signature's own folder (its canonical one once triaged)
  const parent = rec.crashDir !== null && rec.crashDir !== '' ? rec.crashDir : crashDirName(rec.signature);
  const name = `${parent}/${causeDirName(c.cause)}`;
  const dir = join(out, 'crashes', name);
  if (existsSync(join(dir, 'meta.json'))) return name;
  writeAsFound(dir, rec.signature, c.witness, c.program, c.cause);
  const meta: Meta = {
    signature: rec.signature, rawSignatures: [rec.signature], cause: c.cause, kind: c.witness.kind, minimized: false,
    size: c.program.threads.reduce((n, th) => n + th.ops.length, 0), schedule: c.witness.schedule,
    replay: `iommulab replay repro.yaml ${c.witness.schedule}`, check: null, firstProgram: c.firstProgram,
    firstSeconds: Math.round(c.firstMs / 100) / 10, triagedSeconds: null,
  };
  writeAtomic(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return name;
}

/** repro.yaml, report.txt and signature.txt of a program as found */
function writeAsFound(dir: string, signature: string, w: SignatureRecord['witness'], program: SignatureRecord['program'], cause: string | undefined): void {
  const { spec: plain } = finalize(program, scenarioName(signature), `iommulab fuzz: ${signature}`.slice(0, 200));
  const spec: IommuScenarioSpec = {
    ...plain,
    description: `Found by iommulab fuzz, not minimized (signature: ${signature}). Replay: iommulab replay repro.yaml ${w.schedule}.`,
    expect: { violations: [(w.kind === 'model-error' ? 'bug' : w.kind) as ViolationKind] },
    ...(w.faults.mode === 'none' ? {} : { faults: w.faults.mode === 'nth' ? { mode: 'nth', nth: 1 } : { mode: 'choice', maxFailures: 1 } }),
  };
  mkdirSync(dir, { recursive: true });
  writeAtomic(join(dir, 'repro.yaml'), reproducerYaml(spec, header(signature, w.schedule, null, false, cause)));
  writeAtomic(join(dir, 'report.txt'), `${signature}\n\n${w.splat}\n`);
  writeAtomic(join(dir, 'signature.txt'), `${signature}\n`);
}

/** a signature the run had no time to triage: the program that showed it, as found */
function writeUntriaged(out: string, rec: SignatureRecord): string {
  const name = crashDirName(rec.signature);
  const dir = join(out, 'crashes', name);
  if (existsSync(join(dir, 'meta.json'))) return name;
  const w = rec.witness;
  writeAsFound(dir, rec.signature, w, rec.program, rec.cause);
  const meta: Meta = {
    signature: rec.signature, rawSignatures: [rec.signature], ...(rec.cause === undefined ? {} : { cause: rec.cause }),
    kind: w.kind, minimized: false,
    size: rec.program.threads.reduce((n, th) => n + th.ops.length, 0), schedule: w.schedule,
    replay: `iommulab replay repro.yaml ${w.schedule}`, check: null, firstProgram: rec.firstProgram,
    firstSeconds: Math.round(rec.firstMs / 100) / 10, triagedSeconds: null,
  };
  writeAtomic(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return name;
}

export interface SummarySignature {
  /** as first reported, names and all */
  readonly signature: string;
  /** what the run keys it by (sigkey.ts): names replaced by placeholders */
  readonly key: string;
  /** the other signatures seen with its key (other names), in the order seen */
  readonly variants?: readonly string[];
  readonly canonical: string | null;
  readonly kind: string;
  readonly known: boolean;
  readonly note?: string;
  readonly count: number;
  readonly firstProgram: number;
  readonly firstSeconds: number;
  readonly triagedSeconds: number | null;
  readonly crashDir: string | null;
  readonly check: TriageOutput['check'];
  /** the first witness's cause, and the further causes kept (cause.ts) */
  readonly cause?: string;
  readonly causes?: readonly SummaryCause[];
}

export interface SummaryCause {
  readonly cause: string;
  readonly canonical: string | null;
  readonly firstProgram: number;
  readonly firstSeconds: number;
  readonly triagedSeconds: number | null;
  readonly crashDir: string | null;
  readonly check: TriageOutput['check'];
}

export interface Summary {
  readonly format: 'iommulab-fuzz';
  readonly version: 1;
  readonly seed: number;
  readonly shard: string | null;
  readonly faults: readonly string[];
  readonly programs: number;
  readonly executions: number;
  readonly elapsedSeconds: number;
  readonly coverage: { readonly units: number; readonly features: number };
  readonly corpus: number;
  /** distinct signature keys by their canonical (minimized) signature where triaged */
  readonly bugs: number;
  /** signatures as reported, name variants counted apart (`signatures` has one per key) */
  readonly rawSignatures: number;
  readonly signatures: readonly SummarySignature[];
}

export function summaryOf(state: CampaignState, known: KnownSet, units: number, features: number): Summary {
  const canon = new Set(state.signatures.filter((s) => !s.known).map((s) => signatureKey(s.canonical ?? s.signature)));
  return {
    format: 'iommulab-fuzz',
    version: 1,
    seed: state.spec.seed,
    shard: state.spec.shard === null ? null : `${state.spec.shard.index}/${state.spec.shard.count}`,
    faults: state.spec.faults,
    programs: state.programs,
    executions: state.executions,
    elapsedSeconds: Math.round(state.elapsedMs / 100) / 10,
    coverage: { units, features },
    corpus: state.corpus.length,
    bugs: canon.size,
    rawSignatures: state.signatures.reduce((n, s) => n + 1 + (s.variants ?? []).length, 0),
    signatures: state.signatures.map((s) => {
      const note = known.note(s.canonical ?? s.signature) ?? known.note(s.signature);
      return {
        signature: s.signature,
        key: signatureKey(s.signature),
        ...((s.variants ?? []).length === 0 ? {} : { variants: s.variants }),
        canonical: s.canonical,
        kind: s.kind,
        known: s.known,
        ...(note === undefined || note === '' ? {} : { note }),
        count: s.count,
        firstProgram: s.firstProgram,
        firstSeconds: Math.round(s.firstMs / 100) / 10,
        triagedSeconds: s.triagedMs === null ? null : Math.round(s.triagedMs / 100) / 10,
        crashDir: s.crashDir === null || s.crashDir === '' ? null : `crashes/${s.crashDir}`,
        check: s.check,
        ...(s.cause === undefined ? {} : { cause: s.cause }),
        ...((s.causes ?? []).length === 0
          ? {}
          : {
              causes: s.causes!.map((c) => ({
                cause: c.cause,
                canonical: c.canonical,
                firstProgram: c.firstProgram,
                firstSeconds: Math.round(c.firstMs / 100) / 10,
                triagedSeconds: c.triagedMs === null ? null : Math.round(c.triagedMs / 100) / 10,
                crashDir: c.crashDir === null || c.crashDir === '' ? null : `crashes/${c.crashDir}`,
                check: c.check,
              })),
            }),
      };
    }),
  };
}

/** summary.json, and a crash folder for every new signature that was not triaged */
export function writeSummary(out: string, state: CampaignState, known: KnownSet, units: number, features: number): Summary {
  for (const s of state.signatures) {
    if (s.known) continue;
    if (s.crashDir === null) s.crashDir = writeUntriaged(out, s);
    // (again where a resumed run's triage of the signature moved its folder)
    for (const c of s.causes ?? []) if (c.crashDir === null || c.triagedMs === null) c.crashDir = writeUntriagedCause(out, s, c);
  }
  const summary = summaryOf(state, known, units, features);
  writeAtomic(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}
