/* Bering's tablet: the service worker (hand-written, no framework). Release {{ version }}.
 * - install: keep the shell and this release's static files;
 * - pages under /tablet/: the network first, the kept shell when there is no link;
 * - the files' text parts and previews: the kept copy at once, refreshed behind
 *   (stale-while-revalidate); no other API answer is kept here: the app keeps its
 *   data in IndexedDB;
 * - /tablet/pdf/<file id>: the PDF copy the app assembled in IndexedDB;
 * - push: a notification; a tap on it opens (or focuses) the app on the item. */
'use strict';
const VERSION = '{{ version }}';
const SHELL = {{ shell|safe }};
const PRECACHE = {{ precache|safe }};
const ICON = {{ icon|safe }};
const STATIC = 'bering-tablet-' + VERSION;
const FILES = 'bering-tablet-files';
const READ = /^\/api\/v1\/documents\/\d+\/files\/\d+\/(text|preview)$/;
const PDF = /^\/tablet\/pdf\/(\d+)$/;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC);
    await Promise.all(PRECACHE.map(async (url) => {
      const response = await fetch(url, { credentials: 'same-origin', cache: 'no-cache' });
      // A redirect (to the sign-in page) is not the shell: keep only the real thing.
      if (response.ok && !response.redirected) await cache.put(url, response);
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('bering-tablet-') && name !== STATIC && name !== FILES) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

async function shell(request) {
  try {
    const response = await fetch(request);
    if (response.type === 'basic' && response.ok && !response.redirected) {
      const cache = await caches.open(STATIC);
      await cache.put(SHELL, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await caches.match(SHELL);
    if (kept) return kept;
    return new Response('<!doctype html><meta charset="utf-8"><p>Нет связи. / Offline.</p>', {
      status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' },
    });
  }
}

async function staleWhileRevalidate(event) {
  const cache = await caches.open(FILES);
  const kept = await cache.match(event.request, { ignoreVary: true });
  const fresh = fetch(event.request).then(async (response) => {
    if (response.ok) await cache.put(event.request, response.clone());
    return response;
  });
  if (kept) {
    event.waitUntil(fresh.catch(() => null));
    return kept;
  }
  return fresh;
}

async function cacheFirst(request) {
  const kept = await caches.match(request, { ignoreSearch: false });
  return kept || fetch(request);
}

function idbGet(store, key) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('bering-tablet');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains(store)) { db.close(); resolve(undefined); return; }
      const request = db.transaction(store).objectStore(store).get(key);
      request.onsuccess = () => { db.close(); resolve(request.result); };
      request.onerror = () => { db.close(); reject(request.error); };
    };
  });
}

async function pdf(id) {
  const kept = await idbGet('files', 'pdf:' + id).catch(() => undefined);
  if (!kept || !kept.blob) {
    return new Response('<!doctype html><meta charset="utf-8"><p>PDF ещё не загружен. / The PDF is not loaded yet.</p>', {
      status: 404, headers: { 'Content-Type': 'text/html; charset=utf-8' },
    });
  }
  const name = encodeURIComponent(kept.name || 'document.pdf');
  return new Response(kept.blob, {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': "inline; filename*=UTF-8''" + name,
    },
  });
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const match = PDF.exec(url.pathname);
  if (match) { event.respondWith(pdf(match[1])); return; }
  if (request.mode === 'navigate') {
    if (url.pathname === SHELL) event.respondWith(shell(request));
    return;
  }
  if (READ.test(url.pathname)) { event.respondWith(staleWhileRevalidate(event)); return; }
  if (PRECACHE.includes(url.pathname)) event.respondWith(cacheFirst(request));
  // Anything else (the API above all) goes to the network as if there were no worker.
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'forget-files') event.waitUntil(caches.delete(FILES));
});

function idbAll(store) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('bering-tablet');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains(store)) { db.close(); resolve([]); return; }
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => { db.close(); resolve(request.result); };
      request.onerror = () => { db.close(); reject(request.error); };
    };
  });
}

/* Where a tap on the notification leads: the item in the app when the message names it
 * (an address under /tablet/, a key, or the document it is about: tag «document-5»),
 * otherwise the queue. */
async function target(data) {
  const item = (key) => SHELL + '#/item/' + encodeURIComponent(key);
  if (typeof data.url === 'string' && data.url.startsWith(SHELL)) return data.url;
  if (typeof data.key === 'string') return item(data.key);
  const doc = /^document-(\d+)$/.exec(data.tag || '');
  const items = await idbAll('items').catch(() => []);
  const found = items.find((i) => !i.gone && ((data.url && i.page_url === data.url)
    || (doc && i.document && String(i.document.id) === doc[1])));
  return found ? item(found.key) : SHELL + '#/';
}

self.addEventListener('push', (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = { body: event.data ? event.data.text() : '' }; }
  const said = { url: data.url || (data.data || {}).url, key: data.key || (data.data || {}).key, tag: data.tag };
  event.waitUntil((async () => {
    const url = await target(said);
    await self.registration.showNotification(data.title || 'Беринг', {
      body: data.body || '', icon: ICON, badge: ICON, tag: data.tag || url, data: { ...said, url, said: said.url },
    });
    for (const client of await self.clients.matchAll({ type: 'window' })) {
      client.postMessage({ type: 'sync' });
    }
  })());
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  event.waitUntil((async () => {
    // The item may have arrived since the message did: look again.
    const url = data.url && data.url !== SHELL + '#/' ? data.url : await target({ ...data, url: data.said });
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const client of windows) {
      if (new URL(client.url).pathname === SHELL && 'focus' in client) {
        await client.focus();
        client.postMessage({ type: 'open', url });
        return;
      }
    }
    await self.clients.openWindow(url);
  })());
});
