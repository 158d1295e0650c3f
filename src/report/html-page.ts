// The HTML report's style and script, inlined into every report (html.ts). The script reads the
// embedded data and builds the page with DOM calls (text as text, never as markup): a summary
// table of scenarios, and per violation its replay command, splat and a timeline with one column
// per thread; selecting a step shows the state of the objects it touches before and after it.

export const pageStyle = `
:root { --fg: #1d232b; --muted: #5b6675; --line: #d8dde4; --bg: #fff; --soft: #f4f6f9; --bad: #b42318;
  --badbg: #fdecea; --ok: #1a7f37; --okbg: #e7f5ec; --sel: #fff4c2; --chg: #fff1c7; --ref: #1f5fbf; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1500px; margin: 0 auto; padding: 20px 24px 60px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-top: 8px; border-top: 2px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.muted { color: var(--muted); }
.meta { color: var(--muted); margin-bottom: 14px; }
.totals { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0 16px; }
.total { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; }
.total b { font-size: 18px; display: block; }
table.summary { border-collapse: collapse; width: 100%; }
table.summary th, table.summary td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
table.summary th { background: var(--soft); font-weight: 600; }
table.summary td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.badge.ok { color: var(--ok); background: var(--okbg); }
.badge.fail { color: var(--bad); background: var(--badbg); }
.badge.kind { color: #6b3fa0; background: #f1e9fb; }
.violation { border: 1px solid var(--line); border-radius: 8px; padding: 4px 16px 16px; margin: 14px 0; }
.replay { display: flex; align-items: center; gap: 8px; margin: 6px 0; }
.replay code { background: var(--soft); border: 1px solid var(--line); border-radius: 4px; padding: 3px 8px; user-select: all; }
button { font: inherit; font-size: 12px; padding: 2px 10px; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); cursor: pointer; }
details.splat pre { background: #1e2227; color: #e6e6e6; padding: 10px 12px; border-radius: 6px; overflow: auto; max-height: 360px; }
.explore { display: grid; grid-template-columns: minmax(0, 3fr) minmax(320px, 2fr); gap: 14px; margin-top: 10px; }
.tl-wrap { max-height: 640px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
table.timeline { border-collapse: separate; border-spacing: 0; width: 100%; table-layout: fixed; }
table.timeline th { position: sticky; top: 0; background: var(--soft); z-index: 1; border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; font-weight: 600; }
table.timeline th.stepno, table.timeline td.stepno { width: 52px; text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }
table.timeline td { padding: 3px 8px; border-bottom: 1px solid #eef0f3; vertical-align: top; overflow-wrap: anywhere; }
table.timeline td.cell { border-left: 1px solid #eef0f3; }
table.timeline tr.step { cursor: pointer; }
table.timeline tr.step:hover td { background: #f7f9fc; }
table.timeline tr.step.selected td { background: var(--sel); }
table.timeline tr.step.bad td.cell.active { box-shadow: inset 3px 0 0 var(--bad); }
table.timeline tr.step.bad td.stepno { color: var(--bad); font-weight: 700; }
.op { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.fn { color: var(--muted); font-size: 11.5px; }
.mark { color: var(--bad); font-weight: 600; font-size: 11.5px; }
.fault { color: #8a5300; font-weight: 600; font-size: 11.5px; }
.omitted td { color: var(--muted); font-style: italic; }
.state { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; max-height: 640px; overflow: auto; background: #fcfcfd; }
.state h4 { margin: 0 0 4px; font-size: 14px; }
.obj { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; background: var(--bg); }
.obj.touched, .obj.embeds { border-color: #9db4d8; }
.obj > .head { padding: 4px 8px; background: var(--soft); border-bottom: 1px solid var(--line); border-radius: 6px 6px 0 0; }
.obj > .head .role { float: right; color: var(--muted); font-size: 11.5px; }
.obj table { border-collapse: collapse; width: 100%; }
.obj td { padding: 2px 8px; vertical-align: top; border-bottom: 1px solid #f0f2f5; overflow-wrap: anywhere; }
.obj td.k { width: 32%; color: var(--muted); font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.obj tr.changed td { background: var(--chg); }
.was { text-decoration: line-through; color: var(--muted); margin-right: 6px; }
.ref { color: var(--ref); cursor: pointer; }
.thr { color: #8a5300; }
.none { color: var(--muted); }
.legend { color: var(--muted); font-size: 12px; margin: 4px 0; }
.hide-prologue .prologue-col, .hide-prologue tr.prologue { display: none; }
.tl-tools { font-size: 12px; color: var(--muted); margin: 4px 0; }
`;

export const pageScript = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('iommulab-data').textContent);
  var root = document.getElementById('report');

  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (attrs[k] === null || attrs[k] === undefined) continue;
      if (k === 'text') el.textContent = attrs[k];
      else if (k === 'cls') el.className = attrs[k];
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), attrs[k]);
      else el.setAttribute(k, attrs[k]);
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      if (Array.isArray(c)) c.forEach(function (x) { if (x) el.appendChild(typeof x === 'string' ? document.createTextNode(x) : x); });
      else el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return el;
  }
  function n(x) { return Number(x).toLocaleString('en-US'); }
  function secs(ms) { return (ms / 1000).toFixed(2) + ' s'; }

  // ---- values of the state panel (report/html-state.ts StateValue) ----
  function val(v, depth) {
    depth = depth || 0;
    if (v === null) return h('span', { cls: 'none', text: 'NULL' });
    if (typeof v === 'string') return h('span', { text: JSON.stringify(v) });
    if (typeof v !== 'object') return h('span', { text: String(v) });
    if (Array.isArray(v)) return list('[', ']', v.map(function (x) { return val(x, depth + 1); }));
    if ('$ref' in v) return h('span', { cls: 'ref', title: 'show this object', 'data-ref': v.$ref, text: v.$ref });
    if ('$thread' in v) return h('span', { cls: 'thr', text: 'task ' + v.$thread });
    if ('$u' in v) return h('span', { cls: 'none', text: 'undefined' });
    if ('$fn' in v) return h('span', { cls: 'none', text: 'fn' });
    if ('$more' in v) return h('span', { cls: 'none', text: '\\u2026 ' + n(v.$more) + ' more' });
    if ('$map' in v) return list('{', '}', v.$map.map(function (e) { return h('span', null, val(e[0], depth + 1), ' \\u2192 ', val(e[1], depth + 1)); }));
    if ('$set' in v) return list('{', '}', v.$set.map(function (x) { return val(x, depth + 1); }));
    if ('$sparse' in v) return h('span', null, h('span', { cls: 'none', text: '[' + n(v.$sparse) + ' entries, non-empty: ' }),
      list('', '', v.e.map(function (e) { return h('span', null, typeof e[0] === 'number' ? '[' + e[0] + '] ' : '', typeof e[0] === 'number' ? val(e[1], depth + 1) : val(e[0], depth + 1)); })), h('span', { cls: 'none', text: ']' }));
    if ('$obj' in v) {
      var keys = Object.keys(v.f);
      return h('span', null, h('span', { cls: 'none', text: v.$obj + ' ' }), list('{', '}', keys.map(function (k) { return h('span', null, k + ': ', val(v.f[k], depth + 1)); })));
    }
    return h('span', { text: JSON.stringify(v) });
  }
  function list(open, close, items) {
    var out = h('span', null, open);
    items.forEach(function (it, i) { if (i > 0) out.appendChild(document.createTextNode(', ')); out.appendChild(it); });
    out.appendChild(document.createTextNode(close));
    return out;
  }

  // ---- one violation: replay command, splat, timeline, state panel ----
  function violationBlock(sc, v, vi) {
    var id = 'v-' + sc.index + '-' + vi;
    var found = [];
    if (v.occurrences !== null) found.push(n(v.occurrences) + ' occurrence' + (v.occurrences === 1 ? '' : 's') + ' in ' + n(sc.executions) + ' execution' + (sc.executions === 1 ? '' : 's'));
    if (v.firstExecution !== null) found.push('first found at execution ' + n(v.firstExecution) + (v.firstSeconds !== null ? ' (' + v.firstSeconds.toFixed(2) + ' s)' : ''));
    if (v.steps !== null && !isNaN(v.steps)) found.push(n(v.steps) + ' steps');
    if (v.preemptions !== null && !isNaN(v.preemptions)) found.push(v.preemptions + ' preemption' + (v.preemptions === 1 ? '' : 's'));
    if (v.reproduces === false) found.push('the key alone does not reproduce it (an earlier execution took the first lock order)');
    var copy = h('button', { type: 'button', text: 'copy', onclick: function () {
      if (navigator.clipboard) navigator.clipboard.writeText(v.replay).catch(function () {});
    } });
    var box = h('section', { cls: 'violation', id: id, 'data-kind': v.kind },
      h('h3', null, h('span', { cls: 'badge kind', text: v.kind }), ' ', v.signature),
      found.length ? h('div', { cls: 'muted', text: found.join(' \\u00b7 ') }) : null,
      h('div', { cls: 'replay' }, h('span', { cls: 'muted', text: 'replay:' }), h('code', { cls: 'replay-cmd', text: v.replay }), copy),
      h('details', { cls: 'splat' }, h('summary', { text: 'splat' }), h('pre', { text: v.splat })));
    if (v.timeline === null) {
      box.appendChild(h('p', { cls: 'muted', text: 'No timeline: ' + v.traceError }));
      return box;
    }
    box.appendChild(timeline(v.timeline));
    return box;
  }

  function timeline(tl) {
    var threads = tl.threads;
    var col = {};
    threads.forEach(function (t, i) { col[t] = i; });
    var marks = {};
    tl.reports.forEach(function (r) { (marks[r.step] = marks[r.step] || []).push(r); });
    var panel = h('aside', { cls: 'state' }, h('p', { cls: 'muted', text: 'Select a step to see the state of the objects it touches.' }));
    function colCls(t, base) { return base + (t === 'prologue' ? ' prologue-col' : ''); }
    var head = h('tr', null, h('th', { cls: 'stepno', text: 'step' }), threads.map(function (t) { return h('th', { cls: colCls(t, 'thread'), text: t }); }));
    var body = h('tbody');
    if (tl.omitted > 0) body.appendChild(h('tr', { cls: 'omitted' }, h('td', { colspan: String(threads.length + 1), text: n(tl.omitted) + ' earlier steps not shown' })));
    var rows = [];
    var selected = null;
    function select(i) {
      if (selected !== null) rows[selected].classList.remove('selected');
      selected = i;
      rows[i].classList.add('selected');
      showState(panel, tl, tl.steps[i], marks[tl.steps[i].step] || []);
    }
    tl.steps.forEach(function (s, i) {
      var cells = threads.map(function (t) {
        if (t !== s.thread) return h('td', { cls: colCls(t, 'cell') });
        return h('td', { cls: colCls(t, 'cell active') },
          h('div', { cls: 'op', text: s.op }),
          h('div', { cls: 'fn', text: s.fn + (s.where ? ' (' + s.where + ')' : '') }),
          s.injected ? h('div', { cls: 'fault', text: '\\u2716 allocation failed (injected)' }) : null,
          (marks[s.step] || []).map(function (r) { return h('div', { cls: 'mark', text: '\\u26a0 ' + r.kind + (r.failing ? '' : ' (not failing)') }); }));
      });
      var row = h('tr', { cls: 'step' + (marks[s.step] ? ' bad' : '') + (s.thread === 'prologue' ? ' prologue' : ''), tabindex: '0', 'data-step': String(s.step), 'data-thread': s.thread,
        onclick: function () { select(i); },
        onkeydown: function (e) {
          if (e.key === 'ArrowDown' && i + 1 < rows.length) { e.preventDefault(); select(i + 1); rows[i + 1].focus(); }
          if (e.key === 'ArrowUp' && i > 0) { e.preventDefault(); select(i - 1); rows[i - 1].focus(); }
        } }, h('td', { cls: 'stepno', text: String(s.step) }), cells);
      rows.push(row);
      body.appendChild(row);
    });
    var after = [];
    if (tl.truncated) after.push('The replay was ' + tl.truncated + '.');
    if (tl.results.length) after.push('Thread results: ' + tl.results.join(' '));
    var table = h('table', { cls: 'timeline' }, h('thead', null, head), body);
    // the prologue (boot-time setup, alone before the threads start) is folded away unless it reported
    var prologueSteps = tl.steps.filter(function (s) { return s.thread === 'prologue'; }).length;
    var tools = null;
    if (prologueSteps > 0 && !tl.reports.some(function (r) { return r.thread === 'prologue'; })) {
      table.classList.add('hide-prologue');
      var box = h('input', { type: 'checkbox', cls: 'show-prologue', onchange: function () { table.classList.toggle('hide-prologue', !box.checked); } });
      tools = h('label', { cls: 'tl-tools' }, box, ' show the prologue (' + n(prologueSteps) + ' steps of setup before the threads start)');
    }
    var wrap = h('div', { cls: 'explore' },
      h('div', null, tools, h('div', { cls: 'tl-wrap' }, table), h('div', { cls: 'legend', text: after.join('  ') })),
      panel);
    // start at the step that reported (the last one when several did)
    var at = -1;
    tl.steps.forEach(function (s, i) { if (marks[s.step]) at = i; });
    if (at < 0) at = tl.steps.length - 1;
    if (at >= 0) setTimeout(function () { select(at); var w = wrap.querySelector('.tl-wrap'); w.scrollTop = Math.max(0, rows[at].offsetTop - w.clientHeight / 2); }, 0);
    return wrap;
  }

  var roles = { touched: 'touched by this step', embeds: 'embeds what the step touches', checked: 'read by a check of this step', refers: 'referred to' };
  function showState(panel, tl, s, reports) {
    panel.textContent = '';
    panel.appendChild(h('h4', { cls: 'state-title', text: 'step ' + s.step + ' \\u00b7 ' + s.thread }));
    panel.appendChild(h('div', { cls: 'op', text: s.op }));
    panel.appendChild(h('div', { cls: 'fn', text: 'in ' + s.fn + (s.where ? ' (' + s.where + ')' : '') }));
    if (s.injected) panel.appendChild(h('div', { cls: 'fault', text: '\\u2716 an allocation of this step was made to fail (fault injection)' }));
    reports.forEach(function (r) { panel.appendChild(h('div', { cls: 'mark', text: '\\u26a0 ' + r.title })); });
    if (s.objects.length === 0) panel.appendChild(h('p', { cls: 'muted', text: 'This step touches no shared object.' }));
    else panel.appendChild(h('div', { cls: 'legend', text: 'State after the step; changed fields are highlighted, with the value before struck through.' }));
    s.objects.forEach(function (o) {
      var before = o.before >= 0 ? tl.states[o.before] : null;
      var afterState = tl.states[o.after];
      var rows = Object.keys(afterState).map(function (k) {
        var changed = before !== null && JSON.stringify(before[k]) !== JSON.stringify(afterState[k]);
        return h('tr', { cls: changed ? 'changed' : null, 'data-field': k }, h('td', { cls: 'k', text: k }),
          h('td', null, changed ? h('span', { cls: 'was' }, val(before[k])) : null, val(afterState[k])));
      });
      panel.appendChild(h('div', { cls: 'obj ' + o.role, 'data-label': o.label },
        h('div', { cls: 'head' }, h('b', { cls: 'mono', text: o.label }), ' ', h('span', { cls: 'muted', text: o.class }),
          h('span', { cls: 'role', text: roles[o.role] || o.role })),
        rows.length ? h('table', null, rows) : h('div', { cls: 'muted', text: '  (no fields)' })));
    });
  }

  // a reference in the state panel shows that object's card, if this step has it
  document.addEventListener('click', function (e) {
    var t = e.target;
    if (!(t instanceof Element) || !t.classList.contains('ref')) return;
    var panel = t.closest('.state');
    if (!panel) return;
    var cards = panel.querySelectorAll('.obj');
    for (var i = 0; i < cards.length; i++) if (cards[i].getAttribute('data-label') === t.getAttribute('data-ref')) { cards[i].scrollIntoView({ block: 'nearest' }); return; }
  });

  // ---- the page ----
  var scs = data.scenarios;
  scs.forEach(function (s, i) { s.index = i; });
  var bad = scs.filter(function (s) { return !s.matches; }).length;
  // a replay has no expectation: its verdict is what the execution did
  var judged = scs.some(function (s) { return s.expected !== ''; });
  function verdict(s) { return judged ? (s.matches ? 'ok' : 'FAIL') : s.outcome; }
  var nviol = scs.reduce(function (a, s) { return a + s.violations.length; }, 0);
  var execs = scs.reduce(function (a, s) { return a + s.executions; }, 0);
  root.appendChild(h('h1', { text: data.title }));
  root.appendChild(h('div', { cls: 'meta' }, h('code', { text: data.command }), ' \\u00b7 iommulab ' + data.version + ' \\u00b7 ' + data.generated));
  function total(label, value, cls) { return h('div', { cls: 'total ' + (cls || '') }, h('b', { text: value }), label); }
  root.appendChild(h('div', { cls: 'totals' },
    total('scenarios', n(scs.length)),
    judged ? total('as expected', n(scs.length - bad), 'ok') : null,
    judged ? total('not as expected', n(bad), bad ? 'fail' : '') : null,
    total('violations', n(nviol)),
    total('executions', n(execs)),
    data.elapsedMs > 0 ? total('elapsed', secs(data.elapsedMs)) : null));
  var sum = h('tbody');
  scs.forEach(function (s) {
    var kinds = {};
    s.violations.forEach(function (v) { kinds[v.kind] = (kinds[v.kind] || 0) + 1; });
    sum.appendChild(h('tr', { cls: 'scenario', 'data-scenario': s.name },
      h('td', null, h('span', { cls: 'badge ' + (s.matches ? 'ok' : 'fail'), text: verdict(s) })),
      h('td', null, s.violations.length ? h('a', { href: '#sc-' + s.index, text: s.name }) : s.name, s.file ? h('div', { cls: 'muted mono', text: s.file }) : null),
      h('td', { text: s.outcome }),
      h('td', null, Object.keys(kinds).map(function (k) { return h('span', null, h('span', { cls: 'badge kind', text: k + (kinds[k] > 1 ? ' \\u00d7' + kinds[k] : '') }), ' '); })),
      h('td', { text: s.expected }),
      h('td', { text: s.search }),
      h('td', { cls: 'num', text: n(s.executions) }),
      h('td', { cls: 'num', text: secs(s.elapsedMs) })));
  });
  root.appendChild(h('table', { cls: 'summary' },
    h('thead', null, h('tr', null, ['', 'scenario', 'outcome', 'violations', 'expected', 'search', 'executions', 'time'].map(function (t) { return h('th', { text: t }); }))),
    sum));
  scs.forEach(function (s) {
    if (s.violations.length === 0) return;
    var tag = judged ? (s.matches ? 'as expected' : 'not as expected') : s.outcome;
    root.appendChild(h('h2', { id: 'sc-' + s.index }, s.name + ' ', h('span', { cls: 'badge ' + (s.matches ? 'ok' : 'fail'), text: tag })));
    if (s.expected) root.appendChild(h('div', { cls: 'muted', text: 'expected ' + s.expected + ' \\u00b7 ' + s.search }));
    s.violations.forEach(function (v, vi) { root.appendChild(violationBlock(s, v, vi)); });
  });
})();
`;
