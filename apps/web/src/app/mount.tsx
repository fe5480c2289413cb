import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import i18n from '../i18n';
import './app.css';
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
  registerServiceWorker();
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <App />
      </I18nextProvider>
    </StrictMode>,
  );
}
