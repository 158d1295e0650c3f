// `npm run bench -- --reduction`: how much the default strategy (DPOR) saves over plain DFS on the
// IOMMU workload, measured as ratios in one run (issue 8). For each of the four concurrent IOMMU
// built-ins, both searches run exhaustively in this process, one after the other: executions,
// CPU seconds, the ratio of executions, and whether both found the same violation kinds and the
// same set of thread-result vectors. Then the scaling cases of bench/scenarios/ under DPOR
// exhaustively, DFS for at most --dfs-limit seconds.
//   node dist/bench/reduction.js [--dfs-limit SECONDS] [--json]
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { DporStrategy } from '../src/explorer/dpor.js';
import { explore, type ExploreResult } from '../src/explorer/engine.js';
import { recordingResults, sameResultVectors } from '../src/explorer/result-vectors.js';
import type { Program } from '../src/rt/execution.js';
import { loadScenarioFile } from '../src/scenarios/file/load.js';
import { builtinScenarios } from '../src/scenarios/registry.js';
import { describeMachine } from './machine.js';
import { renderTable } from './table.js';

const builtins = ['iommu-group-attach-detach', 'iommu-hotadd-into-group', 'iommu-reset-vs-attach', 'iommu-reset-vs-detach'];
const scalingFiles = ['four-function-group.yaml'];

interface Search {
  readonly executions: number;
  readonly exhaustive: boolean;
  readonly cpuS: number;
  readonly kinds: string;
  readonly results: ReadonlySet<string>;
}

function search(p: Program<unknown>, dpor: boolean, timeLimitMs: number): Search {
  const results = new Set<string>();
  const before = process.cpuUsage();
  const r: ExploreResult = explore(recordingResults(p, results), dpor ? new DporStrategy() : new DfsStrategy(), { timeLimitMs });
  const used = process.cpuUsage(before);
  return {
    executions: r.executions,
    exhaustive: r.exhaustive,
    cpuS: (used.user + used.system) / 1e6,
    kinds: r.found.map((c) => c.kind).sort().join(', ') || 'none',
    results,
  };
}

function main(): void {
  const { values } = parseArgs({ options: { 'dfs-limit': { type: 'string', default: '60' }, 'json': { type: 'boolean', default: false } } });
  const dfsLimitMs = Number(values['dfs-limit']) * 1000;
  const machine = describeMachine();
  const rows: Record<string, unknown>[] = [];
  for (const name of builtins) {
    const s = builtinScenarios.find((x) => x.name === name);
    if (s === undefined) throw new Error(`no built-in ${name}`);
    const dfs = search(s.program, false, 600_000);
    const dpor = search(s.program, true, 600_000);
    rows.push({
      scenario: name,
      dfs: dfs.executions,
      dfsExhaustive: dfs.exhaustive,
      dpor: dpor.executions,
      ratio: dfs.executions / dpor.executions,
      dfsCpuS: dfs.cpuS,
      dporCpuS: dpor.cpuS,
      sameKinds: dfs.kinds === dpor.kinds,
      kinds: dpor.kinds,
      sameResults: sameResultVectors(dfs.results, dpor.results),
      resultVectors: dpor.results.size,
    });
    process.stderr.write(`${name}: dfs ${dfs.executions}, dpor ${dpor.executions}\n`);
  }
  for (const file of scalingFiles) {
    const path = fileURLToPath(new URL(`../../bench/scenarios/${file}`, import.meta.url));
    const s = loadScenarioFile(path).scenarios[0]!;
    const dpor = search(s.program, true, 600_000);
    const dfs = search(s.program, false, dfsLimitMs);
    rows.push({
      scenario: `${file} (scaling)`,
      dfs: dfs.executions,
      dfsExhaustive: dfs.exhaustive,
      dpor: dpor.executions,
      ratio: dfs.executions / dpor.executions,
      dfsCpuS: dfs.cpuS,
      dporCpuS: dpor.cpuS,
      sameKinds: dfs.exhaustive ? dfs.kinds === dpor.kinds : null,
      kinds: dpor.kinds,
      sameResults: dfs.exhaustive ? sameResultVectors(dfs.results, dpor.results) : null,
      resultVectors: dpor.results.size,
    });
    process.stderr.write(`${file}: dpor ${dpor.executions} (exhaustive ${dpor.exhaustive}), dfs ${dfs.executions}\n`);
  }
  if (values.json) {
    console.log(JSON.stringify({ machine, rows }, null, 2));
    return;
  }
  const n = (x: unknown) => Number(x).toLocaleString('en-US');
  console.log(`DPOR vs DFS, exhaustive, one process (${machine.date}, load average ${machine.loadAvg.join(' ')})\n`);
  console.log(renderTable(
    [
      { title: 'scenario', left: true },
      { title: 'dfs execs' },
      { title: 'dpor execs' },
      { title: 'dfs/dpor' },
      { title: 'dfs cpu s' },
      { title: 'dpor cpu s' },
      { title: 'same kinds', left: true },
      { title: 'same results', left: true },
    ],
    rows.map((r) => [
      String(r.scenario),
      `${n(r.dfs)}${r.dfsExhaustive === true ? '' : '+ (cut)'}`,
      n(r.dpor),
      `${r.dfsExhaustive === true ? '' : '>'}${Number(r.ratio).toFixed(1)}x`,
      Number(r.dfsCpuS).toFixed(2),
      Number(r.dporCpuS).toFixed(2),
      r.sameKinds === null ? '(dfs cut)' : r.sameKinds ? 'yes' : `NO (${String(r.kinds)})`,
      r.sameResults === null ? '(dfs cut)' : r.sameResults ? `yes (${String(r.resultVectors)})` : 'NO',
    ]),
  ));
}

main();
