// The Events view: the list of webhook deliveries (loaded, then live through server-sent events),
// filters, the detail pane and the replay / edit / test-event / export actions.
import {
  $, el, api, post, statusPill, shortStatus, timeOf, toast, debounce, headersTable, codeBlock, prettyText, field,
} from './util.js';

const byID = new Map();
const taskTypes = new Set();
let selected = null;
let live = null;
let loadingBuf = null; // events streamed while a load is in flight, re-added once it lands

function filter() {
  return { status: $('ev-status').value, task_type: $('ev-type').value, q: $('ev-q').value };
}

function query(f) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? '?' + s : '';
}

// matches mirrors the server's filter for events that arrive live.
function matches(ev, f) {
  if (f.status && shortStatus(ev.status) !== f.status) return false;
  if (f.task_type && (ev.task_type || '').toLowerCase() !== f.task_type.toLowerCase()) return false;
  if (f.q && !ev.body.toLowerCase().includes(f.q.toLowerCase())) return false;
  return true;
}

// injectedNote is what `listen --respond-status/--respond-delay` wrote in its answer's
// X-Novita-Listen-Injected header ("--respond-status FAILED=500; the app answered 200"), else ''.
function injectedNote(fw) {
  const h = fw.headers || {};
  for (const k of Object.keys(h)) {
    if (k.toLowerCase() === 'x-novita-listen-injected') return (h[k] || [''])[0];
  }
  return '';
}

function forwardCell(ev) {
  const fw = ev.forward;
  if (!fw) return el('span', { className: 'muted' }, '—');
  if (fw.error && !fw.status) return el('span', { className: 'bad' }, 'error');
  const cls = fw.status >= 200 && fw.status < 300 ? 'ok' : 'bad';
  const note = injectedNote(fw);
  let status = String(fw.status);
  if (note.includes('--respond-status')) {
    // the answer Novita saw was replaced: say so, and what the app itself answered
    const app = /the app answered (\d+)/.exec(note);
    status += ' injected' + (app ? ' (app: ' + app[1] + ')' : '');
  }
  return el('span', { title: note || '' }, el('span', { className: cls }, status), ' · ' + fw.latency_ms.toFixed(0) + ' ms');
}

function row(ev) {
  const marks = [];
  if (ev.duplicate) marks.push(el('span', { className: 'mark' }, 'retry'));
  if (ev.replay_of) marks.push(el('span', { className: 'mark' }, 'replay'));
  if (ev.event_type && ev.event_type !== 'ASYNC_TASK_RESULT') marks.push(el('span', { className: 'mark' }, ev.event_type));
  const tr = el('tr', { dataset: { id: ev.id }, onclick: () => select(ev.id) },
    el('td', { className: 'mono' }, timeOf(ev.received)),
    el('td', {}, ev.status ? statusPill(ev.status) : el('span', { className: 'muted' }, '?')),
    el('td', {}, ev.task_type || '—'),
    el('td', { className: 'mono ellipsis', title: ev.task_id || '' }, ev.task_id || '—'),
    el('td', {}, ...marks),
    el('td', {}, forwardCell(ev)));
  if (ev.id === selected) tr.classList.add('selected');
  return tr;
}

function remember(ev) {
  byID.set(ev.id, ev);
  if (ev.task_type && !taskTypes.has(ev.task_type)) {
    taskTypes.add(ev.task_type);
    const sel = $('ev-type');
    const cur = sel.value;
    sel.replaceChildren(el('option', { value: '' }, 'All task types'),
      ...[...taskTypes].sort().map((t) => el('option', { value: t }, t)));
    sel.value = cur;
  }
}

function showEmpty() {
  $('ev-empty').hidden = $('ev-rows').children.length > 0;
}

async function load() {
  const f = filter();
  $('ev-export').href = 'api/events/export' + query(f);
  const buf = [];
  loadingBuf = buf;
  try {
    const list = await api('api/events' + query(f));
    list.forEach(remember);
    $('ev-rows').replaceChildren(...list.map(row));
    if (loadingBuf === buf) loadingBuf = null;
    buf.forEach(addLive);
  } catch (e) {
    toast('Loading events failed: ' + e.message, true);
  }
  showEmpty();
}

// addLive puts a streamed event at the top of the list, once, when the filter lets it through.
function addLive(ev) {
  if (loadingBuf) loadingBuf.push(ev);
  remember(ev);
  const old = $('ev-rows').querySelector(`tr[data-id="${CSS.escape(ev.id)}"]`);
  if (old) { old.replaceWith(row(ev)); return; }
  if (!matches(ev, filter())) return;
  $('ev-rows').prepend(row(ev));
  showEmpty();
}

function select(id) {
  selected = id;
  for (const tr of $('ev-rows').children) tr.classList.toggle('selected', tr.dataset.id === id);
  const ev = byID.get(id);
  if (!ev) return;
  $('ev-detail').replaceChildren(...detail(ev).filter(Boolean));
  if (ev.body_truncated && !ev.full) { // lists carry a preview of each body: fetch the event itself
    api('api/events/' + encodeURIComponent(id)).then((full) => {
      full.full = true;
      byID.set(id, full);
      if (selected === id) $('ev-detail').replaceChildren(...detail(full).filter(Boolean));
    }).catch(() => {});
  }
}

function forwardSection(title, fw) {
  const parts = [el('h3', {}, title)];
  if (!fw) return [...parts, el('p', { className: 'muted' }, 'Not forwarded.')];
  parts.push(field('Target', fw.target || '—'));
  parts.push(field('Status', fw.status ? String(fw.status) : 'no answer', ' in ' + fw.latency_ms.toFixed(1) + ' ms'));
  if (fw.error) parts.push(field('Error', el('span', { className: 'bad' }, fw.error)));
  parts.push(el('h4', {}, 'Response headers'), headersTable(fw.headers));
  parts.push(el('h4', {}, 'Response body'), codeBlock(fw.body));
  return parts;
}

function detail(ev) {
  const result = el('div', { id: 'ev-replay-result' });
  const editor = el('textarea', { id: 'ev-editor', spellcheck: false, value: prettyText(ev.body) });
  const problem = el('p', { id: 'ev-editor-error', className: 'bad' });
  const check = () => {
    try { JSON.parse(editor.value); problem.textContent = ''; return true; } catch (e) {
      problem.textContent = 'Not valid JSON: ' + e.message;
      return false;
    }
  };
  editor.addEventListener('input', debounce(check, 200));
  const edit = el('div', { id: 'ev-edit', className: 'panel', hidden: true },
    el('h3', {}, 'Edit & replay'), editor, problem,
    el('div', { className: 'buttons' },
      el('button', { id: 'ev-send-edited', className: 'primary', onclick: () => check() && replay(ev, editor.value, result) }, 'Send edited body'),
      el('button', { onclick: () => { edit.hidden = true; } }, 'Cancel')));
  const marks = [ev.duplicate && 'retry of an earlier delivery', ev.replay_of && 'replay'].filter(Boolean).join(', ');
  return [
    el('div', { className: 'detail-head' },
      ev.status ? statusPill(ev.status) : null,
      el('strong', {}, ev.task_type || ev.event_type || 'event'),
      el('span', { className: 'mono muted' }, ev.task_id || '')),
    el('div', { className: 'buttons' },
      el('button', { id: 'ev-replay', className: 'primary', onclick: () => replay(ev, null, result) }, 'Replay'),
      el('button', { id: 'ev-edit-open', onclick: () => { edit.hidden = false; check(); editor.focus(); } }, 'Edit & replay')),
    edit, result,
    field('Received', new Date(ev.received).toLocaleString()),
    field('Event', ev.event_type || '?', marks ? ' (' + marks + ')' : ''),
    field('Outputs', String(ev.outputs)),
    ev.forward ? field('Forwarded', forwardCell(ev), ' → ' + ev.forward.target) : null,
    el('h3', {}, 'Request'),
    field('Method', ev.method),
    el('h4', {}, 'Headers'), headersTable(ev.headers),
    el('h4', {}, 'Body (' + ev.body_bytes + ' bytes)'), codeBlock(ev.body),
    ...forwardSection('Forward response', ev.forward),
  ];
}

async function replay(ev, editedBody, target) {
  const path = 'api/events/' + encodeURIComponent(ev.id) + (editedBody === null ? '/replay' : '/replay-edited');
  try {
    const fw = await post(path, editedBody === null ? undefined : editedBody);
    target.replaceChildren(el('div', { className: 'panel' }, ...forwardSection(editedBody === null ? 'Replay' : 'Edited replay', fw)));
    toast('Replayed: ' + (fw.status || 'no answer') + ' in ' + fw.latency_ms.toFixed(0) + ' ms');
  } catch (e) {
    toast('Replay failed: ' + e.message, true);
  }
}

async function sendTest(e) {
  e.preventDefault();
  try {
    const r = await post('api/test-event', { status: $('te-status').value, task: $('te-task').value.trim() });
    toast('Test event for task ' + r.task_id + ' sent; the receiver answered ' + r.receiver_status);
    $('ev-test').hidden = true;
  } catch (err) {
    toast('Test event failed: ' + err.message, true);
  }
}

function setLive(text, cls) {
  const b = $('live');
  b.textContent = text;
  b.className = 'badge ' + cls;
}

export function initEvents(info) {
  $('ev-status').addEventListener('change', load);
  $('ev-type').addEventListener('change', load);
  $('ev-q').addEventListener('input', debounce(load, 250));
  $('ev-test-open').addEventListener('click', () => { $('ev-test').hidden = !$('ev-test').hidden; });
  $('te-cancel').addEventListener('click', () => { $('ev-test').hidden = true; });
  $('ev-test').addEventListener('submit', sendTest);
  // A test event needs a running receiver: history-only `novita ui` has none.
  $('ev-test-open').disabled = !info.actions || !info.live;
  if (!info.live) $('ev-test-open').title = 'history only: no receiver is running here; start novita listen --ui to send test events';
  else if (!info.actions) $('ev-test-open').title = 'actions are off in this inspector';
  load();
  if (!info.live) { setLive('history only', 'off'); return; }
  let opened = false;
  live = new EventSource('api/events/stream');
  live.addEventListener('delivery', (m) => addLive(JSON.parse(m.data)));
  live.addEventListener('open', () => {
    setLive('live', 'on');
    if (opened) load(); // a reconnect: catch up on what the stream missed
    opened = true;
  });
  live.addEventListener('error', () => setLive('reconnecting…', 'off'));
}
