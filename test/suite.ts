// `npm test`'s runner: node's test runner two files at a time (node:test's run(), spec reporter),
// the longest files first. `node --test` sorts its files by name, which left a long file such
// as yield-check to run alone at the end while the other core idled; starting the long ones
// first (longest processing time first) lets the many short files fill the gaps.
//   node dist/test/suite.js              every dist/test/*.test.js, the long ones first
//   node dist/test/suite.js FILE...      those files, in that order
// Exit code 1 when a test fails, is cancelled, or a file exits with an error (as node --test).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';

/**
 * The files that take the most CPU in `npm test` (docs/PERFORMANCE.md, branch testtime3: above
 * about 8 CPU s each), longest first. Only the order depends on this list: a file missing from
 * it still runs, after these; a name here that no longer exists is skipped.
 */
const longFirst = [
  'fuzz-campaign', 'check-concurrent', 'parallel-shards', 'cli-fuzz', 'cli-check', 'yield-check', 'fuzz-cli',
  'smmuv3-builtins', 'parallel-checkpoint', 'report-html', 'dpor-bounded', 'cli-files', 'vtd-builtins',
  'dpor-soundness', 'parallel-workers', 'cli-limits',
];

const here = fileURLToPath(new URL('.', import.meta.url));

function ordered(): string[] {
  const all = readdirSync(here).filter((f) => f.endsWith('.test.js')).sort();
  const rank = (f: string): number => {
    const i = longFirst.indexOf(f.slice(0, -'.test.js'.length));
    return i < 0 ? longFirst.length : i;
  };
  // a stable sort: the files not in the list keep their order by name
  return all.sort((a, b) => rank(a) - rank(b)).map((f) => join(here, f));
}

const args = process.argv.slice(2);
const files = args.length > 0 ? args : ordered();
const stream = run({ files, concurrency: 2 });
stream.on('test:fail', () => {
  process.exitCode = 1;
});
stream.compose(new spec()).pipe(process.stdout);
