// Registers the service worker (www/sw.js) and, when a new deployment has
// installed beside the running one, shows a notice offering to reload.
// A plain script (not inline) so the page's strict CSP allows it.
(() => {
  if (!('serviceWorker' in navigator)) return;
  // Reload only when the person asked for the new version. On a first visit
  // the new worker also takes control (clients.claim), and a reload then
  // would throw away whatever the page was doing (an import, the demo).
  let reloadAsked = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!reloadAsked) return;
    reloadAsked = false;
    window.location.reload();
  });
  const offer = (waiting) => {
    if (document.getElementById('update-notice')) return;
    // A landmark of its own (outside the page's <main>), announced politely.
    const notice = document.createElement('aside');
    notice.id = 'update-notice';
    notice.className = 'update-notice';
    notice.setAttribute('aria-label', 'Update');
    const text = document.createElement('span');
    text.setAttribute('role', 'status');
    text.textContent = 'A new version of Signpost is ready. Your work is saved in this browser. ';
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Reload to update';
    button.addEventListener('click', () => {
      reloadAsked = true;
      waiting.postMessage('skip-waiting');
    });
    const later = document.createElement('button');
    later.type = 'button';
    later.className = 'link';
    later.textContent = 'Not now';
    later.addEventListener('click', () => notice.remove());
    notice.append(text, button, ' ', later);
    document.body.prepend(notice);
  };
  window.addEventListener('load', async () => {
    let registration;
    try {
      registration = await navigator.serviceWorker.register('./sw.js');
    } catch (err) {
      console.warn(`Signpost will not work offline: ${err}`);
      return;
    }
    const watch = (worker) => {
      worker.addEventListener('statechange', () => {
        if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
      });
    };
    if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
    if (registration.installing) watch(registration.installing);
    registration.addEventListener('updatefound', () => watch(registration.installing));
  });
})();
