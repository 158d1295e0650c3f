// The HTML report (`check --report`, `replay --report`): one self-contained file, written through
// the output guard, that a real browser (Debian's chromium driven by playwright-core) opens
// offline: the summary, a timeline per violation with one column per thread, and a state panel
// that follows the step clicked. The browser part skips only where /usr/bin/chromium is absent
// (.ci/run installs it). UPDATE_DOCS=1 (`npm run docs`) also saves docs/report-screenshot.png.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { kindOfFile } from '../src/check/output-file.js';
import type { ReportData } from '../src/report/html-data.js';
import { neighboursOf, objectState, objectsOf } from '../src/report/html-state.js';
import { maxTimelineSteps } from '../src/report/html-trace.js';
import { htmlReport } from '../src/report/html.js';
import { OpKind } from '../src/rt/op.js';
import { Thread } from '../src/rt/thread.js';
import { inProcess, iommulab, scratchDir } from './helpers/cli.js';

const chromiumPath = '/usr/bin/chromium';
const screenshotDoc = fileURLToPath(new URL('../../docs/report-screenshot.png', import.meta.url));
/** a built-in whose check expects violations (a WARN, an invariant, a use-after-free) and runs in a second */
const scenario = 'iommu-reset-vs-detach';

function embedded(html: string): ReportData {
  const m = /<script type="application\/json" id="iommulab-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'the report embeds its data');
  return JSON.parse(m[1]!) as ReportData;
}

describe('the state of an object, read generically', () => {
  class Domain {
    readonly oid = 7;
    freed = false;
    allocStack = [{ fn: 'x', where: 'y' }];
    constructor(readonly label: string) {}
  }
  class Group {
    readonly oid = 3;
    readonly label = 'group#3';
    domain: Domain | null = new Domain('domain:D');
    devices = [{ oid: 9, label: 'dev:ep0' }];
    users = new Map<object, number>([[{ oid: 11, label: 'dev:ep1' }, 2]]);
    pasids = new Set([1, 5]);
    table: number[] = Array.from({ length: 512 }, (_, i) => (i === 48 ? 0x1003 : 0));
    geometry = { start: 0, end: 0xffff };
    owner: Thread | null = new Thread(1, 'reset', (function* () {})());
    cb = (): number => 1;
    get computed(): number {
      throw new Error('a getter is never called');
    }
  }

  test('own data fields; objects with an id as references; long arrays by their non-empty entries', () => {
    const g = new Group();
    const st = objectState(g);
    assert.equal(st.class, 'Group');
    assert.deepEqual(st.fields, {
      domain: { $ref: 'domain:D' },
      devices: [{ $ref: 'dev:ep0' }],
      users: { $map: [[{ $ref: 'dev:ep1' }, 2]] },
      pasids: { $set: [1, 5] },
      table: { $sparse: 512, e: [[48, 0x1003]] },
      geometry: { $obj: 'Object', f: { start: 0, end: 0xffff } },
      owner: { $thread: 'reset' },
    });
    // runtime bookkeeping (ids, allocation stacks) is left out
    assert.deepEqual(objectState(g.domain!).fields, { freed: false });
    assert.deepEqual(neighboursOf([g], 8).map((o) => o.label), ['domain:D', 'dev:ep0', 'dev:ep1']);
    assert.deepEqual(neighboursOf([g], 1).map((o) => o.label), ['domain:D']);
  });

  test('a step has its op\'s object, the object embedding it and what its check reads', () => {
    const g = new Group();
    const lock = { oid: 4, label: '&group#3->mutex', container: g };
    const op = { kind: OpKind.Lock, obj: lock, field: null, reads: [{ obj: g.domain!, field: 'freed' }] };
    assert.deepEqual(objectsOf(op).map((o) => [o.obj.label, o.role]), [['&group#3->mutex', 'touched'], ['group#3', 'embeds'], ['domain:D', 'checked']]);
  });

  test('the page\'s data cannot end its script element, and the guard knows the page as an iommulab report', () => {
    const evil = '</script><script>alert(1)</script><!--';
    const page = htmlReport({ title: evil, command: evil, generated: '', version: '0', elapsedMs: 0, scenarios: [] });
    assert.equal(page.match(/<script/g)!.length, 2, 'only the page\'s own two script elements');
    assert.ok(page.includes('&lt;/script&gt;'), 'the title is escaped');
    const dir = scratchDir();
    writeFileSync(join(dir, 'r.html'), page);
    assert.equal(kindOfFile(join(dir, 'r.html')), 'html');
    writeFileSync(join(dir, 'other.html'), '<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title>');
    assert.notEqual(kindOfFile(join(dir, 'other.html')), 'html');
  });
});

describe('HTML report', () => {
  let dir = '';
  let file = '';
  let html = '';
  let data: ReportData;

  before(async () => {
    dir = scratchDir();
    file = join(dir, 'report.html');
    const r = await iommulab(['check', scenario, '--workers', '1', '--report', 'report.html'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /HTML report: .*report\.html/);
    html = readFileSync(file, 'utf8');
    data = embedded(html);
  });

  test('is one self-contained file: style, script and data inline, nothing to fetch', () => {
    assert.match(html, /^<!DOCTYPE html>/);
    assert.doesNotMatch(html, /<(link|img|iframe)\b|<script[^>]+\bsrc=|@import|url\(/i, 'no external resource');
    assert.equal(data.scenarios.length, 1);
    const sc = data.scenarios[0]!;
    assert.equal(sc.name, scenario);
    assert.equal(sc.matches, true);
    assert.deepEqual(new Set(sc.violations.map((v) => v.kind)), new Set(['warn', 'invariant', 'use-after-free', 'driver-contract']));
    for (const v of sc.violations) {
      assert.match(v.replay, new RegExp(`^iommulab replay ${scenario} \\S+`));
      // each distinct signature with how often and how early the search met it
      assert.ok(v.signature.startsWith(`${v.kind} `), v.signature);
      assert.ok(v.occurrences! >= 1 && v.occurrences! <= sc.executions, `${v.occurrences}`);
      assert.ok(v.firstExecution! >= 1 && v.firstExecution! <= sc.executions);
      const tl = v.timeline;
      assert.ok(tl !== null, v.traceError ?? '');
      // the replayed execution reports the violation the key was printed for, at a step of the timeline
      const hit = tl.reports.find((r) => r.kind === v.kind);
      assert.ok(hit, `${v.kind}: the replay reports it`);
      assert.ok(tl.steps.some((s) => s.step === hit.step), `${v.kind}: its step is on the timeline`);
      assert.deepEqual(new Set(tl.steps.map((s) => s.thread)), new Set(tl.threads));
      for (const s of tl.steps) {
        for (const o of s.objects) assert.ok(tl.states[o.after] !== undefined && o.before < tl.states.length);
      }
    }
    // the state is the model's: an object freed by a step reads freed: false before it and true after
    const frees = sc.violations.flatMap((v) => v.timeline!.steps.filter((s) => s.op.startsWith('kfree(')).map((s) => ({ s, tl: v.timeline! })));
    assert.ok(frees.length > 0, 'the close thread frees the domain');
    for (const { s, tl } of frees) {
      const o = s.objects[0]!;
      assert.equal(s.op, `kfree(${o.label})`);
      assert.equal((tl.states[o.before] as Record<string, unknown>).freed, false, s.op);
      assert.equal((tl.states[o.after] as Record<string, unknown>).freed, true, s.op);
    }
  });

  // through main() in this process (the report before, the replay below and the long replay are real processes)
  test('is written through the output guard', async () => {
    const iommulab = (args: readonly string[], _cwd: string) => inProcess(args);
    const mine = join(dir, 'notes.html');
    writeFileSync(mine, '<!DOCTYPE html><p>my notes</p>');
    const refused = await iommulab(['check', 'lost-update', '--workers', '1', '--report', mine], dir);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--report .*notes\.html: already exists and is not an iommulab HTML report.*--force/);
    assert.equal(readFileSync(mine, 'utf8'), '<!DOCTYPE html><p>my notes</p>', 'the user file is untouched');
    const forced = await iommulab(['check', 'lost-update', '--workers', '1', '--report', mine, '--force'], dir);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(mine, 'utf8'), /iommulab-report/);
    // its own report is replaced without --force; the same file as --out is refused
    const again = await iommulab(['check', 'lost-update', '--workers', '1', '--report', mine], dir);
    assert.equal(again.code, 0, again.stderr);
    const same = await iommulab(['check', 'lost-update', '--out', mine, '--report', mine], dir);
    assert.equal(same.code, 2);
    assert.match(same.stderr, /--out and --report name the same file/);
    const shard = await iommulab(['check', 'lost-update', '--shard', '1/2', '--out', join(dir, 's.json'), '--report', join(dir, 's.html')], dir);
    assert.equal(shard.code, 2);
    assert.match(shard.stderr, /--shard run cannot give one/);
    assert.equal(existsSync(join(dir, 's.html')), false);
  });

  test('replay --report draws the one execution', async () => {
    const uaf = data.scenarios[0]!.violations.find((v) => v.kind === 'use-after-free')!;
    const out = join(dir, 'replay.html');
    const r = await iommulab(['replay', scenario, uaf.schedule, '--report', out], dir);
    assert.equal(r.code, 1, r.stderr);
    const d = embedded(readFileSync(out, 'utf8'));
    const v = d.scenarios[0]!.violations[0]!;
    assert.equal(d.scenarios[0]!.outcome, 'violation');
    assert.deepEqual(v.timeline!.steps.map((s) => s.op), uaf.timeline!.steps.map((s) => s.op));
    assert.ok(v.timeline!.reports.some((x) => x.kind === 'use-after-free'));
  });

  test('a replay longer than a timeline keeps shows its last steps', async () => {
    const ops = Array.from({ length: 220 }, () => '      - { op: bind, dev: ep0 }\n      - { op: unbind, dev: ep0 }').join('\n');
    const topology = 'topology:\n  iommus: [{ name: smmu0 }]\n  pci: [{ name: ep0, bus: 0, slot: 1 }]\n';
    writeFileSync(join(dir, 'long.yaml'), `name: long\nsummary: s\ndescription: d\n${topology}threads:\n  - name: t0\n    ops:\n${ops}\nexpect: pass\n`);
    const r = await iommulab(['replay', 'long.yaml', '-', '--report', 'long.html'], dir);
    assert.equal(r.code, 0, r.stderr);
    const total = Number(/^Trace: (\d+) steps/m.exec(r.stdout)![1]);
    assert.ok(total > maxTimelineSteps, `${total} steps`);
    const tl = embedded(readFileSync(join(dir, 'long.html'), 'utf8')).scenarios[0]!.violations[0]!.timeline!;
    assert.equal(tl.steps.length, maxTimelineSteps);
    assert.equal(tl.omitted, total - maxTimelineSteps);
    const first = total - maxTimelineSteps;
    assert.deepEqual(tl.steps.map((s) => s.step), Array.from({ length: maxTimelineSteps }, (_, i) => first + i));
  });

  test('marks the step whose allocation was made to fail', async () => {
    const r = await inProcess(['check', 'unchecked-alloc', '--workers', '1', '--report', join(dir, 'fault.html')]);
    assert.equal(r.code, 0, r.stderr);
    const tl = embedded(readFileSync(join(dir, 'fault.html'), 'utf8')).scenarios[0]!.violations[0]!.timeline!;
    const failed = tl.steps.filter((s) => s.injected === true);
    assert.deepEqual(failed.map((s) => s.op), ['kzalloc()']);
    assert.ok(tl.reports.some((x) => x.kind === 'null-deref' && x.step >= failed[0]!.step));
  });

  describe('in a browser', { skip: existsSync(chromiumPath) ? false : `${chromiumPath} is absent: install Debian's chromium (apt-get install -y chromium) to run this test` }, () => {
    // imported here: the package is a devDependency the rest of the suite does not need
    let browser: import('playwright-core').Browser | null = null;
    after(async () => {
      await browser?.close();
    });

    test('shows the summary, a timeline per violation with a column per thread, and the state of a clicked step', async () => {
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
      const page = await browser.newPage({ viewport: { width: 1400, height: 1050 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      const fetched: string[] = [];
      // offline: anything but the file itself is refused (and would fail the test)
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        fetched.push(url);
        return route.abort();
      });
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('section.violation table.timeline');

      const row = page.locator(`tr.scenario[data-scenario="${scenario}"]`);
      assert.equal(await row.locator('.badge').first().textContent(), 'ok');
      const sc = data.scenarios[0]!;
      assert.equal(await page.locator('section.violation').count(), sc.violations.length);

      const v = sc.violations[0]!;
      const tl = v.timeline!;
      const section = page.locator('section.violation').first();
      assert.equal(await section.getAttribute('data-kind'), v.kind);
      assert.equal(await section.locator('.replay-cmd').textContent(), v.replay);
      assert.equal(await section.locator('h3').textContent(), `${v.kind} ${v.signature}`);
      assert.match(await section.innerText(), new RegExp(`${v.occurrences} occurrences? in ${sc.executions} executions \u00b7 first found at execution ${v.firstExecution} `));
      // one column per thread, one row per step, each step in its thread's column
      assert.deepEqual(await section.locator('th.thread').allTextContents(), [...tl.threads]);
      assert.ok(tl.threads.length >= 3, 'prologue and two racing threads');
      assert.equal(await section.locator('tr.step').count(), tl.steps.length);
      const misplaced = await section.evaluate((el, threads) => {
        const bad: string[] = [];
        for (const tr of el.querySelectorAll('tr.step')) {
          const cells = [...tr.querySelectorAll('td.cell')];
          const active = cells.filter((c) => c.classList.contains('active'));
          if (active.length !== 1 || cells.indexOf(active[0]!) !== threads.indexOf(tr.getAttribute('data-thread')!)) bad.push(tr.getAttribute('data-step')!);
        }
        return bad;
      }, [...tl.threads]);
      assert.deepEqual(misplaced, []);
      // the violation's step is marked and selected first; the prologue is folded away
      const hit = tl.reports.find((r) => r.kind === v.kind)!;
      assert.match((await section.locator(`tr.step.bad[data-step="${hit.step}"] .mark`).allTextContents()).join(' '), new RegExp(v.kind));
      const title = section.locator('.state .state-title');
      assert.equal(await title.textContent(), `step ${tl.steps.at(-1)!.step} \u00b7 ${tl.steps.at(-1)!.thread}`);
      const prologueRow = section.locator('tr.step.prologue').first();
      assert.equal(await prologueRow.isVisible(), false);
      await section.locator('input.show-prologue').check();
      assert.equal(await prologueRow.isVisible(), true);
      await section.locator('input.show-prologue').uncheck();

      // click a step of another thread that changes an object: the panel shows that step's objects and the change
      const before = await section.locator('.state').innerText();
      // (a hardware write when there is one: the screenshot shows what the hardware has programmed)
      const changes = tl.steps.filter((s) => s.thread !== 'prologue' && s.thread !== tl.steps.at(-1)!.thread && s.objects[0]?.before !== s.objects[0]?.after);
      const pick = changes.find((s) => /^(ste|hw)_write/.test(s.op)) ?? changes[0];
      assert.ok(pick, 'a step of another thread that changes an object');
      await section.locator(`tr.step[data-step="${pick.step}"]`).click();
      assert.equal(await title.textContent(), `step ${pick.step} \u00b7 ${pick.thread}`);
      assert.equal(await section.locator(`tr.step.selected`).getAttribute('data-step'), String(pick.step));
      assert.deepEqual(await section.locator('.state .obj').evaluateAll((els) => els.map((e) => e.getAttribute('data-label'))), pick.objects.map((o) => o.label));
      assert.ok(await section.locator('.state tr.changed').count() > 0, 'the changed field is highlighted');
      assert.notEqual(await section.locator('.state').innerText(), before);
      // the splat opens
      await section.locator('details.splat summary').click();
      assert.equal((await section.locator('details.splat pre').innerText()).split('\n')[0], v.splat.split('\n')[0]);
      await section.locator('details.splat summary').click();

      assert.deepEqual(errors, []);
      assert.deepEqual(fetched, []);
      await page.mouse.wheel(0, -100_000);
      const png = join(dir, 'report.png');
      await page.screenshot({ path: png });
      assert.ok(statSync(png).size > 20_000, 'a screenshot with something on it');
      if (process.env.UPDATE_DOCS === '1') copyFileSync(png, screenshotDoc);
    });
  });
});
