import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import i18n from '../i18n';
// The dashboard's own styles, put in the page when it mounts: as a plain `import './app.css'` the
// bundler emitted the file but left it out of this dynamically imported chunk's dependencies, so
// it never loaded (the fleet list lost its grid, the readable empty-list text its colour).
import appCss from './app.css?inline';
import { App } from './App';

/**
 * The service worker that lets the dashboard open without signal (built by vite-plugin-pwa); a
 * new release takes over at once. Browsers without one (or a page not served over https or from
 * localhost) simply go on without.
 */
function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const register = (): void => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

/** Renders the dashboard (every route but the cars' public pages). */
export function mount(root: HTMLElement): void {
  const style = document.createElement('style');
  style.dataset.liftwatch = 'app';
  style.textContent = appCss;
  document.head.appendChild(style);
  registerServiceWorker();
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <App />
      </I18nextProvider>
    </StrictMode>,
  );
}
