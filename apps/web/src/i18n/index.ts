import i18n from 'i18next';

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
const STORAGE_KEY = 'lw.lang';

type Catalogue = Record<string, unknown>;
// (React components get this instance through <I18nextProvider> in app/mount.tsx; the car's public
// page uses it without React.)

/** Each language's catalogue is its own file, fetched when first used (a page loads one, not both). */
const CATALOGUES: Record<Lang, () => Promise<{ default: Catalogue }>> = {
  'zh-CN': () => import('./zh-CN.json'),
  en: () => import('./en.json'),
};

function initialLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN';
}

async function loadCatalogue(lang: Lang): Promise<void> {
  if (i18n.hasResourceBundle(lang, 'translation')) return;
  const { default: catalogue } = await CATALOGUES[lang]();
  i18n.addResourceBundle(lang, 'translation', catalogue);
}

/** Switches the language, fetching its catalogue first; the choice is remembered. */
export async function setLang(lang: string): Promise<void> {
  const l: Lang = lang === 'en' ? 'en' : 'zh-CN';
  await loadCatalogue(l);
  await i18n.changeLanguage(l);
}

const lng = initialLang();
/** Resolves once the saved language's catalogue is in: render after it. */
export const i18nReady: Promise<void> = i18n
  .init({
    resources: {},
    partialBundledLanguages: true,
    lng,
    // the catalogues have the same keys (a unit test checks): no fallback catalogue to fetch
    fallbackLng: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  })
  .then(() => loadCatalogue(lng))
  .then(() => i18n.changeLanguage(lng))
  .then(() => undefined);

i18n.on('languageChanged', (l) => {
  localStorage.setItem(STORAGE_KEY, l);
  document.documentElement.lang = l;
});
document.documentElement.lang = lng;

export function currentLang(): Lang {
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

export default i18n;
