// The progress line: on a terminal's stderr for a search longer than a second (executions, rate,
// elapsed, distinct violations, an estimate when the work is known ahead), erased before the
// report; nothing of it with --json or when stderr is not a terminal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultCheckOptions } from '../src/check/check.js';
import type { ProgressCounts } from '../src/check/progress-counts.js';
import { runCheckRequest } from '../src/cli/check-command.js';
import { ProgressLine, progressStream, progressText } from '../src/report/progress-line.js';
import { builtinScenarios } from '../src/scenarios/registry.js';
import { inProcess } from './helpers/cli.js';

class FakeTerminal {
  readonly isTTY = true;
  text = '';
  constructor(readonly columns = 200) {}
  write(t: string): boolean {
    this.text += t;
    return true;
  }
}

const counts: ProgressCounts = { executions: 12_345, distinct: 2, settled: 3, scenarios: 25, current: 'iommu-reset-vs-detach' };

describe('progress line', () => {
  it('goes to a terminal only, and never with --json', () => {
    const tty = new FakeTerminal();
    assert.equal(progressStream(false, tty), tty);
    assert.equal(progressStream(true, tty), null);
    assert.equal(progressStream(false, { isTTY: false, write: () => true }), null);
    assert.equal(progressStream(false, { write: () => true }), null);
  });

  it('shows nothing in the first second, then executions, rate, elapsed and distinct violations', () => {
    const tty = new FakeTerminal();
    let now = 0;
    const line = new ProgressLine(tty, { totalExecutions: null }, () => now);
    now = 900;
    line.update(counts);
    line.clear();
    assert.equal(tty.text, '', 'a search shorter than a second draws nothing and erases nothing');
    now = 3000;
    line.update(counts);
    assert.equal(tty.text, '\r[3/25 done] iommu-reset-vs-detach: 12,345 executions, 4,115/s, 3.0s, 2 distinct violations\x1b[K');
    line.clear();
    assert.match(tty.text, /\r\x1b\[K$/);
  });

  it('estimates what is left when the work is known ahead, and fits the terminal', () => {
    assert.match(progressText(counts, 3000, 50_000), /, about 10s left$/);
    assert.doesNotMatch(progressText(counts, 3000, null), /left/);
    const narrow = new FakeTerminal(40);
    let now = 0;
    const line = new ProgressLine(narrow, { totalExecutions: null }, () => now);
    now = 5000;
    line.update(counts);
    assert.equal(narrow.text.replace('\r', '').replace('\x1b[K', '').length, 39);
  });

  it('a check longer than a second draws it on a terminal and erases it before the report', async () => {
    const tty = new FakeTerminal();
    const scenarios = builtinScenarios.filter((s) => s.name === 'lost-update');
    const options = { ...defaultCheckOptions, strategy: 'random' as const, executions: 50_000_000, timeLimitMs: 1600, minimize: false };
    const log = console.log;
    const error = console.error;
    let printed = '';
    console.log = (t: string) => void (printed += `${t}\n`);
    console.error = () => {};
    try {
      await runCheckRequest({
        scenarios, options, shard: null, workers: 1, sliceMs: 100, json: false, verbose: false,
        out: null, checkpoint: null, checkpointEveryMs: 5000, resumed: [], progress: tty,
      });
    } finally {
      console.log = log;
      console.error = error;
    }
    const drawn = /\r\[0\/1 done\] lost-update: [\d,]+ executions, [\d,]+\/s, [\d.]+s, 1 distinct violation, about .+left\x1b\[K/;
    assert.match(tty.text, drawn);
    assert.ok(tty.text.endsWith('\r\x1b[K'), 'erased at the end');
    assert.match(printed, /lost-update/);
  });

  it('is not drawn when stderr is not a terminal (the test runner\'s)', async () => {
    const r = await inProcess(['check', 'lost-update']);
    assert.doesNotMatch(r.stderr, /\r|\x1b\[K/);
  });
});
