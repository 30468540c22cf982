/* Bering's tablet: the head's queue, read and decided offline. Plain JS, no build.
 * IndexedDB «bering-tablet»: items (by key), meta (cursor, as_of, last_ok_at,
 * offline_since...), outbox (decisions in the order taken), files (text parts, PDF
 * chunks and assembled PDFs). The outbox is sent in order when the link is up; each
 * decision carries its Idempotency-Key (made once) and the item's ETag (If-Match). */
(() => {
  'use strict';
  const root = document.getElementById('tablet');
  if (!root) return;
  const D = root.dataset;
  const view = document.getElementById('view');
  const banner = document.getElementById('banner');

  // --- Words: Russian first ---------------------------------------------------------
  const WORDS = {
    ru: {
      queue: 'Ждут моего решения', empty: 'Ничего не ждёт вашего решения.', never: 'Очередь ещё не загружена: нужна связь.',
      dataAt: 'данные на ', refresh: 'Обновить', back: '← Очередь', due: 'срок ', overdue: 'просрочено',
      waits: 'решение ждёт отправки', sending: 'отправляется', conflict: 'конфликт', failed: 'не принято',
      applied: 'применено', replayed: 'уже применено ранее', gone: 'снято с очереди',
      offlineSince: 'нет связи с ', sendingN: 'отправляю ', login: 'Войдите снова, чтобы отправить решения',
      decisions: ['решение', 'решения', 'решений'], waitSend: ['ждёт отправки', 'ждут отправки', 'ждут отправки'],
      comment: 'Комментарий', commentRequired: 'Напишите комментарий: без него это решение не принять.',
      cancel: 'Отменить', cancelled: 'Решение отменено, не отправлено.', more: 'далее', files: 'Файлы',
      openPdf: 'Открыть PDF', pdfLoading: 'PDF загружается…', textMissing: 'Текст ещё не загружен: нужна связь.',
      textPending: 'Текст ещё готовится на сервере.', signOnline: 'Подписание — только при связи, с паролем.',
      openPage: 'Открыть в полной версии', changed: 'Что изменилось', was: 'было', now: 'стало',
      field_title: 'заголовок', field_text: 'текст', field_files: 'файлы', field_due: 'срок', field_actions: 'решения',
      decideAgain: 'Примите решение заново по тому, что есть сейчас.', dismiss: 'Понятно, убрать',
      sent: 'Отправлено', notFound: 'Этого пункта больше нет в очереди.', queued: 'Решение в очереди на отправку: ',
      push: 'Уведомления на этом устройстве', pushOn: 'включены', pushOff: 'выключены', pushNo: 'недоступны в этом браузере',
      pushDenied: 'запрещены в настройках браузера', pushFail: 'не удалось включить', on: 'Включить', off: 'Выключить',
      error: 'Ошибка', document: 'Документ', from: 'от ',
    },
    en: {
      queue: 'Waiting for my decision', empty: 'Nothing waits for your decision.', never: 'The queue is not loaded yet: a link is needed.',
      dataAt: 'data as of ', refresh: 'Refresh', back: '← Queue', due: 'due ', overdue: 'overdue',
      waits: 'decision waits to be sent', sending: 'sending', conflict: 'conflict', failed: 'not accepted',
      applied: 'applied', replayed: 'already applied earlier', gone: 'left the queue',
      offlineSince: 'offline since ', sendingN: 'sending ', login: 'Sign in again to send the decisions',
      decisions: ['decision', 'decisions', 'decisions'], waitSend: ['waits to be sent', 'wait to be sent', 'wait to be sent'],
      comment: 'Comment', commentRequired: 'Write a comment: this decision needs one.',
      cancel: 'Cancel', cancelled: 'The decision was cancelled, not sent.', more: 'more', files: 'Files',
      openPdf: 'Open the PDF', pdfLoading: 'The PDF is loading…', textMissing: 'The text is not loaded yet: a link is needed.',
      textPending: 'The text is still being prepared on the server.', signOnline: 'Signing needs the link and the password.',
      openPage: 'Open the full version', changed: 'What changed', was: 'was', now: 'now',
      field_title: 'title', field_text: 'text', field_files: 'files', field_due: 'term', field_actions: 'decisions',
      decideAgain: 'Decide again on what it is now.', dismiss: 'Understood, remove',
      sent: 'Sent', notFound: 'This item is no longer in the queue.', queued: 'The decision waits to be sent: ',
      push: 'Notifications on this device', pushOn: 'on', pushOff: 'off', pushNo: 'not available in this browser',
      pushDenied: 'blocked in the browser settings', pushFail: 'could not be turned on', on: 'Turn on', off: 'Turn off',
      error: 'Error', document: 'Document', from: 'of ',
    },
  };
  const lang = (D.lang || 'ru').slice(0, 2) === 'en' ? 'en' : 'ru';
  const W = WORDS[lang];
  const plural = (n, forms) => {
    if (lang !== 'ru') return forms[n === 1 ? 0 : 1];
    const d = n % 10, h = n % 100;
    if (d === 1 && h !== 11) return forms[0];
    if (d >= 2 && d <= 4 && (h < 12 || h > 14)) return forms[1];
    return forms[2];
  };

  // --- IndexedDB --------------------------------------------------------------------
  let opened;
  const db = () => opened || (opened = new Promise((resolve, reject) => {
    const r = indexedDB.open('bering-tablet', 1);
    r.onupgradeneeded = () => {
      const d = r.result;
      d.createObjectStore('items', { keyPath: 'key' });
      d.createObjectStore('meta');
      d.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
      d.createObjectStore('files');
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  }));
  const req = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  const done = (t) => new Promise((resolve, reject) => { t.oncomplete = resolve; t.onabort = t.onerror = () => reject(t.error); });
  const os = async (name, mode) => (await db()).transaction(name, mode || 'readonly').objectStore(name);
  const get = async (s, k) => req((await os(s)).get(k));
  const put = async (s, v, k) => req((await os(s, 'readwrite')).put(v, k));
  const del = async (s, k) => req((await os(s, 'readwrite')).delete(k));
  const all = async (s) => req((await os(s)).getAll());
  const meta = (k) => get('meta', k);
  const setMeta = (k, v) => put('meta', v, k);

  // --- Small helpers ----------------------------------------------------------------
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const kid of kids.flat()) if (kid !== null && kid !== undefined && kid !== false) el.append(kid);
    return el;
  }
  const pad = (n) => String(n).padStart(2, '0');
  const day = (d) => `${pad(d.getDate())}.${pad(d.getMonth() + 1)}.${d.getFullYear()}`;
  function when(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    return day(d) === day(new Date()) ? hm : `${day(d)} ${hm}`;
  }
  const uuid = () => (crypto.randomUUID ? crypto.randomUUID()
    : ([1e7] + -1e3 + -4e3 + -8e3 + -1e11).replace(/[018]/g, (c) => (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));
  const csrf = () => (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || '';
  function headers(extra, who) {
    const as = who || D;
    const out = { 'X-Bering-Post': as.post, Accept: 'application/json', ...extra };
    if (as.behalf) out['X-Bering-On-Behalf-Of'] = as.behalf;
    return out;
  }
  const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
  const sha256 = async (blob) => hex(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  async function api(url, init, who) {
    const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store', ...init, headers: headers((init || {}).headers, who) });
    await online();
    return response;
  }
  let contact = 0;
  async function online() {
    if (Date.now() - contact > 60e3) { contact = Date.now(); await setMeta('last_contact', new Date().toISOString()); }
    if (await meta('offline_since')) { await setMeta('offline_since', null); paint(); }
  }
  async function offline(cold) {
    // Started without a link: it has been down since the last answer we had, at the latest.
    const since = (cold && (await meta('last_contact'))) || new Date().toISOString();
    if (!(await meta('offline_since'))) await setMeta('offline_since', since);
    paintBanner();
  }

  // --- Sync: the queue from /api/v1/desk/changes ---------------------------------------
  let syncing = null;
  function sync() {
    if (!syncing) syncing = doSync().finally(() => { syncing = null; });
    return syncing;
  }
  async function doSync() {
    if (!navigator.onLine) { await offline(); return; }
    let cursor = await meta('cursor');
    // The keys of a full sync while its pages arrive, kept across a broken link: what is
    // not among them when the last page is in has left the queue.
    const kept = await meta('fresh');
    let fresh = kept ? new Set(kept) : null;
    for (let page = 0; page < 50; page += 1) {
      const etag = await meta('etag');
      const url = D.changes + '?limit=50' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
      let response;
      try {
        response = await api(url, { headers: cursor && etag ? { 'If-None-Match': etag } : {} });
      } catch (error) { await offline(); return; }
      if (response.status === 304) break;
      if (response.status === 401 || response.status === 403) { await setMeta('auth', true); paintBanner(); return; }
      if (!response.ok) return;
      const data = await response.json();
      if (data.reset) fresh = new Set();
      await apply(data, fresh);
      await setMeta('fresh', fresh && data.more ? [...fresh] : null);
      cursor = data.cursor;
      await setMeta('cursor', cursor);
      await setMeta('etag', response.headers.get('ETag'));
      await setMeta('as_of', data.as_of);
      if (!data.more) break;
    }
    await setMeta('auth', false);
    await setMeta('last_ok_at', new Date().toISOString());
    paint();
    prefetch();
  }
  async function apply(data, fresh) {
    const open = ['pending', 'sending', 'conflict', 'failed'];
    const keep = new Set((await myOutbox()).filter((e) => open.includes(e.status)).map((e) => e.key));
    const d = await db();
    const t = d.transaction(['items'], 'readwrite');
    const items = t.objectStore('items');
    const drop = async (key) => {
      if (!keep.has(key)) { items.delete(key); return; }
      const old = await req(items.get(key)); // decided here and waiting: keep it to show the answer
      if (old) { old.gone = true; items.put(old); }
    };
    for (const item of data.changed) { items.put({ ...item, gone: false }); if (fresh) fresh.add(item.key); }
    for (const key of data.removed) await drop(key);
    if (fresh && !data.more) {
      for (const key of await req(items.getAllKeys())) if (!fresh.has(key)) await drop(key);
    }
    await done(t);
  }

  // --- Prefetch: text part 1 and preview of every file; the PDF copy in chunks -------------
  let fetching = false;
  async function prefetch() {
    if (fetching || !navigator.onLine) return;
    fetching = true;
    try {
      for (const item of await all('items')) {
        if (item.gone) continue;
        for (const file of item.files || []) {
          // Every part of the text (up to 10 × 12 KB), so that «далее» works offline too.
          const first = await textPart(file, 1);
          for (let part = 2; first && part <= Math.min(first.parts || 0, 10); part += 1) await textPart(file, part);
          if (file.preview_url) await keepPreview(file.preview_url);
          if (file.pdf_url && !(await get('files', 'pdf:' + file.id))) await pdfCopy(file);
        }
      }
    } finally { fetching = false; }
    root.dataset.prefetched = new Date().toISOString(); // for the tests: all kept once
    if (current().item) paint();
  }
  async function keepPreview(url) {
    // Into the worker's cache of files (it serves them offline, refreshed behind).
    if (!('caches' in window)) return;
    try {
      const cache = await caches.open('bering-tablet-files');
      if (!(await cache.match(url, { ignoreVary: true }))) await cache.add(url);
    } catch (error) { /* no link or no preview yet: next time */ }
  }
  async function textPart(file, part) {
    const key = `text:${file.id}:${part}`;
    const kept = await get('files', key);
    if (kept) return kept;
    if (!navigator.onLine) return null;
    try {
      const response = await api(file.text_url + '?part=' + part);
      if (!response.ok) return null;
      const data = await response.json();
      if (data.status === 'pending') return data; // not extracted yet: ask again next time
      await put('files', data, key);
      return data;
    } catch (error) { return null; }
  }
  const CHUNK = 256 * 1024;
  async function pdfCopy(file) {
    // Resumable: each 256 KB chunk is kept as it arrives; the next run continues after the last.
    const state = (await get('files', 'pdfstate:' + file.id)) || { chunks: 0, size: file.pdf_size, sha: file.pdf_sha256, tag: null };
    if (state.size && state.size > 50 * 1024 * 1024) return;
    try {
      while (!state.size || state.chunks * CHUNK < state.size) {
        const start = state.chunks * CHUNK;
        const extra = { Range: `bytes=${start}-${start + CHUNK - 1}` };
        if (state.tag) extra['If-Range'] = state.tag;
        const response = await api(file.pdf_url, { headers: extra });
        const whole = response.headers.get('X-Bering-SHA256');
        if (whole && state.sha && whole !== state.sha) return restart(file); // another PDF now
        if (whole) state.sha = whole;
        if (response.status === 200) { // no ranges (or If-Range failed): the whole file at once
          await keepPdf(file, await response.blob(), state.sha);
          return;
        }
        if (response.status !== 206) return;
        const range = /\/(\d+)\s*$/.exec(response.headers.get('Content-Range') || '');
        if (range) state.size = Number(range[1]);
        state.tag = response.headers.get('ETag') || state.tag;
        await put('files', await response.blob(), `pdfchunk:${file.id}:${state.chunks}`);
        state.chunks += 1;
        await put('files', state, 'pdfstate:' + file.id);
        if (!state.size) return;
      }
      const parts = [];
      for (let i = 0; i < state.chunks; i += 1) parts.push(await get('files', `pdfchunk:${file.id}:${i}`));
      await keepPdf(file, new Blob(parts, { type: 'application/pdf' }), state.sha);
    } catch (error) { /* no link: the chunks kept so far wait for the next run */ }
  }
  async function restart(file) {
    const state = await get('files', 'pdfstate:' + file.id);
    for (let i = 0; state && i < state.chunks; i += 1) await del('files', `pdfchunk:${file.id}:${i}`);
    await del('files', 'pdfstate:' + file.id);
  }
  async function keepPdf(file, blob, expected) {
    const actual = await sha256(blob);
    await restart(file);
    if (expected && actual !== expected) return; // damaged on the way: fetched again next time
    await put('files', { blob, name: file.name.replace(/\.[^.]+$/, '') + '.pdf', sha: actual }, 'pdf:' + file.id);
  }

  // --- The outbox -----------------------------------------------------------------------
  // A decision belongs to the person who took it: another person signed in on this device
  // neither sees nor sends it; it goes when its owner signs in here again.
  const mine = (e) => (e.user || D.user) === D.user;
  async function myOutbox() { return (await all('outbox')).filter(mine); }
  async function decide(item, action, comment) {
    const body = { ...action.body };
    if (action.comment_field) body[action.comment_field] = comment;
    await put('outbox', {
      key: item.key, title: item.title, action: action.name, comment, label: action.label, url: action.url, body,
      etag: item.etag, idem: uuid(), user: D.user, post: D.post, behalf: D.behalf || '', status: 'pending', tries: 0, next_at: 0, created_at: new Date().toISOString(),
    });
    for (const e of await myOutbox()) { // a new decision settles an old conflict on the item
      if (e.key === item.key && (e.status === 'conflict' || e.status === 'failed')) await put('outbox', { ...e, status: 'settled' });
    }
    location.hash = '#/';
    paint();
    flush();
  }
  let flushing = null;
  let retryTimer = 0;
  function flush() {
    // One sender per device: another tab of the app waits for this one (Web Locks).
    const run = () => doFlush();
    const locked = navigator.locks ? () => navigator.locks.request('bering-tablet-outbox', run) : run;
    if (!flushing) flushing = locked().finally(() => { flushing = null; });
    return flushing;
  }
  async function doFlush() {
    if (!navigator.onLine) { await offline(); return; }
    let sent = false;
    for (;;) {
      const waiting = (await myOutbox()).filter((e) => e.status === 'pending' || e.status === 'sending');
      if (!waiting.length) break;
      const e = waiting[0]; // the outbox is sent in order: one at a time
      const wait = e.next_at - Date.now();
      if (wait > 0) { clearTimeout(retryTimer); retryTimer = setTimeout(flush, wait); break; }
      await put('outbox', { ...e, status: 'sending' });
      paintBanner();
      let response = null;
      try {
        response = await api(e.url, {
          method: 'POST', body: JSON.stringify(e.body),
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': e.idem, 'If-Match': e.etag, 'X-CSRFToken': csrf() },
        }, { post: e.post, behalf: e.behalf });
      } catch (error) { await offline(); }
      if (!(await settle(e, response))) break;
      sent = true;
    }
    paint();
    if (sent) sync();
  }
  async function retry(e, status, after) {
    const tries = e.tries + 1;
    const backoff = Math.min(5 * 60e3, 2e3 * 2 ** Math.min(tries, 8)) * (0.75 + Math.random() / 2);
    const delay = Math.max(backoff, (Number(after) || 0) * 1e3); // the server's Retry-After, if longer
    await put('outbox', { ...e, status: 'pending', tries, next_at: Date.now() + delay, detail: status || '' });
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, delay);
    return false;
  }
  async function settle(e, response) {
    // true: go on with the next decision; false: stop (no link, or wait and retry this one)
    if (!response) return retry(e);
    let data = {};
    try { data = await response.clone().json(); } catch (error) { data = {}; }
    const s = response.status;
    if (response.ok) {
      const replayed = response.headers.get('Idempotent-Replayed') === 'true';
      await put('outbox', { ...e, status: 'done', result: replayed ? 'replayed' : 'applied', done_at: new Date().toISOString() });
      return true;
    }
    if (s === 401 || (s === 403 && /csrf|credentials|authenticat/i.test(JSON.stringify(data)))) {
      await put('outbox', { ...e, status: 'pending' });
      await setMeta('auth', true);
      return false;
    }
    if (s === 412) {
      await put('outbox', { ...e, status: 'conflict', code: data.code || 'item_changed', detail: data.detail || '', now: data.item || null, was: await get('items', e.key) || null });
      if (data.item) await put('items', { ...data.item, gone: false });
      return true;
    }
    if (s === 409 && data.code === 'request_in_progress') return retry(e, s, response.headers.get('Retry-After')); // the first try is still running
    if (s === 409) {
      await put('outbox', { ...e, status: 'conflict', code: data.code || 'conflict', detail: data.detail || '' });
      return true;
    }
    if (s === 429 || s >= 500) return retry(e, s, response.headers.get('Retry-After'));
    await put('outbox', { ...e, status: 'failed', code: data.code || String(s), detail: data.detail || `${W.error} ${s}` });
    return true;
  }

  // --- Views ------------------------------------------------------------------------------
  const current = () => {
    const m = /^#\/item\/(.+)$/.exec(location.hash);
    return { item: m ? decodeURIComponent(m[1]) : null };
  };
  async function state() {
    const [items, outbox] = await Promise.all([all('items'), myOutbox()]);
    const byKey = {};
    for (const e of outbox) if (e.status !== 'settled') (byKey[e.key] = byKey[e.key] || []).push(e);
    return { items, outbox, byKey };
  }
  let painting = Promise.resolve();
  function paint() {
    painting = painting.then(doPaint, doPaint).catch((error) => { root.dataset.error = String(error); });
    return painting;
  }
  let painted = '';
  async function doPaint() {
    const s = await state();
    const { item } = current();
    if (item) {
      // Redrawn only when the item, its decisions or its files changed: never under the
      // head's fingers while he types a comment or reads the parts opened with «далее».
      const found = s.items.find((i) => i.key === item);
      const files = found ? await Promise.all((found.files || []).map(async (f) => Boolean(await get('files', 'pdf:' + f.id)) + ':' + Boolean(await get('files', `text:${f.id}:1`)))) : [];
      const sig = JSON.stringify([item, found && found.version, found && found.gone, (s.byKey[item] || []).map((e) => [e.seq, e.status]), files]);
      if (sig !== painted) {
        const typed = view.querySelector('textarea');
        const out = await itemView(s, item);
        const area = out.querySelector('textarea');
        if (typed && area && painted.startsWith(JSON.stringify([item]).slice(0, -1))) area.value = typed.value;
        view.replaceChildren(out);
        painted = sig;
      }
    } else {
      view.replaceChildren(await queueView(s));
      painted = '';
    }
    await paintBanner(s);
  }
  async function paintBanner(given) {
    const s = given || (await state());
    const n = s.outbox.filter((e) => e.status === 'pending' || e.status === 'sending').length;
    const since = await meta('offline_since');
    const count = `${n} ${plural(n, W.decisions)}`;
    let text = '';
    let kind = '';
    if (since || !navigator.onLine) {
      text = W.offlineSince + when(since || new Date().toISOString()) + (n ? ` · ${count} ${plural(n, W.waitSend)}` : '');
      kind = 'offline';
    } else if (n && (await meta('auth'))) {
      text = `${W.login} (${count})`;
      kind = 'auth';
    } else if (n) {
      text = `${W.sendingN}${count}…`;
      kind = 'sending';
    }
    banner.hidden = !text;
    banner.className = 'banner ' + kind;
    banner.dataset.banner = kind;
    banner.dataset.waiting = String(n);
    banner.replaceChildren(text);
    if (kind === 'auth') banner.append(' ', h('a', { href: D.login }, '→'));
  }
  function mark(entries) {
    const list = entries || [];
    const last = list[list.length - 1];
    if (!last) return null;
    const words = { pending: W.waits, sending: W.sending, conflict: W.conflict, failed: W.failed, done: last.result === 'replayed' ? W.replayed : W.applied };
    return h('span', { class: 'mark ' + last.status, 'data-mark': last.status }, words[last.status] || last.status);
  }
  function due(item) {
    return [
      item.due ? h('span', { class: 'due' }, W.due + item.due) : null,
      item.overdue ? h('span', { class: 'overdue', 'data-overdue': '' }, ' ', item.overdue) : null,
    ];
  }
  async function queueView(s) {
    const asOf = await meta('last_ok_at');
    const items = s.items.filter((i) => !i.gone || s.byKey[i.key]);
    items.sort((a, b) => (a.due_at || '9999') < (b.due_at || '9999') ? -1 : (a.due_at || '9999') > (b.due_at || '9999') ? 1 : 0);
    const head = h('div', { class: 'bar' },
      h('h1', {}, W.queue, ' ', h('span', { class: 'muted', 'data-count': 'queue' }, String(items.filter((i) => !i.gone).length))),
      h('span', { class: 'stale muted', 'data-stale': asOf || '' }, asOf ? W.dataAt + when(asOf) : ''),
      h('button', { type: 'button', class: 'refresh', 'data-action': 'refresh', onclick: () => { flush(); sync(); } }, W.refresh));
    const list = h('ul', { class: 'list tablet-list', 'data-list': 'tablet' },
      items.map((i) => h('li', { 'data-item': i.key, 'data-kind': i.kind, class: i.gone ? 'gone' : null },
        h('a', { class: 'row', href: '#/item/' + encodeURIComponent(i.key) },
          h('span', { class: 'badge' }, i.label), ' ', h('strong', {}, i.title),
          h('span', { class: 'line muted' }, docLine(i)),
          h('span', { class: 'line' }, due(i), ' ', mark(s.byKey[i.key]))))));
    const sent = s.outbox.filter((e) => e.status === 'done' && !s.items.some((i) => i.key === e.key && !i.gone)).slice(-10).reverse();
    return h('section', { class: 'card' }, head,
      items.length ? list : h('p', { class: 'muted', 'data-empty': '' }, asOf ? W.empty : W.never),
      sent.length ? h('div', { class: 'sent' }, h('h2', {}, W.sent), h('ul', { class: 'list' },
        sent.map((e) => h('li', { 'data-sent': e.key, 'data-result': e.result }, `${e.label} · ${e.title} — `, mark([e]))))) : null,
      pushBox());
  }
  function docLine(i) {
    const d = i.document || {};
    return [d.type, d.number ? '№ ' + d.number : '', d.date ? W.from + d.date : '', d.organization].filter(Boolean).join(' · ');
  }
  async function itemView(s, key) {
    const item = s.items.find((i) => i.key === key);
    const back = h('a', { class: 'button back', href: '#/' }, W.back);
    if (!item) return h('section', { class: 'card' }, back, h('p', {}, W.notFound));
    const entries = s.byKey[key] || [];
    const card = h('article', { class: 'card item', 'data-item-view': key },
      back,
      h('p', { class: 'muted' }, h('span', { class: 'badge' }, item.label), ' ', docLine(item)),
      h('h1', {}, item.title),
      h('p', {}, due(item), item.due_note ? h('span', { class: 'muted note' }, ' ', item.due_note) : null));
    for (const e of entries) card.append(entryBox(e));
    if (item.text) card.append(h('div', { class: 'text', 'data-text': 'item' }, item.text));
    for (const file of item.files || []) card.append(await fileBox(file));
    const open = entries.find((e) => e.status === 'pending' || e.status === 'sending');
    if (!open && !item.gone) card.append(actionsBox(item));
    return card;
  }
  function entryBox(e) {
    const box = h('div', { class: 'entry ' + e.status, 'data-entry': e.status },
      h('p', {}, mark([e]), ' ', e.label, e.comment ? ` — «${e.comment}»` : ''));
    if (e.status === 'pending') {
      box.append(h('button', { type: 'button', 'data-action': 'cancel', onclick: async () => {
        const now = await get('outbox', e.seq);
        if (now && now.status === 'pending') { await del('outbox', e.seq); paint(); }
      } }, W.cancel));
    }
    if (e.status === 'conflict' || e.status === 'failed') {
      box.append(h('p', { class: 'detail', 'data-detail': e.code || '' }, e.detail || ''));
      if (e.was && e.now) box.append(diff(e.was, e.now));
      if (e.status === 'conflict') box.append(h('p', { class: 'muted' }, W.decideAgain));
      box.append(h('button', { type: 'button', 'data-action': 'dismiss', onclick: async () => {
        await put('outbox', { ...e, status: 'settled' });
        const item = await get('items', e.key);
        if (item && item.gone) { await del('items', e.key); location.hash = '#/'; }
        paint();
      } }, W.dismiss));
    }
    return box;
  }
  function diff(was, now) {
    const files = (i) => (i.files || []).map((f) => `${f.name} (${f.sha256 ? f.sha256.slice(0, 8) : f.id})`).join(', ');
    const actions = (i) => (i.actions || []).map((a) => a.label).join(', ');
    const fields = [['title', (i) => i.title], ['text', (i) => i.text], ['files', files], ['due', (i) => i.due], ['actions', actions]];
    const rows = fields.filter(([, f]) => (f(was) || '') !== (f(now) || '')).map(([name, f]) => h('tr', { 'data-diff': name },
      h('th', {}, W['field_' + name]), h('td', {}, h('del', {}, f(was) || '—')), h('td', {}, h('ins', {}, f(now) || '—'))));
    if (!rows.length) return null;
    return h('table', { class: 'diff', 'data-test': 'conflict-diff' }, h('caption', {}, W.changed),
      h('tr', {}, h('th', {}, ''), h('th', {}, W.was), h('th', {}, W.now)), rows);
  }
  async function fileBox(file) {
    // The text first (what the head reads), then the PDF copy and the picture of page 1.
    const box = h('section', { class: 'file', 'data-file': String(file.id) }, h('h2', {}, file.name));
    const text = h('div', { class: 'text', 'data-text': 'file' });
    box.append(text);
    await showPart(file, 1, text);
    const pdf = await get('files', 'pdf:' + file.id);
    if (pdf) {
      const href = navigator.serviceWorker && navigator.serviceWorker.controller ? '/tablet/pdf/' + file.id : URL.createObjectURL(pdf.blob);
      box.append(h('p', {}, h('a', { class: 'button', href, target: '_blank', rel: 'noopener', 'data-action': 'pdf' }, W.openPdf)));
    } else if (file.pdf_url) box.append(h('p', { class: 'muted' }, W.pdfLoading));
    if (file.preview_url) box.append(h('img', { class: 'preview', src: file.preview_url, alt: '', 'data-preview': String(file.id) }));
    return box;
  }
  async function showPart(file, part, into) {
    const data = await textPart(file, part);
    if (!data || !data.text) { // no link yet, or no text: the server says why (a scan, not ready)
      into.append(h('p', { class: 'muted', 'data-text-status': data ? data.status : 'missing' }, data ? data.detail || W.textPending : W.textMissing));
      return;
    }
    into.append(h('div', { 'data-part': String(part) }, data.text || ''));
    if (data.parts && part < data.parts) {
      const more = h('button', { type: 'button', class: 'more', 'data-action': 'more', onclick: async () => { more.remove(); await showPart(file, part + 1, into); } }, `${W.more} (${part + 1}/${data.parts})`);
      into.append(more);
    }
  }
  function actionsBox(item) {
    if (!item.actions || !item.actions.length) {
      return h('div', { class: 'decide' }, h('p', { class: 'muted' }, W.signOnline), h('a', { class: 'button', href: item.page_url }, W.openPage));
    }
    const needs = item.actions.some((a) => a.comment_field);
    const area = needs ? h('textarea', { name: 'comment', rows: '3', 'data-field': 'comment' }) : null;
    const error = h('p', { class: 'error', hidden: true, 'data-error': 'comment' }, W.commentRequired);
    return h('div', { class: 'decide', 'data-actions': item.key },
      needs ? h('label', {}, W.comment, area) : null, error,
      h('div', { class: 'buttons' }, item.actions.map((a, n) => h('button', {
        type: 'button', class: n === 0 ? 'primary' : null, 'data-action': a.name,
        onclick: () => {
          const text = area ? area.value.trim() : '';
          if (a.comment_required && !text) { error.hidden = false; if (area) area.focus(); return; }
          decide(item, a, text);
        },
      }, a.label))));
  }

  // --- Push opt-in -------------------------------------------------------------------------
  const pushState = h('span', { class: 'muted', 'data-push': 'unknown' });
  const pushButton = h('button', { type: 'button', 'data-action': 'push', onclick: () => togglePush() });
  function pushBox() {
    return h('div', { class: 'push' }, h('span', {}, W.push, ': '), pushState, ' ', pushButton);
  }
  async function pushRefresh() {
    const set = (word, state, button) => {
      pushState.textContent = word;
      pushState.dataset.push = state;
      pushButton.hidden = !button;
      pushButton.textContent = button || '';
    };
    if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return set(W.pushNo, 'missing', '');
    if (Notification.permission === 'denied') return set(W.pushDenied, 'denied', '');
    const reg = await navigator.serviceWorker.getRegistration(D.sw.replace(/sw\.js$/, ''));
    const sub = reg && (await reg.pushManager.getSubscription());
    return sub && (await meta('push_id')) ? set(W.pushOn, 'on', W.off) : set(W.pushOff, 'off', W.on);
  }
  function key64(text) {
    const b = atob((text + '='.repeat((4 - (text.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(b, (c) => c.charCodeAt(0));
  }
  async function togglePush() {
    try {
      const reg = await navigator.serviceWorker.ready;
      const sub = await reg.pushManager.getSubscription();
      const id = await meta('push_id');
      if (sub && id) {
        await api(`${D.pushSubscriptions}/${id}`, { method: 'DELETE', headers: { 'X-CSRFToken': csrf() } });
        await sub.unsubscribe();
        await setMeta('push_id', null);
      } else {
        if ((await Notification.requestPermission()) !== 'granted') return pushRefresh();
        const { public_key: key } = await (await api(D.pushKey)).json();
        const made = sub || (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key64(key) }));
        const json = made.toJSON();
        const response = await api(D.pushSubscriptions, {
          method: 'POST', body: JSON.stringify({ endpoint: json.endpoint, keys: json.keys, device: navigator.userAgent.slice(0, 200) }),
          headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf() },
        });
        if (!response.ok) throw new Error(String(response.status));
        await setMeta('push_id', (await response.json()).id);
      }
    } catch (error) {
      pushState.textContent = W.pushFail;
      pushState.dataset.push = 'failed';
      return null;
    }
    return pushRefresh();
  }

  // --- Start ---------------------------------------------------------------------------------
  async function start() {
    // Another person (or post) on this device: what the previous one kept is not theirs.
    const who = `${D.user}:${D.post}:${D.behalf || ''}`;
    const was = await meta('who');
    if (was && was !== who) {
      const d = await db();
      const t = d.transaction(['items', 'meta', 'outbox', 'files'], 'readwrite');
      for (const name of ['items', 'files']) t.objectStore(name).clear();
      for (const k of ['cursor', 'etag', 'as_of', 'last_ok_at']) t.objectStore('meta').delete(k);
      await done(t); // the outbox stays: each decision names its person and post
      if ('caches' in window) await caches.delete('bering-tablet-files');
    }
    await setMeta('who', who);
    const week = Date.now() - 7 * 864e5; // the list of sent decisions keeps a week
    for (const e of await all('outbox')) {
      if ((e.status === 'done' || e.status === 'settled') && Date.parse(e.done_at || e.created_at) < week) await del('outbox', e.seq);
    }
    if (!navigator.onLine) await offline(true);
    await paint();
    window.addEventListener('hashchange', () => { paint(); window.scrollTo(0, 0); });
    window.addEventListener('online', async () => { await online(); await flush(); sync(); });
    window.addEventListener('offline', () => offline());
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') { flush(); sync(); } });
    setInterval(() => { if (document.visibilityState === 'visible') { flush(); sync(); } }, 3 * 60e3);
    if ('serviceWorker' in navigator) {
      const controlled = () => { root.dataset.worker = navigator.serviceWorker.controller ? 'controlled' : 'none'; };
      navigator.serviceWorker.addEventListener('controllerchange', controlled);
      controlled();
      navigator.serviceWorker.register(D.sw, { scope: D.sw.replace(/sw\.js$/, '') }).catch(() => null);
      navigator.serviceWorker.addEventListener('message', (event) => {
        const data = event.data || {};
        if (data.type === 'sync') sync();
        if (data.type === 'open' && data.url) location.assign(data.url);
      });
    }
    pushRefresh().catch(() => null);
    await flush();
    await sync();
  }
  root.dataset.ready = 'starting';
  start().then(() => { root.dataset.ready = 'yes'; }, () => { root.dataset.ready = 'error'; });
})();
