import { i18nReady } from './i18n';

// The car's public page (/e/:code) is what a passenger opens from the QR code on a lobby's
// signal: it loads on its own, without the dashboard and its component library.
const root = document.getElementById('root');
const publicCode = /^\/e\/([^/]+)\/?$/.exec(window.location.pathname)?.[1];
if (root) {
  const page =
    publicCode !== undefined
      ? import('./public/light/mount').then((m) => () => m.mount(root, decodeURIComponent(publicCode)))
      : import('./app/mount').then((m) => () => m.mount(root));
  void Promise.all([page, i18nReady]).then(([mount]) => mount());
}
