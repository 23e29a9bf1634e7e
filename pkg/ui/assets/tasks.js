// The Tasks view: the journal as a gallery (thumbnails, players, prompt, status, seed, time), its
// filters and search, and a page per task with its request, its files and "Download again".
import {
  $, el, api, post, statusPill, dateTimeOf, bytesOf, toast, debounce, codeBlock, field,
} from './util.js';

const taskNames = new Set();

function query() {
  const p = new URLSearchParams();
  for (const [k, id] of [['status', 'tk-status'], ['task', 'tk-task'], ['q', 'tk-q']]) {
    const v = $(id).value.trim();
    if (v) p.set(k, v);
  }
  const s = p.toString();
  return s ? '?' + s : '';
}

// media shows one file: an image, a player for video and audio, or why there is nothing to show.
function media(f, thumb, t) {
  if (!f && t && t.status === 'TASK_STATUS_FAILED') {
    return el('div', { className: 'placeholder bad' }, 'failed' + (t.reason ? ': ' + t.reason : ''));
  }
  if (!f) return el('div', { className: 'placeholder' }, 'no output');
  if (!f.exists) return el('div', { className: 'placeholder' }, f.path ? 'file missing' : 'not downloaded');
  if (f.content_type.startsWith('image/')) {
    return el('img', { src: f.url, alt: f.name, loading: 'lazy', className: thumb ? 'thumb' : 'full' });
  }
  if (f.content_type.startsWith('video/')) {
    // A codec the browser lacks (the sandbox's MJPEG, say) gets a link instead of a dead player.
    const cannot = () => el('div', { className: 'placeholder' }, 'this browser cannot play ',
      el('a', { href: f.url, download: f.name }, f.name));
    return el('video', {
      src: f.url, controls: true, preload: 'metadata', muted: true, className: thumb ? 'thumb' : 'full',
      onerror: (e) => e.target.replaceWith(cannot()),
    });
  }
  if (f.content_type.startsWith('audio/')) {
    return el('div', { className: thumb ? 'audio thumb' : 'audio' }, thumb ? el('span', { className: 'note' }, '♪') : null,
      el('span', { className: 'muted' }, f.name),
      el('audio', { src: f.url, controls: true, preload: 'none' }));
  }
  return el('div', { className: 'placeholder' }, f.name);
}

function card(t) {
  const open = () => { location.hash = '#/tasks/' + encodeURIComponent(t.id); };
  const first = t.files.find((f) => f.exists) || t.files[0];
  const more = t.files.length > 1 ? el('span', { className: 'count' }, '+' + (t.files.length - 1)) : null;
  return el('article', { className: 'card', dataset: { id: t.id } },
    el('div', { className: 'media' }, media(first, true, t), more),
    el('div', { className: 'card-body', onclick: open },
      el('p', { className: 'prompt', title: t.prompt }, t.prompt || el('span', { className: 'muted' }, '(no prompt)')),
      el('div', { className: 'meta' }, statusPill(t.status), el('span', {}, t.task),
        t.seed !== null ? el('span', { className: 'muted' }, 'seed ' + t.seed) : null),
      t.model ? el('div', { className: 'meta muted model', title: t.model }, t.model) : null,
      el('div', { className: 'meta muted' }, dateTimeOf(t.submitted_at))));
}

function remember(t) {
  if (t.task && !taskNames.has(t.task)) {
    taskNames.add(t.task);
    const sel = $('tk-task');
    const cur = sel.value;
    sel.replaceChildren(el('option', { value: '' }, 'All tasks'), ...[...taskNames].sort().map((n) => el('option', { value: n }, n)));
    sel.value = cur;
  }
}

export async function loadTasks() {
  try {
    const list = await api('api/tasks' + query());
    list.forEach(remember);
    $('task-grid').replaceChildren(...list.map(card));
    $('tk-empty').hidden = list.length > 0;
  } catch (e) {
    toast('Loading tasks failed: ' + e.message, true);
  }
}

function fileRow(f) {
  const flags = [f.exists ? 'on disk' : 'not on disk', f.url_expired ? 'URL expired' : 'URL valid'].join(' · ');
  return el('div', { className: 'file' }, media(f, false),
    el('div', { className: 'file-meta' },
      field('File', f.kind + ' ' + f.index),
      field('Path', el('span', { className: 'mono' }, f.path || '—')),
      field('Size', f.bytes ? bytesOf(f.bytes) : '—'),
      field('SHA-256', el('span', { className: 'mono' }, f.sha256 || '—')),
      field('State', flags)));
}

// showTask shows the task id (or a prefix of it), or t as given: a task known only from the metadata
// of a dropped file.
export async function showTask(id, given) {
  const page = $('task-page');
  page.replaceChildren(el('p', { className: 'muted' }, 'Loading…'));
  let t = given;
  try {
    if (!t) t = await api('api/tasks/' + encodeURIComponent(id));
  } catch (e) {
    page.replaceChildren(el('a', { href: '#/tasks' }, '← All tasks'), el('p', { className: 'bad' }, e.message));
    return;
  }
  const again = el('button', { id: 'tk-download', className: 'primary', hidden: !t.can_download_again }, 'Download again');
  again.addEventListener('click', async () => {
    again.disabled = true;
    try {
      await post('api/tasks/' + encodeURIComponent(t.id) + '/download');
      toast('Downloaded the outputs of ' + t.id + ' again');
      showTask(t.id);
    } catch (e) {
      toast('Download failed: ' + e.message, true);
      again.disabled = false;
    }
  });
  page.replaceChildren(...[
    el('a', { href: '#/tasks' }, '← All tasks'),
    el('h2', {}, t.prompt || t.task),
    el('div', { className: 'buttons' }, again),
    field('Task', t.task + (t.task_type ? ' (' + t.task_type + ')' : '')),
    field('Status', statusPill(t.status), t.reason ? ' ' + t.reason : ''),
    t.from_file ? el('p', { className: 'muted', id: 'tk-from-file' },
      'This journal has never seen this task: shown from the metadata embedded in the file.') : null,
    t.sandbox ? el('p', { className: 'muted' }, 'Ran in an in-process --sandbox simulator, gone since.') : null,
    field('Task id', el('span', { className: 'mono' }, t.id)),
    field('Model', t.model || '—'),
    field('Seed', t.seed !== null ? String(t.seed) : '—'),
    t.negative_prompt ? field('Negative prompt', t.negative_prompt) : null,
    field('Submitted', dateTimeOf(t.submitted_at)),
    field('Ended', t.ended_at ? dateTimeOf(t.ended_at) : '—'),
    el('h3', {}, 'Files'),
    ...(t.files.length ? t.files.map(fileRow) : [el('p', { className: 'muted' }, 'No files recorded.')]),
    el('h3', {}, 'Request'),
    t.request !== null ? codeBlock(t.request) : el('p', { className: 'muted' }, 'Not recorded.'),
  ].filter((x) => x !== null));
}

async function sha256Hex(buf) {
  const d = await crypto.subtle.digest('SHA-256', buf);
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// openDropped finds the task of a dropped file: by its sha256, computed here (the file stays in the
// browser), else by the metadata in it (the file is sent to this server, which reads and forgets it).
export async function openDropped(file) {
  try {
    const buf = await file.arrayBuffer();
    let t = await api('api/files/by-sha256/' + await sha256Hex(buf));
    if (!t) {
      t = await api('api/files/lookup', { method: 'POST', body: buf, headers: { 'Content-Type': 'application/octet-stream' } });
    }
    if (t.from_file) {
      $('view-events').hidden = true;
      $('view-tasks').hidden = false;
      $('task-list').hidden = true;
      $('task-page').hidden = false;
      showTask(t.id, t);
    } else {
      location.hash = '#/tasks/' + encodeURIComponent(t.id);
    }
  } catch (e) {
    toast(file.name + ': ' + e.message, true);
  }
}

export function initTasks() {
  document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    const f = e.dataTransfer && e.dataTransfer.files[0];
    if (f) openDropped(f);
  });
  $('tk-status').addEventListener('change', loadTasks);
  $('tk-task').addEventListener('change', loadTasks);
  $('tk-q').addEventListener('input', debounce(loadTasks, 250));
}
