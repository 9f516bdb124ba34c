// ptrd's status page. Everything shown comes from DNS, mapping files and the
// provider: it is put on the page with textContent only, never parsed as HTML.
// Data comes from the daemon (status/summary, status/rows: bounded pages) or,
// in a file written by `ptrd plan -o html`, from the JSON block #ptrd-data.
'use strict';
(function () {
  const ORDER = ['in_sync', 'set', 'reset', 'blocked_forward', 'not_owned', 'invalid',
    'lookup_error', 'propagating'];
  const MEANING = {
    in_sync: 'provider PTR equals the declared name',
    set: 'differs; forward DNS confirms the name, so ptrd sets it',
    reset: 'goes back to the provider\'s default PTR',
    blocked_forward: 'differs, but the declared name does not resolve to the IP',
    not_owned: 'the provider does not list the IP on this account',
    invalid: 'the declaration failed validation',
    lookup_error: 'DNS or the provider could not be read reliably',
    propagating: 'the provider has the new name, DNS does not show it yet',
  };
  const PAGE_ROWS = 50;
  const REFRESH_MS = 30000;

  const byId = (id) => document.getElementById(id);
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }
  function when(unix) {
    if (!unix) return '';
    return new Date(unix * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  }
  function ago(unix) {
    if (!unix) return '';
    const s = Math.max(0, Math.round(Date.now() / 1000 - unix));
    if (s < 90) return s + ' s ago';
    if (s < 5400) return Math.round(s / 60) + ' min ago';
    if (s < 129600) return Math.round(s / 3600) + ' h ago';
    return Math.round(s / 86400) + ' d ago';
  }
  function count(n) {
    return Number(n || 0).toLocaleString('en-US');
  }

  // Where the data comes from: the daemon, or the rows embedded in a plan file.
  function daemonSource() {
    async function get(url) {
      const r = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
      if (!r.ok) throw new Error(url.split('?')[0] + ': HTTP ' + r.status + ' ' + (await r.text()).slice(0, 200));
      return r.json();
    }
    return {
      live: true,
      summary: () => get('status/summary'),
      rows: (v) => get('status/rows?' + new URLSearchParams({
        state: v.state, q: v.q, offset: String(v.offset), limit: String(v.limit) })),
    };
  }
  function matches(row, v) {
    if (v.state && row.state !== v.state) return false;
    const q = v.q.toLowerCase();
    if (!q) return true;
    return [row.ip, row.name, row.ptr].some((s) => typeof s === 'string' && s.toLowerCase().includes(q));
  }
  function fileSource(data) {
    const rows = Array.isArray(data.rows) ? data.rows : [];
    return {
      live: false,
      summary: async () => data.summary || {},
      rows: async (v) => {
        const hit = rows.filter((r) => matches(r, v));
        const end = Math.min(hit.length, v.offset + v.limit);
        return { total: hit.length, offset: v.offset, limit: v.limit,
          next: end < hit.length ? end : null, rows: hit.slice(v.offset, end) };
      },
    };
  }
  const embedded = byId('ptrd-data');
  const source = embedded ? fileSource(JSON.parse(embedded.textContent)) : daemonSource();

  // What is shown: the filter and where the page starts. `starts` holds the
  // offsets of the pages before (a page may hold fewer rows than asked for).
  const view = { state: '', q: '', offset: 0, limit: PAGE_ROWS, starts: [] };
  let summary = {};
  let loads = 0;

  function fact(dl, term, ...parts) {
    dl.appendChild(el('dt', term));
    const dd = el('dd');
    for (const p of parts) dd.appendChild(typeof p === 'string' ? document.createTextNode(p) : p);
    dl.appendChild(dd);
  }
  function notice(box, cls, title, items) {
    const div = el('div', null, 'notice ' + cls);
    div.appendChild(el('strong', title));
    if (items && items.length) {
      const ul = el('ul');
      for (const i of items) ul.appendChild(el('li', i));
      div.appendChild(ul);
    }
    box.appendChild(div);
  }

  function renderCounts(s) {
    const box = byId('counts');
    clear(box);
    const counts = s.summary || {};
    for (const st of ORDER) {
      const card = el(st === 'in_sync' ? 'div' : 'button', null, 'count s-' + st);
      if (st !== 'in_sync') {
        card.type = 'button';
        card.dataset.state = st;
        card.title = 'Show only ' + st + ': ' + MEANING[st];
        if (view.state === st) card.classList.add('active');
        card.addEventListener('click', () => setState(view.state === st ? '' : st));
      } else {
        card.title = MEANING[st];
      }
      const b = el('b', count(counts[st]));
      b.id = 'count-' + st;
      card.appendChild(b);
      card.appendChild(el('span', st));
      box.appendChild(card);
    }
  }

  function renderFacts(s) {
    const dl = byId('facts');
    clear(dl);
    if (s.kind === 'Plan') {
      fact(dl, 'Plan', (s.changes || 0) + ' change(s) pending, ' + count(s.managed) + ' managed addresses');
      fact(dl, 'Policy', (s.policy || '') + ', forward check ' + (s.require_forward_match === false ? 'OFF' : 'on'));
      if (s.provider && s.provider.type) fact(dl, 'Provider', s.provider.type);
      return;
    }
    if (s.result === 'pending') {
      fact(dl, 'Last pass', 'none yet: the first pass is running');
      return;
    }
    const result = el('span', s.result, s.result === 'success' ? 'good' : 'bad');
    fact(dl, 'Last pass', result, ' at ' + when(s.finished_at) + ' (' + ago(s.finished_at) + '), took ' +
      Number(s.duration_seconds || 0).toFixed(1) + ' s' + (s.error ? ': ' + s.error : ''));
    const p = s.provider || {};
    fact(dl, 'Provider', (p.type || 'unknown') + '; last error: ' +
      (p.last_error ? p.last_error + ' (' + when(p.last_error_at) + ')' : 'none'));
    fact(dl, 'Reload', el('span', s.reload_successful ? 'ok' : 'failed: keeping the last good files',
      s.reload_successful ? 'good' : 'bad'));
    const f = s.fcrdns || {};
    fact(dl, 'FCrDNS', count(f.mismatch) + ' live PTR(s) not resolving back, of ' + count(f.observed) + ' observed');
    if (s.pending_jobs) fact(dl, 'Provider jobs', count(s.pending_jobs) + ' journaled, not yet finished');
    if (s.config) fact(dl, 'Config', el('span', s.config, 'mono'));
  }

  function renderNotices(s) {
    const box = byId('notices');
    clear(box);
    if (s.cap) notice(box, 'stop', 'Safety cap: this pass changed nothing. ' + s.cap);
    if (s.reload_errors && s.reload_errors.length) {
      const more = (s.reload_errors_total || 0) - s.reload_errors.length;
      notice(box, 'stop', 'Reload failed: the last good copy is in use.',
        s.reload_errors.concat(more > 0 ? ['... and ' + more + ' more'] : []));
    }
    if (s.warnings && s.warnings.length) notice(box, 'warn', 'Warnings', s.warnings);
  }

  function renderSummary(s) {
    summary = s || {};
    const plan = summary.kind === 'Plan';
    byId('kind').textContent = plan ? 'plan' : 'status';
    document.title = plan ? 'ptrd plan' : 'ptrd status';
    byId('subtitle').textContent = plan
      ? 'What `ptrd plan` found; nothing was changed.'
      : 'Reverse DNS drift as the last pass saw it' + (summary.finished_at ? ', updated ' + when(summary.finished_at) : '');
    byId('rows').classList.toggle('plan', !source.live);
    renderCounts(summary);
    renderNotices(summary);
    renderFacts(summary);
  }

  function cell(tr, value, fallback, cls) {
    const td = el('td', value === null || value === undefined || value === '' ? fallback : value, cls);
    if (value === null || value === undefined || value === '') td.classList.add('none');
    tr.appendChild(td);
    return td;
  }

  function renderRows(page) {
    const body = byId('rows-body');
    clear(body);
    let group = null;
    for (const r of page.rows || []) {
      if (r.state !== group) {
        group = r.state;
        const tr = el('tr', null, 'group');
        const th = el('th', r.state, 's-' + r.state);
        th.colSpan = 7;
        th.appendChild(el('small', MEANING[r.state] || ''));
        tr.appendChild(th);
        body.appendChild(tr);
      }
      const tr = el('tr');
      tr.dataset.state = r.state;
      cell(tr, r.ip, '(no address)', 'mono ip');
      cell(tr, r.name, r.state === 'reset' ? '(provider default)' : '(none)', 'mono name');
      cell(tr, r.ptr, '(none)', 'mono name');
      cell(tr, (r.forward || []).join(', '), '', 'mono');
      cell(tr, r.reason, '');
      cell(tr, r.source, r.declared === false ? 'undeclared (policy sync)' : '', 'mono');
      const since = cell(tr, ago(r.since), '', 'since');
      if (r.since) since.title = when(r.since);
      body.appendChild(tr);
    }
    const total = page.total || 0;
    const shown = (page.rows || []).length;
    byId('rows').hidden = shown === 0;
    const empty = byId('empty');
    empty.hidden = shown !== 0;
    empty.textContent = view.q || view.state ? 'No address matches the filter.'
      : (summary.result === 'pending' ? 'Waiting for the first pass.' : 'Every address is in sync.');
    byId('range').textContent = shown ? 'rows ' + count(view.offset + 1) + '\u2013' +
      count(view.offset + shown) + ' of ' + count(total) : '';
    byId('prev').disabled = view.starts.length === 0;
    byId('next').disabled = page.next === null || page.next === undefined;
    view.next = page.next;
  }

  function showError(e) {
    const p = byId('load-error');
    p.hidden = !e;
    p.textContent = e ? 'Could not load: ' + e.message : '';
  }

  async function loadRows() {
    try {
      renderRows(await source.rows(view));
      showError(null);
    } catch (e) {
      showError(e);
    }
    document.documentElement.dataset.loads = String(++loads);
  }

  async function loadAll() {
    try {
      renderSummary(await source.summary());
    } catch (e) {
      showError(e);
    }
    await loadRows();
  }

  function restart() {
    view.offset = 0;
    view.starts = [];
    loadRows();
  }
  function setState(st) {
    view.state = st;
    byId('state').value = st;
    renderCounts(summary);
    restart();
  }

  const select = byId('state');
  for (const st of ORDER.slice(1)) select.appendChild(el('option', st)).value = st;
  select.addEventListener('change', () => setState(select.value));
  let typing = 0;
  byId('q').addEventListener('input', (ev) => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      view.q = ev.target.value.trim();
      restart();
    }, 200);
  });
  byId('prev').addEventListener('click', () => {
    if (!view.starts.length) return;
    view.offset = view.starts.pop();
    loadRows();
  });
  byId('next').addEventListener('click', () => {
    if (view.next === null || view.next === undefined) return;
    view.starts.push(view.offset);
    view.offset = view.next;
    loadRows();
  });
  byId('refresh').addEventListener('click', loadAll);
  byId('refresh').hidden = !source.live;
  loadAll();
  if (source.live) setInterval(loadAll, REFRESH_MS);
})();
