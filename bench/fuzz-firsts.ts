// Per finding of the built-in known list (src/fuzz/known.ts), when a fuzz run first saw it: the
// program index and the seconds of its first key, from the run's summary.json. Compares runs
// (before/after a change) in programs as well as seconds, since seconds depend on the load.
//
//   node dist/bench/fuzz-firsts.js OUT1/summary.json [OUT2/summary.json ...]
import { readFileSync } from 'node:fs';
import { builtinKnown } from '../src/fuzz/known.js';
import { signatureKey } from '../src/fuzz/sigkey.js';

interface Sig {
  readonly signature: string;
  readonly firstProgram: number;
  readonly firstSeconds: number;
}

const finding = new Map<string, string>();
for (const e of builtinKnown) {
  const m = /^(F\d+)\b/.exec(e.note);
  if (m !== null && !finding.has(signatureKey(e.signature))) finding.set(signatureKey(e.signature), m[1]!);
}

const files = process.argv.slice(2);
const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as { programs: number; executions: number; elapsedSeconds: number; signatures: Sig[] });
const firsts = runs.map((r) => {
  const m = new Map<string, Sig>();
  for (const s of r.signatures) {
    const f = finding.get(signatureKey(s.signature));
    if (f === undefined) continue;
    const had = m.get(f);
    if (had === undefined || s.firstProgram < had.firstProgram) m.set(f, s);
  }
  return m;
});
const all = [...new Set(firsts.flatMap((m) => [...m.keys()]))].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
console.log(`finding | ${files.join(' | ')}`);
console.log(`programs | ${runs.map((r) => `${r.programs} (${r.executions} executions, ${r.elapsedSeconds} s)`).join(' | ')}`);
for (const f of all) {
  console.log(`${f} | ${firsts.map((m) => {
    const s = m.get(f);
    return s === undefined ? '-' : `program ${s.firstProgram}, ${s.firstSeconds} s`;
  }).join(' | ')}`);
}
