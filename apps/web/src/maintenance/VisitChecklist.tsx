import { CheckOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Input, List, Radio, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { type Schemas } from '../api/client';
import { currentLang } from '../i18n';

export type Result = Schemas['ItemDto']['result'];
export type Item = Schemas['ChecklistItem'];
export type Answers = Record<string, { result?: Result; note: string }>;
const RESULTS: Result[] = ['ok', 'adjusted', 'replaced', 'defect', 'not_applicable'];

/** What the answers still lack, and what they found: the visit can be signed when nothing is missing. */
export function review(items: readonly Item[], answers: Answers, photos: number) {
  const of = (code: string) => answers[code] ?? { note: '' };
  const unanswered = items.filter((i) => !of(i.code).result);
  const defects = items.filter((i) => of(i.code).result === 'defect');
  return {
    unanswered,
    defects,
    /** adjusted or replaced: maintenance work done, not a defect */
    worked: items.filter((i) => ['adjusted', 'replaced'].includes(of(i.code).result ?? '')).length,
    undescribed: defects.filter((i) => !of(i.code).note.trim()),
    /** a defect of a safety-critical part needs a photo of the visit */
    needsPhoto: photos === 0 && defects.some((i) => i.safetyCritical),
  };
}

/**
 * The checklist of the level on the phone. Every item starts unanswered; the safety-critical ones
 * (brakes, governor, door locks…) are answered one by one, the rest may be marked 正常 together
 * once looked at. A defect is described; a defect of a safety-critical part also needs a photo.
 */
export function VisitChecklist({
  items,
  loading,
  answers,
  onChange,
}: {
  items: readonly Item[];
  loading: boolean;
  answers: Answers;
  onChange: (code: string, answer: { result?: Result; note: string }) => void;
}) {
  const { t } = useTranslation();
  const lang = currentLang();
  const r = review(items, answers, 1);
  const restOk = items.filter((i) => !i.safetyCritical && !answers[i.code]?.result);
  return (
    <Card
      size="small"
      title={t('visit.checklist', { count: items.length })}
      extra={
        <Typography.Text type={r.defects.length ? 'danger' : 'secondary'} data-testid="visit-exceptions">
          {t('visit.defects', { count: r.defects.length })}
          {r.worked > 0 && ` · ${t('visit.worked', { count: r.worked })}`}
        </Typography.Text>
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('visit.answerHint')}
      </Typography.Paragraph>
      {restOk.length > 0 && (
        <Button
          block
          icon={<CheckOutlined />}
          style={{ marginBottom: 8 }}
          data-testid="visit-rest-ok"
          onClick={() =>
            restOk.forEach((i) => onChange(i.code, { result: 'ok', note: answers[i.code]?.note ?? '' }))
          }
        >
          {t('visit.restOk', { count: restOk.length })}
        </Button>
      )}
      <List
        loading={loading}
        dataSource={[...items]}
        renderItem={(i) => {
          const a = answers[i.code] ?? { note: '' };
          const missingNote = a.result === 'defect' && !a.note.trim();
          return (
            <List.Item
              style={{ display: 'block', padding: '10px 0' }}
              data-testid={`visit-item-${i.code}`}
              data-answered={a.result ? 'yes' : 'no'}
            >
              <Typography.Text strong>
                {i.code} · {lang === 'en' ? i.titleEn : i.titleZh}
              </Typography.Text>
              {i.safetyCritical && (
                <Tag color="red" icon={<SafetyCertificateOutlined />} style={{ marginLeft: 6 }}>
                  {t('visit.safety')}
                </Tag>
              )}
              <div style={{ color: 'rgba(0,0,0,0.65)', margin: '2px 0 6px' }}>{i.requirement}</div>
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                style={{ display: 'flex', flexWrap: 'wrap', rowGap: 4 }}
                value={a.result}
                onChange={(e) => onChange(i.code, { ...a, result: e.target.value as Result })}
                options={RESULTS.map((x) => ({ value: x, label: t(`itemResult.${x}`) }))}
              />
              {a.result && a.result !== 'ok' && (
                <Input
                  style={{ marginTop: 6 }}
                  status={missingNote ? 'error' : undefined}
                  placeholder={t(a.result === 'defect' ? 'visit.defectNote' : 'visit.itemNote')}
                  value={a.note}
                  maxLength={500}
                  data-testid={`visit-note-${i.code}`}
                  onChange={(e) => onChange(i.code, { ...a, note: e.target.value })}
                />
              )}
              {missingNote && <Typography.Text type="danger">{t('visit.defectNoteNeeded')}</Typography.Text>}
              {a.result === 'defect' && i.safetyCritical && (
                <Alert style={{ marginTop: 6 }} type="warning" showIcon message={t('visit.safetyPhoto')} />
              )}
            </List.Item>
          );
        }}
      />
    </Card>
  );
}
