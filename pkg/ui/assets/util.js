// Shared helpers. Everything that came from the network reaches the page through textContent or
// element properties, never through innerHTML.

// el builds an element: el('td', {className: 'x', onclick: f}, 'text', childNode, ...).
export function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e[k] = v;
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export const $ = (id) => document.getElementById(id);

// api fetches JSON; a non-2xx answer throws an Error with the server's message.
export async function api(path, opts) {
  const res = await fetch(path, opts);
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    throw new Error((data && data.error) || text.trim() || res.status + ' ' + res.statusText);
  }
  return data;
}

export function post(path, body) {
  const opts = { method: 'POST' };
  if (body !== undefined) {
    opts.headers = { 'Content-Type': 'application/json' };
    opts.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  return api(path, opts);
}

export function shortStatus(s) {
  return (s || '').replace(/^TASK_STATUS_/, '') || '?';
}

export function statusPill(s) {
  const short = shortStatus(s);
  return el('span', { className: 'pill st-' + short.toLowerCase() }, short);
}

export function timeOf(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return '';
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds()) + '.' + p(d.getMilliseconds(), 3);
}

// dateTimeOf is the CLI's format (novita tasks, tasks show): 2026-12-06 15:04:05, local time.
export function dateTimeOf(iso) {
  const d = new Date(iso);
  if (isNaN(d) || d.getFullYear() < 2000) return '';
  const p = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + ' ' +
    p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds());
}

// bytesOf uses the CLI's decimal units (iostreams.HumanBytes): 135.2 kB, 1.2 MB.
export function bytesOf(n) {
  if (n < 1000) return n + ' B';
  for (const unit of ['kB', 'MB', 'GB']) {
    n /= 1000;
    if (n < 999.95 || unit === 'GB') return n.toFixed(1) + ' ' + unit;
  }
  return n + ' B';
}

export function debounce(fn, ms) {
  let t;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}

export function toast(msg, bad) {
  const t = $('toast');
  t.textContent = msg;
  t.className = bad ? 'show bad' : 'show';
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.className = ''; }, 4000);
}

// headersTable renders an http.Header object ({name: [values]}).
export function headersTable(h) {
  const rows = [];
  for (const k of Object.keys(h || {}).sort()) {
    for (const v of h[k]) rows.push(el('tr', {}, el('th', {}, k), el('td', {}, v)));
  }
  return rows.length ? el('table', { className: 'headers' }, ...rows) : el('p', { className: 'muted' }, 'no headers');
}

// The JSON highlighter re-indents the original text token by token instead of JSON.parse +
// stringify, so numbers keep every digit and keys keep their order.
const TOKEN = /\s+|"(?:[^"\\\u0000-\u001f]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[{}[\],:]/y;

function tokens(text) {
  const out = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const m = TOKEN.exec(text);
    if (!m) return null;
    if (!/^\s/.test(m[0])) out.push(m[0]);
  }
  return out;
}

// prettyJSON returns [{text, cls}] pieces of the indented document, or null when text is not JSON.
export function prettyJSON(text) {
  try { JSON.parse(text); } catch { return null; }
  const toks = tokens(text);
  if (!toks) return null;
  const out = [];
  let depth = 0;
  const nl = () => out.push({ text: '\n' + '  '.repeat(depth) });
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i], next = toks[i + 1];
    if (t === '{' || t === '[') {
      if (next === (t === '{' ? '}' : ']')) { out.push({ text: t + next }); i++; continue; }
      out.push({ text: t }); depth++; nl();
    } else if (t === '}' || t === ']') {
      depth--; nl(); out.push({ text: t });
    } else if (t === ',') {
      out.push({ text: ',' }); nl();
    } else if (t === ':') {
      out.push({ text: ': ' });
    } else if (t[0] === '"') {
      out.push({ text: t, cls: next === ':' ? 'j-key' : 'j-str' });
    } else if (t === 'true' || t === 'false' || t === 'null') {
      out.push({ text: t, cls: 'j-lit' });
    } else {
      out.push({ text: t, cls: 'j-num' });
    }
  }
  return out;
}

export function prettyText(text) {
  const p = prettyJSON(text);
  return p ? p.map((x) => x.text).join('') : text;
}

// codeBlock shows a body: highlighted when it is JSON, as plain text otherwise.
export function codeBlock(text) {
  const pre = el('pre', { className: 'code' });
  const p = prettyJSON(text);
  if (!p) {
    pre.textContent = text === '' ? '(empty)' : text;
    return pre;
  }
  for (const x of p) pre.append(x.cls ? el('span', { className: x.cls }, x.text) : document.createTextNode(x.text));
  return pre;
}

export function field(label, ...value) {
  return el('div', { className: 'field' }, el('span', { className: 'label' }, label), el('span', {}, ...value));
}
