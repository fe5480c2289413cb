import { CheckCircleTwoTone, CloseCircleTwoTone } from '@ant-design/icons';
import { List, Progress, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { type Schemas } from '../api/client';

/** The four conditions of the vote, each with what was reached and any shortfall named. */
export function VoteConditions({ vote }: { vote: Schemas['VoteResultView'] }) {
  const { t } = useTranslation();
  return (
    <List
      size="small"
      dataSource={vote.conditions}
      renderItem={(c) => {
        const exact = (c.of * c.required.numerator) / c.required.denominator;
        // owners are counted whole: 2/3 of 4 owners needs 3
        const need = c.unit === 'owners' ? Math.ceil(exact) : exact;
        const unit = t(`vote.unit.${c.unit}`);
        return (
          <List.Item data-testid="vote-condition" data-met={c.met} style={{ display: 'block' }}>
            <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
              <span>
                {c.met ? (
                  <CheckCircleTwoTone twoToneColor="#52c41a" />
                ) : (
                  <CloseCircleTwoTone twoToneColor="#f5222d" />
                )}{' '}
                {t(`vote.condition.${c.name}`, {
                  fraction: `${c.required.numerator}/${c.required.denominator}`,
                })}
              </span>
              <Typography.Text type="secondary">
                {fmtNum(c.reached)} / {fmtNum(c.of)} {unit}
              </Typography.Text>
            </Space>
            <Progress
              percent={c.of ? Math.min(100, (c.reached / c.of) * 100) : 0}
              success={{ percent: 0 }}
              showInfo={false}
              size="small"
              strokeColor={c.met ? '#52c41a' : '#faad14'}
            />
            {!c.met && (
              <Typography.Text type="danger" style={{ fontSize: '0.875em' }} data-testid="vote-shortfall">
                {t('vote.short', { by: fmtNum(c.shortBy), unit, need: fmtNum(need) })}
              </Typography.Text>
            )}
          </List.Item>
        );
      }}
    />
  );
}

const fmtNum = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2));
