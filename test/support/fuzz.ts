// The CLI fuzzer (test/cli-fuzz.test.ts): mutated scenario files, option sets, checkpoints,
// shard files and schedules, each case derived from (seed, index) alone, run through the CLI's
// main() in this process, and checked for what the user must never see: a JS stack trace, an
// exit code outside the documented set, a run past its limit, a file of theirs changed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { sealRunFile } from '../../src/check/run-file.js';
import { patchRegistry } from '../../src/core/patches.js';
import { mulberry32 } from '../../src/explorer/rng.js';
import { violationKinds } from '../../src/rt/violation.js';
import { pausePointNames } from '../../src/scenarios/iommu/pause-points.js';
import { builtinScenarios } from '../../src/scenarios/registry.js';

export type Rng = () => number;

const examples = fileURLToPath(new URL('../../../examples/scenarios/', import.meta.url));

/** the corpus: the example scenario files, and the README's one */
export function corpus(): string[] {
  const files = readdirSync(examples).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => readFileSync(join(examples, f), 'utf8'));
  files.push([
    'name: reset-race',
    'summary: an FLR racing an attach on a single-device group',
    'description: The attach may fail with -EBUSY while the function is in reset; nothing may break.',
    'topology:',
    '  iommus: [{ name: smmu0 }]',
    '  pci: [{ name: ep0, bus: 0, slot: 5, ats: true }]',
    'prologue:',
    '  - { op: bind, dev: ep0, driverManagedDma: true }',
    '  - { op: claim, dev: ep0, owner: iommufd }',
    '  - { op: domainAlloc, dev: ep0, domain: D }',
    'threads:',
    '  - name: iommufd',
    '    ops: [{ op: attach, dev: ep0, domain: D, expect: [0, -EBUSY] }]',
    '  - name: reset',
    '    ops: [{ op: reset, dev: ep0, expect: 0 }]',
    'expect: pass',
    '',
  ].join('\n'));
  return files;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const oddNumbers = [0, 1, -1, 7, 255, 256, 4096, 0x7fffffff, 0x80000000, 2 ** 53, 1e308, 0.5, -16, 1 << 20];
const oddStrings = ['', 'x', 'ep0', 'ep1', 'D', 'smmu0', 'iommu-lifecycle', '-EBUSY', 'EBUSY', '-EFOO', 'x'.repeat(5000), 'π ü 中', 'a:b', 'pass', 'none', 'nth'];

function isObj(v: Json | undefined): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** every [container, key] of the tree, to pick a node to change */
function slots(root: Json): Array<[Obj | Json[], string | number]> {
  const out: Array<[Obj | Json[], string | number]> = [];
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push([v, i]);
        stack.push(x);
      });
    } else if (isObj(v)) {
      for (const k of Object.keys(v)) {
        out.push([v, k]);
        stack.push(v[k]!);
      }
    }
  }
  return out;
}

const get = (c: Obj | Json[], k: string | number): Json => (Array.isArray(c) ? c[k as number]! : c[k as string]!);
const set = (c: Obj | Json[], k: string | number, v: Json): void => {
  if (Array.isArray(c)) c[k as number] = v;
  else c[k as string] = v;
};

function scenariosOf(data: Json): Obj[] {
  if (isObj(data) && Array.isArray(data.scenarios)) return data.scenarios.filter(isObj);
  return isObj(data) ? [data] : [];
}

function threadsOf(s: Obj): Obj[] {
  return Array.isArray(s.threads) ? s.threads.filter(isObj) : [];
}

function opLists(s: Obj): Json[][] {
  const lists: Json[][] = [];
  for (const k of ['prologue', 'epilogue']) if (Array.isArray(s[k])) lists.push(s[k]);
  for (const t of threadsOf(s)) if (Array.isArray(t.ops)) lists.push(t.ops);
  return lists;
}

function deviceNames(s: Obj): string[] {
  const topo = isObj(s.topology) ? s.topology : {};
  const names: string[] = [];
  for (const k of ['pci', 'platform']) {
    const l = topo[k];
    if (Array.isArray(l)) for (const d of l) if (isObj(d) && typeof d.name === 'string') names.push(d.name);
  }
  return names;
}

/** the operations of the whole corpus: inserted elsewhere, they make scenarios that mostly still load */
export function opPoolOf(texts: readonly string[]): Obj[] {
  const pool: Obj[] = [];
  for (const t of texts) {
    for (const s of scenariosOf(parse(t, { merge: true, logLevel: 'error' }) as Json)) for (const l of opLists(s)) pool.push(...l.filter(isObj));
  }
  return pool;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** the corpus texts parsed, each once (a case changes a copy) */
const parsedCorpus = new Map<string, Json>();

function parseCorpusText(text: string): Json {
  let data = parsedCorpus.get(text);
  if (data === undefined) {
    data = parse(text, { merge: true, logLevel: 'error' }) as Json;
    parsedCorpus.set(text, data);
  }
  return structuredClone(data);
}

/** One structural change of a scenario file's data (valid or not: both are wanted). */
function mutateData(rng: Rng, data: Json, pool: readonly Obj[], heavy: boolean): void {
  const ss = scenariosOf(data);
  if (ss.length === 0) return;
  const s = pick(rng, ss);
  const lists = opLists(s);
  const devs = deviceNames(s);
  const topo = isObj(s.topology) ? s.topology : (s.topology = {});
  const pci = Array.isArray(topo.pci) ? topo.pci : (topo.pci = []);
  switch (int(rng, 0, 19)) {
    case 0: // an operation from elsewhere, on a device of this scenario
    case 1: {
      if (lists.length === 0) break;
      const op = clone(pick(rng, pool));
      if ('dev' in op && devs.length > 0) op.dev = pick(rng, devs);
      const l = pick(rng, lists);
      l.splice(int(rng, 0, l.length), 0, op);
      break;
    }
    case 2: {
      const l = lists.length > 0 ? pick(rng, lists) : [];
      if (l.length > 0) l.splice(int(rng, 0, l.length - 1), 1);
      break;
    }
    case 3: { // another thread
      const threads = Array.isArray(s.threads) ? s.threads : (s.threads = []);
      const ops = Array.from({ length: int(rng, 1, 3) }, () => clone(pick(rng, pool)));
      threads.push({ name: `t${int(rng, 0, 9)}`, ops });
      break;
    }
    case 4: { // a long program: a thread's operations many times over
      const t = threadsOf(s);
      if (t.length === 0 || !Array.isArray(t[0]!.ops)) break;
      const ops = t[0]!.ops;
      const n = pick(rng, heavy ? [10, 100, 1000, 3000] : [3, 10, 30, 100]);
      t[0]!.ops = Array.from({ length: n }, (_, i) => clone(ops[i % Math.max(1, ops.length)] ?? { op: 'bind', dev: 'ep0' }));
      break;
    }
    case 5: { // many devices
      const n = pick(rng, heavy ? [3, 30, 300, 1500] : [2, 4, 8, 16]);
      for (let i = 0; i < n; i++) pci.push({ name: `fz${i}`, bus: 10 + (i >> 8), slot: (i >> 3) & 31, fn: i & 7, multifunction: true });
      break;
    }
    case 6: { // bridges, cycles among them likely
      for (let i = int(rng, 1, 4); i > 0; i--) {
        const bridge: Obj = { secondary: int(rng, 0, 5) };
        if (rng() < 0.3) bridge.kind = pick(rng, ['pcie-port', 'pcie-to-pci', 'other']);
        pci.push({ name: `br${int(rng, 0, 99)}`, bus: int(rng, 0, 5), slot: int(rng, 0, 31), bridge });
      }
      break;
    }
    case 7: { // a device moved behind a bridge or to another bus
      const d = pci.filter(isObj);
      if (d.length > 0) pick(rng, d).bus = int(rng, 0, 5);
      break;
    }
    case 8: // odd numbers anywhere
    case 9: {
      const nums = slots(data).filter(([c, k]) => typeof get(c, k) === 'number');
      if (nums.length > 0) {
        const [c, k] = pick(rng, nums);
        set(c, k, pick(rng, oddNumbers));
      }
      break;
    }
    case 10: {
      const strs = slots(data).filter(([c, k]) => typeof get(c, k) === 'string');
      if (strs.length > 0) {
        const [c, k] = pick(rng, strs);
        set(c, k, rng() < 0.5 && devs.length > 0 ? pick(rng, devs) : pick(rng, oddStrings));
      }
      break;
    }
    case 11: { // a key gone
      const keys = slots(data).filter(([c]) => !Array.isArray(c));
      if (keys.length > 0) {
        const [c, k] = pick(rng, keys);
        delete (c as Obj)[k as string];
      }
      break;
    }
    case 12: { // a value of another type
      const all = slots(data);
      if (all.length > 0) {
        const [c, k] = pick(rng, all);
        set(c, k, pick(rng, [[], {}, null, true, 'str', 3, [[[]]], { op: 'bind' }] as Json[]));
      }
      break;
    }
    case 13:
      s.expect = pick(rng, [
        'pass',
        { pass: true },
        { violations: Array.from({ length: int(rng, 1, 3) }, () => pick(rng, [...violationKinds, 'oops'])) },
        { violations: [] },
        'fail',
      ] as Json[]);
      break;
    case 14:
      s.faults = pick(rng, [{ mode: 'nth' }, { mode: 'choice', maxFailures: pick(rng, [1, 2, 1000, 0, -1]) }, { mode: 'none' }, { mode: 'all' }] as Json[]);
      break;
    case 15:
      s.patches = Array.from({ length: int(rng, 1, 3) }, () => (rng() < 0.8 ? pick(rng, patchRegistry).name : 'noSuchPatch'));
      break;
    case 16:
      topo.pausePoints = [pick(rng, [...pausePointNames, 'nowhere'])];
      if (lists.length > 0) pick(rng, lists).push(pick(rng, [{ op: 'signal', event: `${pick(rng, pausePointNames)}:resume` }, { op: 'wait', event: pick(rng, pausePointNames) }] as Json[]));
      break;
    case 17: { // nesting
      const all = slots(data);
      if (all.length > 0) {
        const [c, k] = pick(rng, all);
        let v = get(c, k);
        for (let i = pick(rng, [2, 10, 70, 200]); i > 0; i--) v = rng() < 0.5 ? [v] : { a: v };
        set(c, k, v);
      }
      break;
    }
    case 18: // a built-in's name (a clash when checked beside it), or an odd name
      s.name = rng() < 0.5 ? pick(rng, builtinScenarios).name : pick(rng, ['', 'a b', 'x:y', '-x', 'ok.name_1+2']);
      break;
    default: { // a device named twice, or a reference to one that is not there
      if (devs.length > 0 && pci.length > 0) {
        const d = pick(rng, pci.filter(isObj));
        if (d !== undefined) d.name = rng() < 0.5 ? pick(rng, devs) : 'ghost';
      }
    }
  }
}

/** One textual change: what a bad edit, a truncated copy or a stray character does. */
function mutateText(rng: Rng, text: string): string {
  const lines = text.split('\n');
  const at = int(rng, 0, Math.max(0, lines.length - 1));
  switch (int(rng, 0, 8)) {
    case 0:
      return text.slice(0, int(rng, 0, text.length));
    case 1:
      lines.splice(at, 1);
      break;
    case 2:
      lines.splice(at, 0, lines[at] ?? '');
      break;
    case 3: {
      const p = int(rng, 0, text.length);
      return text.slice(0, p) + pick(rng, ['\t', ':', '-', '[', '{', ']', '}', '&a ', '*a', '<<: ', '"', '\'', '#', '\0', '\u00ff', '%', '!!binary ', '? ']) + text.slice(p);
    }
    case 4: {
      const b = int(rng, 0, Math.max(0, lines.length - 1));
      [lines[at], lines[b]] = [lines[b] ?? '', lines[at] ?? ''];
      break;
    }
    case 5:
      lines[at] = ` ${lines[at] ?? ''}`;
      break;
    case 6:
      return `${text}\n---\n${text}`;
    case 7:
      return `%YAML 1.1\n${text}`;
    default:
      lines[at] = (lines[at] ?? '').replace(/\d+/, String(pick(rng, oddNumbers)));
  }
  return lines.join('\n');
}

/** A change that keeps a scenario loadable (mostly), so that its search runs under the options. */
function gentle(rng: Rng, data: Json, heavy: boolean): void {
  const ss = scenariosOf(data);
  if (ss.length === 0) return;
  const s = pick(rng, ss);
  const threads = threadsOf(s);
  switch (int(rng, 0, 5)) {
    case 0: { // a thread once more, under another name
      if (threads.length === 0 || !Array.isArray(s.threads)) break;
      const t = clone(pick(rng, threads));
      t.name = `copy${int(rng, 0, 99)}`;
      s.threads.push(t);
      break;
    }
    case 1: { // devices nothing uses (setup and every invariant check grow with them)
      const topo = isObj(s.topology) ? s.topology : (s.topology = {});
      const pci = Array.isArray(topo.pci) ? topo.pci : (topo.pci = []);
      const n = pick(rng, heavy ? [5, 100, 1500] : [2, 6, 16]);
      for (let i = 0; i < n; i++) pci.push({ name: `fz${i}`, bus: 10 + (i >> 8), slot: (i >> 3) & 31, fn: i & 7, multifunction: true });
      break;
    }
    case 2:
      s.expect = rng() < 0.5 ? 'pass' : { violations: [pick(rng, violationKinds)] };
      break;
    case 3:
      s.faults = pick(rng, [{ mode: 'nth' }, { mode: 'choice', maxFailures: 1 }, { mode: 'none' }] as Json[]);
      break;
    case 4: // patch toggles: a setting of its own, or one more variant (sometimes a bad one)
      if (rng() < 0.5) s.patches = [pick(rng, patchSettings)];
      else s.variants = [...(Array.isArray(s.variants) ? s.variants : []), { patches: [pick(rng, patchSettings)], expect: rng() < 0.5 ? 'pass' : { violations: ['invariant'] } }];
      break;
    default: // as it is: the options do the rest
  }
}

/** a string that YAML reads back as the same string unquoted */
const plainSafe = /^[A-Za-z_][A-Za-z0-9_.\-]*$/;
/** words YAML 1.1 or 1.2 reads as something else (a file may get a %YAML 1.1 directive) */
const yamlWords = /^(?:true|false|null|yes|no|on|off|y|n|nan|inf)$/i;

function scalar(v: Json): string {
  if (typeof v === 'string') return plainSafe.test(v) && !yamlWords.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v);
}

/**
 * Data as block-style YAML, as people write scenario files: a few times cheaper than the yaml
 * library's stringify, which built a document of nodes for every case. Strings are plain where
 * that reads back the same, else double-quoted (JSON's escapes are YAML's).
 */
export function toYaml(data: Json): string {
  const out: string[] = [];
  const block = (v: Json, indent: string): void => {
    if (Array.isArray(v)) {
      for (const x of v) {
        if ((Array.isArray(x) && x.length > 0) || (isObj(x) && Object.keys(x).length > 0)) {
          out.push(`${indent}-`);
          block(x, `${indent}  `);
        } else {
          out.push(`${indent}- ${flat(x)}`);
        }
      }
    } else if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) {
        const key = scalar(k);
        if ((Array.isArray(x) && x.length > 0) || (isObj(x) && Object.keys(x).length > 0)) {
          out.push(`${indent}${key}:`);
          block(x, `${indent}  `);
        } else {
          out.push(`${indent}${key}: ${flat(x)}`);
        }
      }
    }
  };
  const flat = (v: Json): string => (Array.isArray(v) ? '[]' : isObj(v) ? '{}' : scalar(v));
  if ((Array.isArray(data) && data.length > 0) || (isObj(data) && Object.keys(data).length > 0)) block(data, '');
  else out.push(flat(data));
  return `${out.join('\n')}\n`;
}

export function mutateScenario(rng: Rng, texts: readonly string[], pool: readonly Obj[], heavy: boolean): string {
  const original = pick(rng, texts);
  if (rng() < 0.35) {
    const data = parseCorpusText(original);
    gentle(rng, data, heavy);
    return toYaml(data);
  }
  // the file as text, or as data (parsed, changed, not yet written out): consecutive structural
  // changes work on the data, which is written out only for a change of the text or at the end
  let text: string | null = original;
  let data: Json | undefined;
  const asData = (): Json => {
    if (text === original) data = parseCorpusText(original);
    else if (text !== null) data = parse(text, { merge: true, logLevel: 'error' }) as Json;
    text = null;
    return data!;
  };
  const asText = (): string => (text ??= toYaml(data!));
  const rounds = int(rng, 1, 4);
  for (let r = 0; r < rounds; r++) {
    if (rng() < 0.7) {
      let d: Json;
      try {
        d = asData();
      } catch {
        text = mutateText(rng, asText());
        continue;
      }
      mutateData(rng, d, pool, heavy);
    } else {
      text = mutateText(rng, asText());
    }
  }
  return asText();
}

/** A number option's value: mostly sane, sometimes at or past its bound, sometimes not a number. */
function value(rng: Rng, sane: readonly string[]): string {
  const r = rng();
  if (r < 0.75) return pick(rng, sane);
  return pick(rng, ['0', '-1', '1e3', '0x10', '', 'abc', '1.5', '99999999999999999999', '4294967296', '1000', '1001', '1000000', '1000001', ' 3', '2/1']);
}

export interface Case {
  readonly index: number;
  /** what the case does, for the report of a failure */
  readonly what: string;
  /** the command line (file names relative to the case's directory) */
  readonly args: string[];
  /** files to create in the case's directory before it runs */
  readonly files: Record<string, string>;
  /** files the case may write (its outputs at fresh paths) */
  readonly writes: readonly string[];
  /** the most wall time the command may take, ms */
  readonly limitMs: number;
}

export interface Seeds {
  /** a checkpoint of a finished run, one stopped mid-search, and two shards of one run */
  readonly checkpoint: string;
  readonly midSearch: string;
  readonly shards: readonly string[];
}

function mutateJson(rng: Rng, text: string): string {
  if (rng() < 0.2) return mutateText(rng, text);
  const data = JSON.parse(text) as Json;
  for (let i = int(rng, 1, 3); i > 0; i--) {
    const all = slots(data);
    if (all.length === 0) break;
    const [c, k] = pick(rng, all);
    const r = rng();
    if (r < 0.4) set(c, k, pick(rng, [...oddNumbers, ...oddStrings.slice(0, 6), null, true, [], {}] as Json[]));
    else if (r < 0.6 && !Array.isArray(c)) delete c[k as string];
    else if (r < 0.8) set(c, k, clone(get(pick(rng, all)[0], pick(rng, all)[1]) ?? null));
    else if (typeof get(c, k) === 'number') set(c, k, (get(c, k) as number) + pick(rng, [1, -1, 1000]));
  }
  // an edit may not lift the run's time limit (the case would run for as long as it says)
  if (isObj(data) && isObj(data.options) && typeof data.options.timeLimitMs === 'number' && data.options.timeLimitMs > 2000) data.options.timeLimitMs = 2000;
  // most edits resealed: otherwise the digest alone refuses every one
  return JSON.stringify(isObj(data) && rng() < 0.8 ? sealRunFile(data) : data);
}

const strategies = ['dpor', 'dfs', 'random', 'pct'];

/** `patches:` entries: toggles on, toggles at a value, and a few that are wrong */
const patchSettings: Json[] = [
  'resetDoneAllDevices', 'noResetIommuHooks', { resetFence: 'none' }, { releaseOrder: 'old' }, { resetFence: 'withoutDeferred' },
  { releaseOrder: 'sideways' }, 'releaseOrder', 'noSuchPatch', { resetPrepareOrder: true },
];

/** --patch values: good ones and a few that are not */
function patchArg(rng: Rng): string {
  return pick(rng, [
    'resetFence=none', 'releaseOrder=old', 'releaseOrder=reversal2022', 'resetDoneAllDevices', 'noResetIommuHooks=on',
    'resetSkipMultiDeviceGroup=off', 'resetPrepareOrder=early', 'releaseOrder', 'resetFence=maybe', 'bogus=1', '', '=', 'x'.repeat(5000),
  ]);
}

/** a built-in named as it is, or in a toggle setting (NAME@SETTINGS, sometimes malformed) */
function builtinArg(rng: Rng): string {
  const name = pick(rng, builtinScenarios).name;
  if (rng() < 0.7) return name;
  return `${name}@${pick(rng, ['resetFence=none', 'releaseOrder=old,resetDoneAllDevices', '', 'bogus', 'releaseOrder=old,releaseOrder=final', '@'])}`;
}

/** a stream of its own, so the cases made before these options existed stay what they were */
const aimRng = (seed: number, index: number): Rng => mulberry32((seed * 0x85ebca6b) ^ (index * 0x27d4eb2d) ^ 0x5bd1e995);

/** Where faults are aimed (--fault-phases, --fault-sites, --skip-fault-sites), sometimes wrongly. */
function faultAim(rng: Rng): string[] {
  const args: string[] = [];
  if (rng() < 0.15) args.push('--fault-phases', pick(rng, ['threads', 'prologue,threads', 'teardown', 'prologue,threads,teardown', 'epilogue', '']));
  if (rng() < 0.1) args.push('--fault-sites', pick(rng, ['iommu_group_alloc', 'kzalloc,device_add', 'alloc_iova_fast', 'not a name', ',']));
  if (rng() < 0.1) args.push('--skip-fault-sites', pick(rng, ['device_add', 'iommu_probe_device,kzalloc', '1bad']));
  return args;
}

/**
 * The case `index` of the run seeded `seed`: a function of the two alone (and `heavy`: the long
 * run's cases also make machines of 1,500 functions and programs of 3,000 operations, which
 * only a time limit ends).
 */
export function makeCase(
  seed: number,
  index: number,
  texts: readonly string[],
  pool: readonly Obj[],
  seeds: Seeds,
  heavy: boolean,
): Case {
  const rng = mulberry32((seed * 0x9e3779b1) ^ index);
  const files: Record<string, string> = { 'notes.txt': 'the user\'s own file\n', 'other.json': '{"mine": true}\n' };
  const writes: string[] = [];
  const kind = rng();
  const timeLimit = heavy ? pick(rng, ['1', '1', '2']) : '1';
  // tiny limits: what is looked for (a crash, a hang, a lost file) shows in the first executions
  const limits = ['--time-limit', timeLimit, '--max-executions', pick(rng, heavy ? ['1', '5', '20', '100', '10000'] : ['1', '2', '5', '10'])];
  const limitMs = (n: number): number => (Number(timeLimit) * 1000 + 2000) * n + 15_000;
  if (kind < 0.08) {
    // a saved run, edited (resume)
    files['cp.json'] = mutateJson(rng, rng() < 0.5 ? seeds.checkpoint : seeds.midSearch);
    const args = ['check', '--resume', 'cp.json', '--workers', '1'];
    if (rng() < 0.3) args.push('--checkpoint', pick(rng, ['notes.txt', 'fresh-cp.json', 'other.json']));
    if (rng() < 0.3) args.push('--out', pick(rng, ['notes.txt', 'fresh.json', 'cp.json']));
    writes.push('cp.json', 'fresh-cp.json', 'fresh.json');
    // the time limit comes from the file (at most 2 s, see mutateJson), two scenarios
    return { index, what: 'resume an edited checkpoint', args, files, writes, limitMs: 2 * 4000 + 15_000 };
  }
  if (kind < 0.14) {
    files['s1.json'] = rng() < 0.6 ? mutateJson(rng, seeds.shards[0]!) : seeds.shards[0]!;
    files['s2.json'] = rng() < 0.6 ? mutateJson(rng, seeds.shards[1]!) : seeds.shards[1]!;
    const args = ['merge', 's1.json', 's2.json'];
    if (rng() < 0.3) args.push('s2.json');
    if (rng() < 0.4) args.push('--out', pick(rng, ['s1.json', 'notes.txt', 'merged.json']));
    if (rng() < 0.3) args.push('--json');
    writes.push('merged.json');
    return { index, what: 'merge edited shards', args, files, writes, limitMs: 2 * 4000 + 15_000 };
  }
  files['s.yaml'] = mutateScenario(rng, texts, pool, heavy);
  if (kind < 0.2) return { index, what: 'list a mutated file', args: ['list', 's.yaml'], files, writes, limitMs: 60_000 };
  if (kind < 0.32) {
    const schedule = pick(rng, ['-', '0', '1', '0.1x3.0', '1x6.2x2.1', 'n1/-', 'n3/0.1', 'S.F.0', 'F', '9', '0x1000000', 'n0/-', 'x', '0..1', `${int(rng, 0, 3)}x${int(rng, 1, 50)}`]);
    const args = ['replay', rng() < 0.8 ? 's.yaml' : 's.yaml:nope', schedule, '--time-limit', timeLimit];
    if (rng() < 0.3) args.push('--faults', pick(rng, ['none', 'nth', 'choice', 'scenario', 'bogus']));
    if (rng() < 0.3) args.push('--max-steps', value(rng, ['1', '100', '100000']));
    if (rng() < 0.15) args.push('--patch', patchArg(rng));
    args.push(...faultAim(aimRng(seed, index)));
    return { index, what: 'replay a mutated file', args, files, writes, limitMs: limitMs(1) };
  }
  // check, with an option set
  const args = ['check', 's.yaml'];
  if (rng() < 0.1) args.push(builtinArg(rng));
  // (worker threads cost a case ten times its search: a few are enough)
  args.push(...limits, '--workers', rng() < (heavy ? 0.1 : 0.03) ? '2' : '1');
  if (rng() < 0.5) args.push('--strategy', rng() < 0.95 ? pick(rng, strategies) : 'bfs');
  if (rng() < 0.2) args.push('--seed', value(rng, ['1', '7', '4294967295']));
  if (rng() < 0.2) args.push('--executions', value(rng, ['10', '50', '1000000000000']));
  if (rng() < 0.2) args.push('--preemption-bound', value(rng, ['0', '1', '2', '1000']));
  if (rng() < 0.15) args.push('--depth', value(rng, ['1', '3', '1000']));
  if (rng() < 0.3) args.push('--faults', pick(rng, ['none', 'nth', 'choice', 'scenario', 'all']));
  if (rng() < 0.15) args.push('--max-failures', value(rng, ['1', '2', '1000']));
  if (rng() < 0.15) args.push('--max-steps', value(rng, ['1', '50', '5000', '1000000']));
  // (shrinking a key runs up to 400 executions: kept for some cases, its limits are checked there)
  if (rng() < (heavy ? 0.3 : 0.6)) args.push('--no-minimize');
  if (rng() < 0.1) args.push('--no-warn-fails');
  if (rng() < 0.2) args.push('--json');
  if (rng() < 0.1) args.push('-v');
  if (rng() < 0.15) args.push('--patch', patchArg(rng));
  if (rng() < 0.05) args.push('--patch', patchArg(rng));
  args.push(...faultAim(aimRng(seed, index)));
  if (rng() < 0.1) {
    args.push('--shard', `${int(rng, 1, 3)}/${pick(rng, ['2', '3', '1000', '1000000000'])}`, '--out', 'shard.json');
    writes.push('shard.json');
  } else if (rng() < 0.2) {
    const out = pick(rng, ['fresh.json', 'fresh.json', 's.yaml', 'notes.txt', 'other.json', '.', 'cp-prev.json']);
    args.push('--out', out);
    if (out === 'cp-prev.json') files['cp-prev.json'] = seeds.checkpoint;
    if (out === 'fresh.json') {
      writes.push('fresh.json');
      if (rng() < 0.3) args.push('--force');
    }
  }
  if (rng() < 0.1) {
    const checkpoint = pick(rng, ['cp.json', 'cp.json', 'notes.txt', 'nodir/cp.json', 's.yaml']);
    args.push('--checkpoint', checkpoint, '--checkpoint-every', value(rng, ['0.01', '5', '1000000']));
    writes.push('cp.json');
    // --force lets the checkpoint replace a file of the user's that the check does not read
    if (checkpoint === 'notes.txt' && args.includes('--force')) writes.push('notes.txt');
  }
  if (rng() < 0.03) args.push(pick(rng, ['--bogus', '--time-limit', '--resume', '-x']));
  // each scenario, and each variant it declares (a `patches:` line under variants), is a search
  const scenarios = searchesIn(files['s.yaml']) + 2;
  return { index, what: 'check a mutated file', args, files, writes, limitMs: limitMs(scenarios) };
}

/**
 * An upper bound of the searches a scenario file makes: its `name:` lines (scenarios, and some
 * that are not) and its `patches:` (variants). One pass over the text (a regular expression with
 * \s* at line starts was quadratic on deeply indented files).
 */
function searchesIn(text: string): number {
  let n = 0;
  for (let at = 0; at < text.length;) {
    let i = at;
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    if (text[i] === '-') {
      i++;
      while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    }
    if (text.startsWith('name:', i)) n++;
    const nl = text.indexOf('\n', i);
    at = nl < 0 ? text.length : nl + 1;
  }
  for (let i = text.indexOf('patches:'); i >= 0; i = text.indexOf('patches:', i + 1)) n++;
  return n;
}

export interface CaseRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly signal?: string | null;
  /** CPU time the command used, when it ran in this process */
  readonly cpuMs?: number;
}

export interface Finding {
  readonly index: number;
  readonly what: string;
  readonly args: readonly string[];
  readonly problem: string;
  readonly stderr: string;
}

const documented = new Set([0, 1, 2, 3]);
const stackTrace = /^\s+at .+[:(]\d+/m;

const hash = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

/** What a case did wrong (or null), and its exit code. `ran` runs the command line in `dir`. */
export async function runCase(
  c: Case,
  dir: string,
  ran: (args: readonly string[], dir: string) => Promise<CaseRun>,
): Promise<{ finding: Finding | null; code: number | null }> {
  const r = await runIn(c, dir, ran);
  return { finding: r.finding, code: r.code };
}

type Ran = (args: readonly string[], dir: string) => Promise<CaseRun>;

/** `dir`, empty (made, or emptied: a runner reuses one directory, cheaper than a new one per case) */
export function emptyDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const e of readdirSync(dir)) rmSync(join(dir, e), { recursive: true, force: true });
}

async function runIn(c: Case, dir: string, ran: Ran): Promise<{ finding: Finding | null; code: number | null }> {
  emptyDir(dir);
  for (const [name, text] of Object.entries(c.files)) writeFileSync(join(dir, name), text);
  const before = new Map(Object.entries(c.files).map(([f, text]) => [f, createHash('sha256').update(text).digest('hex')]));
  const t0 = performance.now();
  const r = await ran(c.args, dir);
  const ms = performance.now() - t0;
  const finding = (problem: string): { finding: Finding; code: number | null } => {
    return { finding: { index: c.index, what: c.what, args: c.args, problem, stderr: r.stderr.slice(0, 2000) }, code: r.code };
  };
  if (r.code === null || !documented.has(r.code)) return finding(`exit code ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}`);
  if (stackTrace.test(r.stderr) || stackTrace.test(r.stdout)) return finding('a JS stack trace');
  if (/Warning:/.test(r.stderr)) return finding('a Node warning');
  // on a machine shared with other work the wall clock alone says little: a run in this process
  // is past its limit only if it also used the CPU time (half of it: two workers may share it)
  if (ms > c.limitMs && (r.cpuMs === undefined || r.cpuMs > c.limitMs / 2)) {
    return finding(`ran ${Math.round(ms)} ms (${r.cpuMs === undefined ? 'a child process' : `${Math.round(r.cpuMs)} ms of CPU`}), past its limit of ${c.limitMs} ms`);
  }
  for (const [f, h] of before) {
    if (c.writes.includes(f)) continue;
    const p = join(dir, f);
    if (!existsSync(p) || !statSync(p).isFile() || hash(p) !== h) return finding(`${f} was changed`);
  }
  return { finding: null, code: r.code };
}
