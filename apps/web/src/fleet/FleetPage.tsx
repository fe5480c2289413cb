import { SearchOutlined } from '@ant-design/icons';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Card, Empty, Input, Select, Space, Tag, Typography } from 'antd';
import { memo, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { currentLang } from '../i18n';
import { fromNow } from '../ui/format';
import { Loading } from '../ui/Loading';
import { directionArrow, FLEET_STATUSES, type FleetStatus, STATUS_COLOR, StatusTag } from '../ui/status';
import { useIsPhone } from '../ui/useIsPhone';
import { countByStatus, type FleetItem, useFleet } from './useFleet';
import { LoadFailures } from '../ui/QueryState';

/**
 * The fleet a firm maintains (or a regulator oversees): live status per elevator, counts per status,
 * filters by region, building and status, search by registration or rescue code. The list is
 * virtualised — thousands of rows cost only the few on screen.
 */
export default function FleetPage() {
  const { t } = useTranslation();
  const phone = useIsPhone();
  const navigate = useNavigate();
  const fleet = useFleet();
  const { data, isLoading } = fleet;
  const [status, setStatus] = useState<FleetStatus | null>(null);
  const [region, setRegion] = useState<string | null>(null);
  const [building, setBuilding] = useState<string | null>(null);
  const [search, setSearch] = useState('');

  const items = useMemo(() => data ?? [], [data]);
  const counts = useMemo(() => countByStatus(items), [items]);
  const regions = useMemo(
    () => [...new Map(items.map((i) => [i.regionCode, i.regionName ?? i.regionCode])).entries()].sort(),
    [items],
  );
  const buildings = useMemo(
    () =>
      [
        ...new Map(
          items
            .filter((i) => !region || i.regionCode === region)
            .map((i) => [i.buildingId, `${i.community} ${i.buildingName}`]),
        ).entries(),
      ].sort((a, b) => a[1].localeCompare(b[1])),
    [items, region],
  );
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    // Urgent statuses first; running and idle are one group, so cars going up and down do not
    // reorder the list every second. Within a group: by place, then registration code.
    const rank = (s: FleetStatus): number =>
      s === 'running' || s === 'idle' ? FLEET_STATUSES.length : FLEET_STATUSES.indexOf(s);
    return items
      .filter(
        (i) =>
          (!status || i.status === status) &&
          (!region || i.regionCode === region) &&
          (!building || i.buildingId === building) &&
          (!q ||
            i.registrationCode.toLowerCase().includes(q) ||
            (i.rescueCode ?? '').includes(q) ||
            `${i.community}${i.buildingName}`.toLowerCase().includes(q)),
      )
      .sort(
        (a, b) =>
          rank(a.status) - rank(b.status) ||
          `${a.community}${a.buildingName}${a.unitName}`.localeCompare(
            `${b.community}${b.buildingName}${b.unitName}`,
            'zh-CN',
          ) ||
          a.registrationCode.localeCompare(b.registrationCode),
      );
  }, [items, status, region, building, search]);

  const scroller = useRef<HTMLDivElement>(null);
  const rowHeight = phone ? 76 : 44;
  const virtual = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 10,
  });

  if (isLoading) return <Loading />;
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <LoadFailures queries={[fleet]} />
      <Space wrap size={[8, 8]} data-testid="status-counts">
        <Tag.CheckableTag
          checked={status === null}
          onChange={() => setStatus(null)}
          style={{ fontSize: 14, padding: '4px 10px' }}
          data-testid="count-all"
        >
          {t('fleet.all')} {items.length}
        </Tag.CheckableTag>
        {FLEET_STATUSES.map((s) => (
          <Tag.CheckableTag
            key={s}
            checked={status === s}
            onChange={(on) => setStatus(on ? s : null)}
            style={{
              fontSize: 14,
              padding: '4px 10px',
              borderColor: STATUS_COLOR[s],
              color: status === s ? '#fff' : STATUS_COLOR[s],
              background: status === s ? STATUS_COLOR[s] : undefined,
            }}
            data-testid={`count-${s}`}
          >
            {t(`status.${s}`)} {counts[s]}
          </Tag.CheckableTag>
        ))}
      </Space>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center' }}>
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('fleet.search')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          style={{ width: phone ? '100%' : 260 }}
          data-testid="fleet-search"
        />
        <Select
          allowClear
          placeholder={t('fleet.region')}
          value={region}
          onChange={(v: string | undefined) => {
            setRegion(v ?? null);
            setBuilding(null);
          }}
          options={regions.map(([code, name]) => ({ value: code, label: name }))}
          style={phone ? { flex: '1 1 40%', minWidth: 0 } : { width: 180 }}
        />
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t('fleet.building')}
          value={building}
          onChange={(v: string | undefined) => setBuilding(v ?? null)}
          options={buildings.map(([id, name]) => ({ value: id, label: name }))}
          style={phone ? { flex: '1 1 40%', minWidth: 0 } : { width: 240 }}
        />
        <Typography.Text type="secondary">{t('fleet.shown', { n: shown.length })}</Typography.Text>
      </div>
      <Card styles={{ body: { padding: 0 } }}>
        {!phone && (
          <div className="lw-fleet-row lw-fleet-head" role="row">
            <span>{t('fleet.col.status')}</span>
            <span>{t('fleet.col.code')}</span>
            <span>{t('fleet.col.place')}</span>
            <span>{t('fleet.col.floor')}</span>
            <span>{t('fleet.col.door')}</span>
            <span>{t('fleet.col.lastSeen')}</span>
            <span>{t('fleet.col.firm')}</span>
          </div>
        )}
        {shown.length === 0 ? (
          <Empty style={{ padding: 32 }} description={t('fleet.none')} />
        ) : (
          <div
            ref={scroller}
            style={{
              height: phone ? 'calc(100vh - 300px)' : 'calc(100vh - 260px)',
              minHeight: 300,
              overflow: 'auto',
            }}
            data-testid="fleet-list"
          >
            <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
              {virtual.getVirtualItems().map((v) => {
                const i = shown[v.index];
                return (
                  <div
                    key={i.elevatorId}
                    role="row"
                    data-elevator={i.elevatorId}
                    className={phone ? 'lw-fleet-card' : 'lw-fleet-row'}
                    style={{
                      position: 'absolute',
                      top: 0,
                      left: 0,
                      right: 0,
                      height: rowHeight,
                      transform: `translateY(${v.start}px)`,
                    }}
                    onClick={() => void navigate(`/elevators/${i.elevatorId}`)}
                  >
                    {phone ? <PhoneRow i={i} /> : <DeskRow i={i} />}
                  </div>
                );
              })}
            </div>
          </div>
        )}
      </Card>
    </Space>
  );
}

function Floor({ i }: { i: FleetItem }) {
  return (
    <span data-testid="floor">
      {i.live?.floor ?? '—'}
      <span style={{ marginInlineStart: 4, color: '#1456f0' }}>{directionArrow(i.live?.direction)}</span>
    </span>
  );
}

// Rows render again only when their elevator changed (not on every scroll step or other row's change).
const DeskRow = memo(function DeskRow({ i }: { i: FleetItem }) {
  const { t } = useTranslation();
  return (
    <>
      <span>
        <StatusTag status={i.status} />
      </span>
      <span style={{ fontFamily: 'monospace' }}>{i.registrationCode}</span>
      <span className="lw-ellipsis">
        {i.community} {i.buildingName} {i.unitName}
      </span>
      <Floor i={i} />
      <span>
        {i.live?.doorClosed === false
          ? t('fleet.doorOpen')
          : i.live?.doorClosed
            ? t('fleet.doorClosed')
            : '—'}
      </span>
      <span>{fromNow(i.live?.lastSeenAt, currentLang())}</span>
      <span className="lw-ellipsis">{i.firmName ?? '—'}</span>
    </>
  );
});

const PhoneRow = memo(function PhoneRow({ i }: { i: FleetItem }) {
  const { t } = useTranslation();
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 4, width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
        <span className="lw-ellipsis" style={{ fontWeight: 500 }}>
          {i.community} {i.buildingName} {i.unitName}
        </span>
        <StatusTag status={i.status} />
      </div>
      <div style={{ display: 'flex', justifyContent: 'space-between', color: '#646a73', fontSize: 13 }}>
        <span style={{ fontFamily: 'monospace' }}>{i.registrationCode}</span>
        <span>
          {t('fleet.col.floor')} <Floor i={i} /> · {fromNow(i.live?.lastSeenAt, currentLang())}
        </span>
      </div>
    </div>
  );
});
