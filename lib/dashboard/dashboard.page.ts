import { createHash } from 'node:crypto';
import type { ResolvedDashboardOptions } from './dashboard-options.parser.js';

/** What the page shows before its stream connects: the list and the jobs as JSON, if read. */
export interface FirstState {
  locks?: string;
  jobs?: string;
}

/** The page, and the CSP that lets only its own script and style run. */
export interface DashboardPage {
  render(first: FirstState): string;
  csp: string;
}

/**
 * One page, no build chain. It arrives with the current state, drawn at once, so it is right
 * before `<path>/stream` (server-sent events) connects, and behind a proxy that buffers the
 * stream. Every value from etcd is set with `textContent`, never as HTML: lock names come from
 * users; in the page's JSON, `<` is escaped, so no name can close its element.
 */
export function dashboardPage(options: ResolvedDashboardOptions): DashboardPage {
  const config = JSON.stringify({
    base: options.path === '/' ? '' : options.path,
    forceRelease: options.forceRelease,
    heldLongerThan: options.heldLongerThan,
  }).replaceAll('<', '\\u003c');
  const script = `const CONFIG = ${config};\n${SCRIPT}`;
  // Only this page's own script and style run, and nothing may frame it (clickjacking).
  const csp = [
    "default-src 'none'",
    `script-src '${sha256(script)}'`,
    `style-src '${sha256(STYLE)}'`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { render: (first) => page(script, first), csp };
}

/** Data, not script (the CSP allows no other script): read by the page's own script. */
const dataBlock = (id: string, json: string | undefined) =>
  json === undefined
    ? ''
    : `<script type="application/json" id="${id}">${json.replaceAll('<', '\\u003c')}</script>\n`;

const sha256 = (text: string) => `sha256-${createHash('sha256').update(text).digest('base64')}`;

function page(script: string, first: FirstState): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Locks · nestjs-etcd-lock</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>Locks</h1><span id="summary">connecting…</span><span id="status" class="status">●</span></header>
<main>
<section class="locks"><table><thead><tr><th>Lock</th><th>Holder</th><th>Token</th><th title="since the holder queued">Age</th><th>TTL left</th><th>Waiting</th><th></th></tr></thead>
<tbody id="locks"></tbody></table><p id="empty" class="empty">No lock is held or waited for.</p></section>
<section class="jobs" id="jobs-panel" hidden><h2>Scheduled jobs</h2><table><thead><tr><th>Job</th><th>Schedule</th><th>Last tick</th><th>Outcome</th><th>Duration</th><th>Replica</th><th>Next tick</th></tr></thead>
<tbody id="jobs"></tbody></table></section>
<aside><h2>Recent events</h2><ol id="feed"></ol></aside>
</main>
${dataBlock('first-locks', first.locks)}${dataBlock('first-jobs', first.jobs)}<script>${script}</script>
</body>
</html>`;
}

const STYLE = `
:root { color-scheme: light dark; --line: #8884; --muted: #888; --flag: #d97706; --bad: #dc2626; --ok: #16a34a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
header { display: flex; align-items: baseline; gap: 1rem; padding: .75rem 1.25rem; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.15rem; margin: 0; } h2 { font-size: .95rem; margin: 0 0 .5rem; }
#summary { color: var(--muted); } .status { margin-left: auto; color: var(--bad); } .status.live { color: var(--ok); }
main { display: flex; flex-wrap: wrap; gap: 1.25rem; padding: 1rem 1.25rem; }
.locks { flex: 3 1 36rem; overflow-x: auto; } aside { flex: 1 1 16rem; }
.jobs { flex: 1 1 100%; order: 1; overflow-x: auto; } .jobs[hidden] { display: none; }
td.failed, td.lost, td.missed { color: var(--bad); } td.ok { color: var(--ok); }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; white-space: nowrap; }
th { font-weight: 600; color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; }
td.name { font-family: ui-monospace, monospace; white-space: normal; word-break: break-all; min-width: 11rem; }
td.name .muted { font-family: system-ui, sans-serif; word-break: normal; white-space: nowrap; }
tr.flagged td { background: color-mix(in srgb, var(--flag) 12%, transparent); }
.badge { display: inline-block; margin-left: .4rem; padding: 0 .4rem; border-radius: .6rem; font-size: .75rem; background: var(--flag); color: #fff; }
.muted { color: var(--muted); }
button { font: inherit; padding: .2rem .6rem; border: 1px solid var(--bad); color: var(--bad); background: none; border-radius: .35rem; cursor: pointer; }
.empty { color: var(--muted); } .empty[hidden] { display: none; }
#feed { list-style: none; margin: 0; padding: 0; max-height: 70vh; overflow-y: auto; }
#feed li { padding: .3rem 0; border-bottom: 1px solid var(--line); font-size: .85rem; }
#feed .type { font-weight: 600; } #feed .lock-lost, #feed .lock-force-released { color: var(--bad); }
@media (max-width: 40rem) { th:nth-child(5), td:nth-child(5) { display: none; } main { padding: .75rem; } }
`;

const SCRIPT = `
const $ = (id) => document.getElementById(id);
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
let view = { now: new Date().toISOString(), locks: [] }, receivedAt = Date.now();
const serverNow = () => Date.parse(view.now) + (Date.now() - receivedAt);
const fmt = (ms) => { const s = ms / 1000; if (s < 60) return s.toFixed(1) + ' s'; if (s < 3600) return Math.floor(s / 60) + ' m ' + String(Math.floor(s % 60)).padStart(2, '0') + ' s'; return Math.floor(s / 3600) + ' h ' + String(Math.floor(s % 3600 / 60)).padStart(2, '0') + ' m'; };
function draw() {
  const body = $('locks'); body.replaceChildren();
  let held = 0, waiting = 0, flagged = 0;
  for (const lock of view.locks) {
    const first = lock.holders[0]; held += lock.holders.length; waiting += lock.waiters.length;
    const heldMs = first && first.since ? serverNow() - Date.parse(first.since) : undefined;
    const long = heldMs !== undefined && heldMs > CONFIG.heldLongerThan;
    if (long) flagged++;
    const row = el('tr', undefined, long ? 'flagged' : ''); row.dataset.lock = lock.name;
    const name = el('td', lock.name, 'name');
    if (first && first.permits > 1) name.append(' ', el('span', first.permits + ' permits', 'muted'));
    else if (first && first.mode === 'read') name.append(' ', el('span', 'read', 'muted'));
    row.append(name);
    const owner = first ? (first.owner || 'other client') + (lock.holders.length > 1 ? ' +' + (lock.holders.length - 1) : '') : '—';
    row.append(el('td', owner, first ? '' : 'muted'), el('td', first ? first.token : '—'));
    const heldCell = el('td', heldMs === undefined ? '—' : fmt(heldMs));
    if (long) heldCell.append(el('span', 'over ' + fmt(CONFIG.heldLongerThan), 'badge'));
    row.append(heldCell, el('td', first ? first.ttlRemaining + ' s' : '—'), el('td', String(lock.waiters.length)));
    const action = el('td');
    if (CONFIG.forceRelease && first) { const b = el('button', 'Force release'); b.onclick = () => release(lock.name); action.append(b); }
    row.append(action); body.append(row);
  }
  $('empty').hidden = view.locks.length > 0;
  $('summary').textContent = view.locks.length + ' locks · ' + held + ' holders · ' + waiting + ' waiting' + (flagged ? ' · ' + flagged + ' held too long' : '');
}
async function release(name) {
  const reason = prompt('Force-release "' + name + '"? Its holder loses the lock and the next waiter gets in. Reason:');
  if (!reason) return;
  const res = await fetch(CONFIG.base + '/release', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, reason }) });
  if (!res.ok) alert('Not released: ' + ((await res.json().catch(() => ({}))).message || res.status));
}
function drawJobs(jobs) {
  const body = $('jobs'); body.replaceChildren();
  const time = (iso) => iso ? new Date(iso).toLocaleString() : '—';
  for (const job of jobs) {
    const row = el('tr', undefined, job.missed ? 'flagged' : ''); row.dataset.job = job.name;
    const name = el('td', job.name, 'name');
    if (job.missed) name.append(el('span', job.missed + ' missed', 'badge'));
    row.append(name, el('td', job.cron + (job.timeZone ? ' ' + job.timeZone : ''), 'muted'), el('td', time(job.lastTick)));
    row.append(el('td', job.outcome + (job.error ? ': ' + job.error : ''), job.outcome), el('td', job.durationMs === null ? '—' : fmt(job.durationMs)));
    row.append(el('td', job.replica || '—'), el('td', time(job.nextTick)));
    body.append(row);
  }
  $('jobs-panel').hidden = jobs.length === 0;
}
function feed(item) {
  const li = el('li', undefined, item.kind.replace('.', '-'));
  li.append(el('span', new Date(item.at).toLocaleTimeString() + ' ', 'muted'), el('span', item.kind + ' ', 'type'), el('span', item.key + ' '), el('span', item.detail, 'muted'));
  $('feed').prepend(li);
  while ($('feed').children.length > 100) $('feed').lastChild.remove();
}
const first = (id) => { const block = $(id); return block ? JSON.parse(block.textContent) : undefined; };
if (first('first-locks')) { view = first('first-locks'); draw(); }
if (first('first-jobs')) drawJobs(first('first-jobs'));
const source = new EventSource(CONFIG.base + '/stream');
source.addEventListener('locks', (e) => { view = JSON.parse(e.data); receivedAt = Date.now(); draw(); });
source.addEventListener('jobs', (e) => drawJobs(JSON.parse(e.data)));
source.addEventListener('events', (e) => JSON.parse(e.data).forEach(feed));
source.onopen = () => $('status').classList.add('live');
source.onerror = () => $('status').classList.remove('live');
setInterval(draw, 1000);
`;
