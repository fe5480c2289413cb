import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { setLang } from '../i18n';

/** 中文 / EN: every string comes from the catalogues, so switching relabels the whole app. */
export function LangSwitch() {
  const { i18n } = useTranslation();
  return (
    <Segmented
      size="small"
      data-testid="lang-switch"
      value={i18n.language === 'en' ? 'en' : 'zh-CN'}
      options={[
        { label: '中文', value: 'zh-CN' },
        { label: 'EN', value: 'en' },
      ]}
      onChange={(v) => void setLang(String(v))}
    />
  );
}
