import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Row, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { Chart } from '../ui/Chart';

/** A month of the elevator's rollups: trips, running hours, energy and faults per day. */
export function Last30Days({ elevatorId: id }: { elevatorId: string }) {
  const { t } = useTranslation();
  const from = useMemo(() => dayjs().subtract(30, 'day').startOf('day').toISOString(), []);
  const history = useQuery({
    queryKey: ['history', id, from],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/elevators/{id}/history', {
          params: { path: { id }, query: { bucket: 'day', from } },
        }),
      ),
  });
  const days = history.data ?? [];
  const chart = (name: string, values: number[], color: string, type: 'bar' | 'line' = 'bar') => ({
    grid: { left: 40, right: 12, top: 24, bottom: 28 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: days.map((d) => d.bucket.slice(5)) },
    yAxis: { type: 'value' },
    series: [{ name, type, data: values, itemStyle: { color }, smooth: true }],
  });
  return (
    <Card size="small" title={t('elevator.last30')} loading={history.isLoading}>
      {days.length === 0 ? (
        <Empty description={t('elevator.noHistory')} />
      ) : (
        <Row gutter={12}>
          <Col xs={24} lg={12}>
            <Typography.Text type="secondary">{t('elevator.trips')}</Typography.Text>
            <Chart
              option={chart(
                t('elevator.trips'),
                days.map((d) => d.trips),
                '#1456f0',
              )}
              height={180}
              testId="chart-trips"
            />
          </Col>
          <Col xs={24} lg={12}>
            <Typography.Text type="secondary">{t('elevator.runningHours')}</Typography.Text>
            <Chart
              option={chart(
                t('elevator.runningHours'),
                days.map((d) => Math.round((d.runningSeconds / 3600) * 10) / 10),
                '#722ed1',
                'line',
              )}
              height={180}
            />
          </Col>
          <Col xs={24} lg={12}>
            <Typography.Text type="secondary">{t('elevator.kwh')}</Typography.Text>
            <Chart
              option={chart(
                'kWh',
                days.map((d) => Math.round(d.kwh * 100) / 100),
                '#52c41a',
                'line',
              )}
              height={180}
            />
          </Col>
          <Col xs={24} lg={12}>
            <Typography.Text type="secondary">{t('elevator.faults')}</Typography.Text>
            <Chart
              option={chart(
                t('elevator.faults'),
                days.map((d) => d.faultCount),
                '#fa8c16',
              )}
              height={180}
            />
          </Col>
        </Row>
      )}
    </Card>
  );
}
