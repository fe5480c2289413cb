import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = resolve(__dirname, '../../test-artifacts/dashboard');
export const WEB_BUILD = resolve(__dirname, '../../dist/web/index.html');

export const LAPTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };
export type Size = 'laptop' | 'phone';
export type Lang = 'zh-CN' | 'en';

/** Debian's Chromium, headless, as the test set-up installs it (scripts/ensure-test-tools.sh). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: npm test installs it (scripts/ensure-test-tools.sh)`);
  }
  if (!existsSync(WEB_BUILD))
    throw new Error(`${WEB_BUILD} is missing: run npm run build (npm test does it first)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/** A fresh browser profile at a screen size and language, with notifications allowed. */
export async function newContext(
  browser: Browser,
  baseUrl: string,
  o: { size?: Size; lang?: Lang; serviceWorker?: boolean; bypassCSP?: boolean } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    // (for harness scripts injected into the page, such as axe-core)
    bypassCSP: o.bypassCSP ?? false,
    // the dashboard's service worker precaches ~2.3 MB per fresh context: only the files that
    // test it let it install
    serviceWorkers: o.serviceWorker ? 'allow' : 'block',
    baseURL: baseUrl,
    viewport: o.size === 'phone' ? PHONE : LAPTOP,
    deviceScaleFactor: 1,
    isMobile: o.size === 'phone',
    hasTouch: o.size === 'phone',
    acceptDownloads: true,
    timezoneId: 'Asia/Shanghai',
    locale: o.lang === 'en' ? 'en-US' : 'zh-CN',
  });
  await context.grantPermissions(['notifications'], { origin: baseUrl });
  if (o.lang) {
    // (as text: this file is type-checked for Node, without the DOM)
    await context.addInitScript(
      `if (!localStorage.getItem('lw.lang')) localStorage.setItem('lw.lang', ${JSON.stringify(o.lang)});`,
    );
  }
  return context;
}

/** Signs in through the login form and waits for the role's home screen. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((u) => u.pathname !== '/login' && u.pathname !== '/', { timeout: 20_000 });
  await page.getByTestId('user-menu').waitFor();
}

/** Saves a screenshot under test-artifacts/dashboard/ (kept by CI, looked at by people). */
export async function shot(page: Page, name: string, fullPage = false): Promise<string> {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** Errors the page logged, so a test can fail on a broken screen and not only on a missing element. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/**
 * Closes entrapment popups (Esc, one after another): an admin sees every open entrapment of the
 * shared test database, raised by other test files, and the popup would cover the screen under test.
 */
export async function dismissEntrapmentPopups(page: Page): Promise<void> {
  for (let i = 0; i < 50; i += 1) {
    const popup = page.getByTestId('entrapment-popup');
    if (!(await popup.isVisible().catch(() => false))) {
      // a popup may still be on its way (the open alarms load after the page)
      await page.waitForTimeout(300);
      if (!(await popup.isVisible().catch(() => false))) return;
    }
    await page.keyboard.press('Escape');
    await page.waitForTimeout(150);
  }
}
